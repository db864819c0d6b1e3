// SPDX-License-Identifier: GPL-3.0-or-later
// Image files a container mounts (<filesystem type='file'>), put on block devices by the
// controller before the container is made, as libvirt's controller does
// (virLXCControllerSetupLoopDevices): a raw image on a loop device, any other format (or
// <driver type='nbd'>) through qemu-nbd on /dev/nbdN. The container then mounts each device
// as it would a <filesystem type='block'>; a root image is mounted on a directory in the
// run directory (libvirt's <name>.root) and pivoted into.
//
// Owned here for the domain's life (reboots included): the loop devices' descriptors and the
// qemu-nbd processes. Loop devices are attached with autoclear, so the kernel frees one once
// this descriptor and the container's mount are both gone; qemu-nbd runs in the foreground as
// the controller's child with a parent-death signal, so it ends (and its device disconnects)
// with the controller even when that is killed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "util/child.h"
#include "util/fd.h"

namespace cvirt::lxc {

class ImageDevices {
public:
    ImageDevices() = default;
    ImageDevices(const ImageDevices&) = delete;
    ImageDevices& operator=(const ImageDevices&) = delete;
    ~ImageDevices() { release(); }

    // Attaches each file filesystem of `def`; a root image or block device gets
    // `runBase`.root (runBase: the domain's run directory and name) made as its mount point,
    // qemu-nbd its socket at `runBase`.nbdN.sock. Throws naming the image; what was attached
    // before stays owned here (released by release() or the destructor).
    void attach(const conf::DomainDef& def, const std::filesystem::path& runBase);
    // `def` as the container is to see it: each attached file filesystem a block one on its
    // device.
    conf::DomainDef resolve(const conf::DomainDef& def) const;
    // Detaches everything: loop descriptors closed, qemu-nbd stopped (SIGTERM, then SIGKILL
    // after a few seconds) and reaped, the root mount point removed. Never throws.
    void release() noexcept;

private:
    struct Attached {
        size_t index = 0;    // into def.filesystems
        std::string dev;     // /dev/loopN or /dev/nbdN
        util::Fd loop;       // a loop device's descriptor
        util::Child nbd;     // qemu-nbd serving /dev/nbdN
        std::string socket;  // its unix socket
    };
    std::vector<Attached> attached_;
    std::filesystem::path rootDir_;  // made by attach, "" when none
};

}  // namespace cvirt::lxc
