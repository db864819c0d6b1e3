// SPDX-License-Identifier: GPL-3.0-or-later
#include "conf/cpuset.h"

#include <algorithm>
#include <charconv>

#include "cvirt/error.h"

namespace cvirt::conf {

namespace {
bool readNumber(std::string_view s, size_t& i, unsigned& out) {
    auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), out);
    if (ec != std::errc() || end == s.data() + i || out > kMaxCpu) return false;
    i = static_cast<size_t>(end - s.data());
    return true;
}
}  // namespace

std::optional<std::vector<unsigned>> parseCpuset(std::string_view s) {
    std::vector<bool> in(kMaxCpu + 1, false);
    size_t i = 0;
    if (s.empty()) return std::nullopt;
    while (i < s.size()) {
        bool exclude = s[i] == '^';
        if (exclude) ++i;
        unsigned lo = 0, hi = 0;
        if (!readNumber(s, i, lo)) return std::nullopt;
        hi = lo;
        if (i < s.size() && s[i] == '-') {
            if (exclude) return std::nullopt;  // libvirt: "^N" only, no excluded ranges
            ++i;
            if (!readNumber(s, i, hi) || hi < lo) return std::nullopt;
        }
        for (unsigned c = lo; c <= hi; ++c)
            in[c] = !exclude;
        if (i < s.size()) {
            if (s[i] != ',' || i + 1 == s.size()) return std::nullopt;
            ++i;
        }
    }
    std::vector<unsigned> cpus;
    for (unsigned c = 0; c <= kMaxCpu; ++c)
        if (in[c]) cpus.push_back(c);
    if (cpus.empty()) return std::nullopt;
    return cpus;
}

std::string formatCpuList(const std::vector<unsigned>& cpus) {
    std::string out;
    for (size_t i = 0; i < cpus.size();) {
        size_t j = i;
        while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
            ++j;
        if (!out.empty()) out += ',';
        out += std::to_string(cpus[i]);
        if (j > i) out += "-" + std::to_string(cpus[j]);
        i = j + 1;
    }
    return out;
}

std::string kernelCpuList(std::string_view text, std::string_view what) {
    auto cpus = parseCpuset(text);
    if (!cpus)
        throw Error(ErrorCode::InvalidArg,
                    "invalid " + std::string(what) + " '" + std::string(text) + "'");
    return formatCpuList(*cpus);
}

}  // namespace cvirt::conf
