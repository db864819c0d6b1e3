// SPDX-License-Identifier: GPL-3.0-or-later
// domxml-from-native / domxml-to-native for "lxc-tools": an LXC container config (both the
// 1.x/2.x keys — lxc.utsname, lxc.rootfs, lxc.network.*, lxc.id_map — and the 3.x+ ones —
// lxc.uts.name, lxc.rootfs.path, lxc.net.N.*, lxc.idmap) to a DomainDef with the meaning
// libvirt's converter gives it, and back. Keys that cannot be mapped become warnings, never
// silently dropped. Pure, except `readInclude` (lxc.include, lxc.mount.fstab).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::conf {

struct NativeImport {
    DomainDef def;  // no uuid: define() makes one
    std::vector<std::string> warnings;
};

// Returns the file's content, or nullopt when it does not exist; for a directory (an
// lxc.include of a directory), the names of its *.conf files, sorted, as "dir:NAME\n…".
using NativeReader = std::function<std::optional<std::string>(const std::string& path)>;

// Throws Error(ConfigUnsupported / InvalidArg) naming `filename`, the line and the key.
NativeImport fromLxcConfig(std::string_view text, const std::string& filename,
                           const NativeReader& readInclude);

// The LXC 3.x+ config of `def`; cgroup limits as lxc.cgroup2.* (cgroupV2) or lxc.cgroup.*.
// What LXC has no key for is listed in `warnings`.
std::string toLxcConfig(const DomainDef& def, bool cgroupV2, std::vector<std::string>& warnings);

}  // namespace cvirt::conf
