// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: the VM half of api/snapshot.cc — qcow2 snapshots of a VM's disks. Internal ones
// through QMP's human monitor (savevm, loadvm, delvm: disks and memory) while qemu runs and
// qemu-img while it is stopped; external disk-only ones as new qcow2 overlays
// (blockdev-snapshot-sync in one transaction, the VM paused for the cut; qemu-img create
// when stopped), the definition then pointing at them. Callers hold the domain lock.
#pragma once

#include <map>
#include <string>

#include "api/domain_op.h"
#include "snapshot/snapshot_def.h"

namespace cvirt {

Error noSnapshot(std::string_view name);

// Takes the snapshot `def` names and fills in its memory and disks.
void createVmSnapshot(DomainOp& op, snapshot::SnapshotDef& def, bool diskOnly);
// Removes what a create of `name` that did not finish left in the disks. Never throws.
void undoVmSnapshot(DomainOp& op, const std::string& name) noexcept;
// snapshot-delete of what `def` holds (its internal snapshots); external ones are refused.
void deleteVmSnapshot(DomainOp& op, const snapshot::SnapshotDef& def);
// A running VM and a snapshot with its memory: loadvm in place, then paused or running as
// the snapshot was or as `flags` say. False when the VM has to be stopped first.
bool revertVmLive(DomainOp& op, const snapshot::SnapshotDef& def, unsigned flags);
// A stopped VM: each disk's internal snapshot applied (qemu-img snapshot -a); for an external
// one, a new qcow2 overlay on the file the disk was when it was taken (libvirt's revert of an
// external snapshot). Returns the new overlays by disk target, for the definition; removes
// them again when a later disk fails.
std::map<std::string, std::string> revertVmStopped(const snapshot::SnapshotDef& def);
// Starts `dom` paused, loads the snapshot's memory and devices (loadvm), resumes unless
// `paused`.
void startVmFromSnapshot(ConnectionImpl& conn, Domain& dom, const snapshot::SnapshotDef& def,
                         bool paused);

}  // namespace cvirt
