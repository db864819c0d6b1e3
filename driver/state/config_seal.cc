// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/config_seal.h"

#include <cstdio>

#include "util/digest.h"

namespace cvirt::state {

namespace {
constexpr std::string_view kOpen = "<!-- cvirt config ";
constexpr size_t kDigestLength = 16;  // hex digits of a 64-bit digest

std::string digestOf(std::string_view xml) {
    char hex[kDigestLength + 1];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(util::fnv1a64(xml)));
    return hex;
}
}  // namespace

std::string sealConfig(std::string_view name, std::string_view xml) {
    std::string out;
    out.reserve(xml.size() + 200);
    out += kOpen;
    out += digestOf(xml);
    out += ": written by cvirt. Change it with 'cvirsh edit ";
    // A name may hold what a one-line comment may not: the advice then names no domain.
    bool fits = name.find("--") == std::string_view::npos && !name.ends_with('-') &&
                name.find('\n') == std::string_view::npos;
    out += fits ? name : std::string_view("NAME");
    out += "'; a hand edit is checked against the schema at each use. -->\n";
    out += xml;
    return out;
}

OpenedConfig openConfig(std::string_view file) {
    if (!file.starts_with(kOpen)) return {file, false};
    size_t eol = file.find('\n');
    if (eol == std::string_view::npos) return {file, false};
    std::string_view line = file.substr(0, eol);
    std::string_view body = file.substr(eol + 1);
    if (!line.ends_with("-->")) return {file, false};  // not our comment: leave it in
    std::string_view digest = line.substr(kOpen.size(), kDigestLength);
    bool intact = line.size() > kOpen.size() + kDigestLength &&
                  line[kOpen.size() + kDigestLength] == ':' && digest == digestOf(body);
    return {body, intact};
}

}  // namespace cvirt::state
