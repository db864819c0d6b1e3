// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/pid_file.h"

#include <charconv>

namespace cvirt::state {

namespace {

// Two numbers separated by spaces from `p`; returns where it stopped.
template <typename T>
const char* readPair(const char* p, const char* end, T& a, T& b) {
    p = std::from_chars(p, end, a).ptr;
    while (p < end && *p == ' ')
        ++p;
    return std::from_chars(p, end, b).ptr;
}

}  // namespace

std::string formatPidFile(const PidFile& f) {
    return std::to_string(f.controller.pid) + " " + std::to_string(f.guest.pid) + "\n" +
           std::to_string(f.controller.startTime) + " " + std::to_string(f.guest.startTime) + "\n" +
           (f.id > 0 ? std::to_string(f.id) + "\n" : "");
}

std::optional<PidFile> parsePidFile(std::string_view text) {
    PidFile f;
    const char* p = text.data();
    const char* end = p + text.size();
    p = readPair(p, end, f.controller.pid, f.guest.pid);
    if (f.controller.pid <= 0) return std::nullopt;
    while (p < end && *p != '\n')
        ++p;
    if (p < end) p = readPair(p + 1, end, f.controller.startTime, f.guest.startTime);
    while (p < end && *p != '\n')
        ++p;
    if (p < end) std::from_chars(p + 1, end, f.id);
    return f;
}

}  // namespace cvirt::state
