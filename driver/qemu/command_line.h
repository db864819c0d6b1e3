// SPDX-License-Identifier: GPL-3.0-or-later
// The qemu-system command line of a VM, built from the shared domain model. Pure: what the
// process gets (QMP socket, serial pty, tap fds) comes in as numbers and paths.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::qemu {

struct LaunchResources {
    bool kvm = false;         // -accel kvm (type='kvm'), else tcg
    int qmpFd = -1;           // one end of a connected socket pair: the QMP monitor
    std::string serialPty;    // slave of the console pty (first serial port); "" = none
    std::vector<int> tapFds;  // one per <interface>, in order
};

// argv, argv[0] = <emulator>. The guest starts paused (-S): the controller continues it once
// QMP is connected. No graphics, no default devices, no user networking, sandboxed.
std::vector<std::string> commandLine(const conf::DomainDef& def, const LaunchResources& res);

// The qemu id of a disk's drive ("drive-virtio-disk0"): how QMP names it.
std::string driveId(const conf::Disk& disk);

// qemu's option syntax: ',' inside a value is written ",,".
std::string escapeOptionValue(const std::string& value);

}  // namespace cvirt::qemu
