// SPDX-License-Identifier: GPL-3.0-or-later
// A running VM's online vcpus (setvcpus --live): hot-plugged and unplugged through QMP.
#pragma once

#include <string>

#include "state/uri.h"

namespace cvirt::qemu {

// Brings the VM from `online` to `wanted` vcpus (at most its maxcpus): device_add of free
// slots, or device_del of vcpus plugged that way (highest first), each waited for until the
// guest released it. Throws libvirt's errors when the count cannot be reached.
void setOnlineVcpus(const state::DriverPaths& paths, const std::string& name, unsigned online,
                    unsigned wanted);

}  // namespace cvirt::qemu
