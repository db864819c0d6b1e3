// SPDX-License-Identifier: GPL-3.0-or-later
// A stopped VM's qcow2 disks, through Debian's qemu-img: internal snapshots (create, apply,
// delete, list) and external overlays. A running VM's go through QMP (api/snapshot_vm.cc).
#pragma once

#include <string>
#include <vector>

namespace cvirt::snapshot {

// qemu-img snapshot -c/-a/-d NAME FILE. Throws OperationFailed with qemu-img's words.
void qcow2Snapshot(const std::string& file, char op, const std::string& name);
// The internal snapshot names FILE holds (qemu-img snapshot -l).
std::vector<std::string> qcow2Snapshots(const std::string& file);
// qemu-img create -f qcow2 -b BACKING -F FORMAT OVERLAY.
void qcow2Overlay(const std::string& overlay, const std::string& backing,
                  const std::string& backingFormat);
// libvirt's name for a disk's external snapshot: the source with its extension replaced by
// ".NAME" (/i/vm.qcow2 → /i/vm.s1), or ".NAME" added when it has none.
std::string overlayName(const std::string& source, const std::string& snapshot);

}  // namespace cvirt::snapshot
