// SPDX-License-Identifier: GPL-3.0-or-later
#include "cgroup/layout.h"

#include <algorithm>
#include <sstream>

#include "cvirt/error.h"
#include "util/file.h"

namespace cvirt::cgroup {

namespace {

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t b = 0;
    while (b <= s.size()) {
        size_t e = s.find(sep, b);
        if (e == std::string_view::npos) e = s.size();
        if (e > b) out.emplace_back(s.substr(b, e - b));
        b = e + 1;
    }
    return out;
}

bool contains(const std::vector<std::string>& v, std::string_view x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string_view layoutName(Layout layout) {
    switch (layout) {
        case Layout::Legacy:
            return "v1";
        case Layout::Unified:
            return "v2";
        case Layout::Hybrid:
            return "hybrid";
    }
    return "v1";
}

const Hierarchy* HostLayout::forController(std::string_view controller) const {
    for (const auto& h : hierarchies)
        if (!h.unified && contains(h.controllers, controller)) return &h;
    for (const auto& h : hierarchies) {
        if (!h.unified) continue;
        if (contains(h.controllers, controller)) return &h;
        if (controller == "freezer") return &h;  // cgroup.freeze
        if (controller == "devices") return &h;  // eBPF device program
    }
    return nullptr;
}

const Hierarchy* HostLayout::unified() const {
    for (const auto& h : hierarchies)
        if (h.unified) return &h;
    return nullptr;
}

HostLayout parseLayout(std::string_view mountinfo, const std::vector<std::string>& enabled,
                       std::string_view unifiedControllers) {
    HostLayout out;
    std::istringstream in{std::string(mountinfo)};
    std::string line;
    bool v1 = false;
    while (std::getline(in, line)) {
        // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTS"
        size_t dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        std::vector<std::string> pre = split(std::string_view(line).substr(0, dash), ' ');
        std::vector<std::string> post = split(std::string_view(line).substr(dash + 3), ' ');
        if (pre.size() < 5 || post.size() < 3) continue;
        if (pre[3] != "/") continue;  // a bind of a sub-cgroup, not a hierarchy root
        Hierarchy h;
        h.mount = pre[4];
        if (post[0] == "cgroup2") {
            h.unified = true;
            std::string names(unifiedControllers);
            std::replace(names.begin(), names.end(), '\n', ' ');
            h.controllers = split(names, ' ');
        } else if (post[0] == "cgroup") {
            for (const auto& opt : split(post[2], ',')) {
                if (opt.rfind("name=", 0) == 0)
                    h.name = opt.substr(5);
                else if (contains(enabled, opt))
                    h.controllers.push_back(opt);
            }
            if (h.controllers.empty() && h.name.empty()) continue;
            if (!h.controllers.empty()) v1 = true;
        } else {
            continue;
        }
        // The same hierarchy mounted twice: keep the first.
        bool dup = false;
        for (const auto& o : out.hierarchies)
            dup |= o.unified == h.unified && o.controllers == h.controllers && o.name == h.name;
        if (!dup) out.hierarchies.push_back(std::move(h));
    }
    bool v2 = out.unified() != nullptr;
    if (!v1 && !v2) throw Error(ErrorCode::OperationFailed, "no cgroup hierarchy is mounted");
    out.layout = v1 && v2 ? Layout::Hybrid : v2 ? Layout::Unified : Layout::Legacy;
    return out;
}

HostLayout detectHost() {
    std::string mountinfo = util::readFile("/proc/self/mountinfo");
    std::vector<std::string> enabled;
    std::istringstream in(util::readFile("/proc/cgroups"));
    std::string name, hier, num, en;
    std::string header;
    std::getline(in, header);
    while (in >> name >> hier >> num >> en)
        if (en == "1") enabled.push_back(name);
    std::string unifiedControllers;
    // Find the cgroup2 mount point first to read its controllers.
    HostLayout probe = parseLayout(mountinfo, enabled, "");
    if (const Hierarchy* u = probe.unified())
        unifiedControllers = util::readFileIfExists(u->mount / "cgroup.controllers").value_or("");
    return parseLayout(mountinfo, enabled, unifiedControllers);
}

std::string cgroupIn(std::string_view procCgroup, const Hierarchy& h) {
    std::vector<std::string> want = h.controllers;
    if (!h.name.empty()) want.push_back("name=" + h.name);
    std::sort(want.begin(), want.end());
    while (!procCgroup.empty()) {
        size_t nl = procCgroup.find('\n');
        std::string_view line = procCgroup.substr(0, nl);
        procCgroup = nl == std::string_view::npos ? "" : procCgroup.substr(nl + 1);
        size_t a = line.find(':'), b = a == std::string_view::npos ? a : line.find(':', a + 1);
        if (b == std::string_view::npos) continue;
        std::string_view id = line.substr(0, a), list = line.substr(a + 1, b - a - 1);
        std::string path(line.substr(b + 1));
        if (h.unified) {
            if (id == "0" && list.empty()) return path;
            continue;
        }
        std::vector<std::string> got;
        for (size_t at = 0; at <= list.size() && !list.empty();) {
            size_t comma = std::min(list.find(',', at), list.size());
            got.emplace_back(list.substr(at, comma - at));
            at = comma + 1;
        }
        std::sort(got.begin(), got.end());
        if (!got.empty() && got == want) return path;
    }
    return {};
}

}  // namespace cvirt::cgroup
