// SPDX-License-Identifier: GPL-3.0-or-later
// attach-device / detach-device of a VM's disks (attach-disk, detach-disk) and change-media
// of its cdroms, through QMP as libvirt does: a disk is a block node (blockdev-add) and a
// virtio-blk-pci device on it (device_add); it goes with device_del, once the guest released
// it, and blockdev-del. A cdrom's medium changes with blockdev-change-medium or eject.
#include <chrono>
#include <thread>

#include "cvirt/error.h"
#include "qemu/backend.h"
#include "qemu/command_line.h"
#include "qemu/qmp_call.h"

namespace cvirt::qemu {

namespace {

// The device id ("virtio-disk1") of a disk whose drive is "drive-virtio-disk1".
std::string deviceIdOf(const conf::Disk& disk) {
    return driveId(disk).substr(std::string("drive-").size());
}

bool isVirtio(const conf::Disk& disk) {
    return disk.targetBus ? *disk.targetBus == conf::DiskBus::Virtio
                          : disk.targetDev.rfind("hd", 0) != 0;
}

std::string formatOf(const conf::Disk& disk) {
    return std::string(
        conf::kDiskFormatNames.name(disk.driverFormat.value_or(conf::DiskFormat::Raw)));
}

// Whether qemu still has the device `id` (the guest has not released it yet).
bool hasDevice(const state::DriverPaths& paths, const std::string& name, const std::string& id) {
    Json children = qmpCall(paths, name, "qom-list", {{"path", "/machine/peripheral"}});
    for (const auto& c : children)
        if (c.value("name", "") == id) return true;
    return false;
}

}  // namespace

void QemuBackend::attachDevice(const state::LiveDomain& d, const conf::DomainDef&,
                               backend::Device& dev) {
    auto* disk = std::get_if<conf::Disk>(&dev);
    if (!disk)
        throw Error(ErrorCode::ConfigUnsupported,
                    std::string("device type '") +
                        (std::holds_alternative<conf::Filesystem>(dev) ? "filesystem" : "hostdev") +
                        "' cannot be attached");
    if (disk->device == conf::DiskDevice::Cdrom || !isVirtio(*disk))
        throw Error(ErrorCode::ConfigUnsupported,
                    "disk bus '" +
                        std::string(conf::kDiskBusNames.name(
                            disk->targetBus.value_or(conf::DiskBus::Ide))) +
                        "' cannot be hotplugged.");
    std::string node = driveId(*disk), id = deviceIdOf(*disk);
    Json file = {{"driver", disk->type == conf::DiskType::Block ? "host_device" : "file"},
                 {"filename", disk->source}};
    qmpCall(paths_, d.name, "blockdev-add",
            {{"driver", formatOf(*disk)},
             {"node-name", node},
             {"read-only", disk->readonly},
             {"file", file}});
    try {
        qmpCall(paths_, d.name, "device_add",
                {{"driver", "virtio-blk-pci"}, {"drive", node}, {"id", id}});
    } catch (const Error&) {
        try {
            qmpCall(paths_, d.name, "blockdev-del", {{"node-name", node}});
        } catch (const Error&) {
        }
        throw;
    }
}

void QemuBackend::detachDevice(const state::LiveDomain& d, const conf::DomainDef&,
                               const backend::Device& gone) {
    auto* disk = std::get_if<conf::Disk>(&gone);
    if (!disk)
        throw Error(
            ErrorCode::ConfigUnsupported,
            std::string("device type '") +
                (std::holds_alternative<conf::Filesystem>(gone) ? "filesystem" : "hostdev") +
                "' cannot be detached");
    if (disk->device == conf::DiskDevice::Cdrom || !isVirtio(*disk))
        throw Error(ErrorCode::OperationFailed, "This type of disk cannot be hot unplugged");
    std::string id = deviceIdOf(*disk);
    qmpCall(paths_, d.name, "device_del", {{"id", id}});
    // The guest acknowledges the unplug (ACPI); libvirt waits 5 s, emulated guests take longer.
    constexpr int kReleaseMs = 20000;
    for (int waited = 0; hasDevice(paths_, d.name, id); waited += 100) {
        if (waited >= kReleaseMs)
            throw Error(ErrorCode::OperationFailed, "the guest of '" + d.name +
                                                        "' did not release disk '" +
                                                        disk->targetDev + "' (unplug requested)");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // A disk hot-plugged here has a node of its own; one from the command line went with
    // its device.
    try {
        qmpCall(paths_, d.name, "blockdev-del", {{"node-name", driveId(*disk)}});
    } catch (const Error&) {
    }
}

void QemuBackend::changeMedia(const state::LiveDomain& d, const conf::Disk& before,
                              const conf::Disk& after) {
    std::string id = deviceIdOf(before);
    if (after.source.empty()) {
        qmpCall(paths_, d.name, "eject", {{"id", id}, {"force", true}});
        return;
    }
    qmpCall(paths_, d.name, "blockdev-change-medium",
            {{"id", id}, {"filename", after.source}, {"format", formatOf(after)}});
}

}  // namespace cvirt::qemu
