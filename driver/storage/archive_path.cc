// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/archive_path.h"

#include "cvirt/error.h"

namespace cvirt::storage {

namespace {
std::vector<std::string_view> split(std::string_view s) {
    std::vector<std::string_view> out;
    size_t at = 0;
    while (at <= s.size()) {
        size_t slash = s.find('/', at);
        if (slash == std::string_view::npos) slash = s.size();
        out.push_back(s.substr(at, slash - at));
        at = slash + 1;
    }
    return out;
}
}  // namespace

std::vector<std::string> memberPath(std::string_view name) {
    auto bad = [&](const char* why) {
        return Error(ErrorCode::InvalidArg, "archive member '" + std::string(name) + "' " + why);
    };
    if (name.empty()) throw bad("has an empty name");
    if (name[0] == '/') throw bad("has an absolute path");
    std::vector<std::string> out;
    for (auto c : split(name)) {
        if (c.empty() || c == ".") continue;
        if (c == "..") throw bad("has a '..' component");
        out.emplace_back(c);
    }
    return out;
}

bool linkStaysInside(const std::vector<std::string>& link, std::string_view target) {
    if (target.empty()) return false;
    // Depth below the root while walking the target; a relative one starts in the link's
    // directory.
    long depth = target[0] == '/' ? 0 : static_cast<long>(link.size()) - 1;
    if (depth < 0) return false;  // a link cannot be the root itself
    for (auto c : split(target)) {
        if (c.empty() || c == ".") continue;
        if (c == "..") {
            if (--depth < 0) return false;
        } else {
            ++depth;
        }
    }
    return true;
}

}  // namespace cvirt::storage
