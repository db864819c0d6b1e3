// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/disk_volumes.h"

#include "cvirt/error.h"
#include "storage/volume_lookup.h"

namespace cvirt::qemu {

void resolveVolumeDisks(conf::DomainDef& def, const std::filesystem::path& root) {
    for (auto& d : def.disks) {
        if (d.type != conf::DiskType::Volume) continue;
        storage::VolInfo vol = storage::lookupVolume(root, d.sourcePool, d.sourceVolume);
        std::string name = "volume '" + d.sourceVolume + "' of pool '" + d.sourcePool + "'";
        conf::DiskFormat format;
        switch (vol.def.format) {
            case storage::VolFormat::Raw:
                format = conf::DiskFormat::Raw;
                break;
            case storage::VolFormat::Qcow2:
                format = conf::DiskFormat::Qcow2;
                break;
            default:
                throw Error(ErrorCode::ConfigUnsupported,
                            "disk '" + d.targetDev + "': " + name +
                                " is a directory (a container root): a VM disk needs a raw or "
                                "qcow2 volume");
        }
        // a raw driver over a qcow2 volume would hand its header to the guest
        if (d.driverFormat && *d.driverFormat != format)
            throw Error(ErrorCode::ConfigUnsupported,
                        "disk '" + d.targetDev + "' has format '" +
                            std::string(conf::kDiskFormatNames.name(*d.driverFormat)) + "' but " +
                            name + " is '" + std::string(conf::kDiskFormatNames.name(format)) +
                            "'");
        d.driverFormat = format;
        d.source = vol.path;
    }
}

}  // namespace cvirt::qemu
