// SPDX-License-Identifier: GPL-3.0-or-later
// The device whitelist: deny everything, allow the standard container set (null, zero,
// full, random, urandom, tty, console, ptmx, pts) and each hostdev's device. v1 writes
// devices.deny/devices.allow; v2 attaches an eBPF CGROUP_DEVICE program built here.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "util/fd.h"

namespace cvirt::cgroup {

struct DeviceRule {
    char type = 'c';  // 'c' or 'b'
    long major = -1;  // -1 = any
    long minor = -1;  // -1 = any
    std::string access = "rwm";
    bool operator==(const DeviceRule&) const = default;
};

// Pure but for `statDevice`, which resolves a hostdev path to (type, major, minor); throws
// Error naming the device when it is not a device node.
std::vector<DeviceRule> deviceRules(const conf::DomainDef& def,
                                    DeviceRule (*statDevice)(const std::string& path) = nullptr);

// "c 1:3 rwm" lines for v1 devices.allow.
std::string v1Line(const DeviceRule& rule);

// Loads the rules as a BPF_PROG_TYPE_CGROUP_DEVICE program and attaches it to `cgroupDir`
// (a cgroup2 directory). The kernel keeps it attached until the cgroup is removed.
void attachDeviceProgram(const std::string& cgroupDir, const std::vector<DeviceRule>& rules);
// The same in two steps: the load (the kernel's verifier: the costly part; `cgroupDir` only
// names it in errors), then the attach.
util::Fd loadDeviceProgram(const std::string& cgroupDir, const std::vector<DeviceRule>& rules);
void attachDeviceProgram(const std::string& cgroupDir, const util::Fd& program);

// The filter of a running cgroup replaced by one of `rules` (attach-device, detach-device):
// the new program is attached before those attached there until now are detached, so at no
// moment is a device allowed that neither set allows.
void replaceDeviceProgram(const std::string& cgroupDir, const std::vector<DeviceRule>& rules);

}  // namespace cvirt::cgroup
