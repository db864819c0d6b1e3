// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/config_seal.h"

#include <cstdio>
#include <utility>

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

namespace {
// The seal line ("" when `file` has none) and what follows it.
std::pair<std::string_view, std::string_view> splitSeal(std::string_view file) {
    if (!file.starts_with(kOpen)) return {{}, file};
    size_t eol = file.find('\n');
    if (eol == std::string_view::npos) return {{}, file};
    std::string_view line = file.substr(0, eol);
    if (!line.ends_with("-->")) return {{}, file};  // not our comment: leave it in
    return {line, file.substr(eol + 1)};
}
}  // namespace

std::string_view withoutSeal(std::string_view file) {
    return splitSeal(file).second;
}

bool sealHolds(std::string_view file) {
    auto [line, body] = splitSeal(file);
    return line.size() > kOpen.size() + kDigestLength &&
           line[kOpen.size() + kDigestLength] == ':' &&
           line.substr(kOpen.size(), kDigestLength) == digestOf(body);
}

}  // namespace cvirt::state
