// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/owner_record.h"

#include <charconv>

namespace cvirt::state {

std::string formatOwnerRecord(const OwnerRecord& r) {
    // The start time after the pid: a reader from before start times takes the pid alone.
    std::string out = "controller " + std::to_string(r.controller);
    if (r.controllerStart != 0) out += " " + std::to_string(r.controllerStart);
    out += "\n";
    if (!r.cgroupLeaf.empty())
        out += "cgroup-partition " + r.cgroupPartition + "\ncgroup-leaf " + r.cgroupLeaf + "\n";
    for (const auto& l : r.links)
        out += "link " + l + "\n";
    return out;
}

OwnerRecord parseOwnerRecord(std::string_view text) {
    OwnerRecord r;
    while (!text.empty()) {
        size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        size_t sp = line.find(' ');
        if (sp == std::string_view::npos) continue;
        std::string_view key = line.substr(0, sp), value = line.substr(sp + 1);
        if (key == "controller" || key == "supervisor") {  // "supervisor": before 2026-12-07
            const char* end = value.data() + value.size();
            const char* p = std::from_chars(value.data(), end, r.controller).ptr;
            if (p < end && *p == ' ') std::from_chars(p + 1, end, r.controllerStart);
        } else if (key == "cgroup-partition")
            r.cgroupPartition = value;
        else if (key == "cgroup-leaf")
            r.cgroupLeaf = value;
        else if (key == "link" && !value.empty())
            r.links.emplace_back(value);
    }
    return r;
}

}  // namespace cvirt::state
