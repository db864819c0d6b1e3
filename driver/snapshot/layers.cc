// SPDX-License-Identifier: GPL-3.0-or-later
#include "snapshot/layers.h"

#include "cvirt/error.h"
#include "storage/layers.h"

namespace cvirt::snapshot {

std::vector<Layer> writableLayers(const conf::DomainDef& def) {
    std::vector<Layer> out;
    bool root = false;
    for (const conf::Filesystem& fs : def.filesystems) {
        if (fs.type != conf::FsType::Mount || fs.readonly || fs.source.empty()) continue;
        root |= fs.target == "/";
        out.push_back({fs.target, storage::writableLayer(fs.source)});
    }
    if (!root)
        throw Error(ErrorCode::OperationInvalid,
                    "domain '" + def.name +
                        "' has no root file system of its own (it shares the host's): "
                        "nothing to snapshot");
    return out;
}

std::vector<const conf::Disk*> snapshotDisks(const conf::DomainDef& def) {
    std::vector<const conf::Disk*> out;
    for (const conf::Disk& d : def.disks)
        if (d.device == conf::DiskDevice::Disk && !d.readonly && !d.source.empty() &&
            d.type == conf::DiskType::File)
            out.push_back(&d);
    return out;
}

}  // namespace cvirt::snapshot
