// SPDX-License-Identifier: GPL-3.0-or-later
// Which cgroup hierarchies the host mounts and where each controller lives. Detected from
// /proc/self/mountinfo, /proc/cgroups and the unified mount's cgroup.controllers, never
// guessed from paths. Hybrid = v1 hierarchies plus a cgroup2 mount (controllers go to the
// hierarchy that holds them: on some hosts hugetlb is on cgroup2 and the rest on v1).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cvirt::cgroup {

namespace fs = std::filesystem;

enum class Layout { Legacy, Unified, Hybrid };
std::string_view layoutName(Layout layout);  // "v1", "v2", "hybrid"

struct Hierarchy {
    fs::path mount;
    bool unified = false;
    std::vector<std::string> controllers;  // v1: from the mount options; v2: cgroup.controllers
    std::string name;                      // v1 named hierarchy ("systemd"), else empty
};

struct HostLayout {
    Layout layout = Layout::Legacy;
    std::vector<Hierarchy> hierarchies;

    // The hierarchy that holds `controller`, or nullptr (v2's "freezer" is cgroup.freeze and
    // always present on a unified hierarchy).
    const Hierarchy* forController(std::string_view controller) const;
    const Hierarchy* unified() const;
};

// Pure: `mountinfo` is /proc/self/mountinfo, `enabled` the enabled names from /proc/cgroups,
// `unifiedControllers` the content of <cgroup2 mount>/cgroup.controllers ("" if none).
HostLayout parseLayout(std::string_view mountinfo, const std::vector<std::string>& enabled,
                       std::string_view unifiedControllers);
HostLayout detectHost();

// Pure: the cgroup `procCgroup` (a /proc/PID/cgroup) names for hierarchy `h`: "0::PATH" for a
// unified one, "N:CONTROLLERS:PATH" matched by controllers or name=NAME for v1; "" if none.
std::string cgroupIn(std::string_view procCgroup, const Hierarchy& h);

}  // namespace cvirt::cgroup
