// SPDX-License-Identifier: GPL-3.0-or-later
// What a snapshot of a domain holds, per kind: a container's writable layers (directories
// copied whole), a VM's disks (qcow2 snapshots through qemu-img or QMP). Pure planning here;
// the copies are tree_copy.h's, the qcow2 work qcow2.h's.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::snapshot {

// One writable directory of a container, named by its target ('/', '/data').
struct Layer {
    std::string name;
    std::filesystem::path path;
};

// The container's writable layers: its root and every other writable <filesystem
// type='mount'> (bind-mounted host directories; a read-only one is not the container's to
// change). A root from a clone volume gives its upper directory alone (storage/layers.h:
// the lower layers are read-only, shared with other clones). Throws OperationInvalid when the
// container has no root of its own (it shares the host's).
std::vector<Layer> writableLayers(const conf::DomainDef& def);

// A VM's disks a snapshot covers: every writable <disk device='disk'> with a file source.
std::vector<const conf::Disk*> snapshotDisks(const conf::DomainDef& def);

}  // namespace cvirt::snapshot
