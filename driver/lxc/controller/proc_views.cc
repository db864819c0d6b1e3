// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/controller/proc_views.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <sstream>

namespace cvirt::lxc {

namespace {

// "Key:   123 kB" -> 123; nullopt when the line is another key.
std::optional<uint64_t> kbOf(std::string_view line, std::string_view key) {
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
        return std::nullopt;
    return std::strtoull(std::string(line.substr(key.size() + 1)).c_str(), nullptr, 10);
}

// The kernel's layout (fs/proc/meminfo.c): the key and colon in 16 columns, 8 for the value.
std::string kbLine(std::string_view key, uint64_t kb) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%-16s%8" PRIu64 " kB", (std::string(key) + ":").c_str(), kb);
    return buf;
}

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        out.push_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    }
    return out;
}

// The position of `cpu` in `cpus` (its number inside), or -1.
long indexOf(const std::vector<unsigned>& cpus, unsigned long cpu) {
    auto it = std::find(cpus.begin(), cpus.end(), cpu);
    return it == cpus.end() ? -1 : it - cpus.begin();
}

}  // namespace

std::string meminfoView(std::string_view host, const MemoryCounters& mem) {
    uint64_t hostTotal = 0, hostSwap = 0;
    for (auto line : lines(host)) {
        if (auto v = kbOf(line, "MemTotal")) hostTotal = *v;
        if (auto v = kbOf(line, "SwapTotal")) hostSwap = *v;
    }
    auto stat = [&](const char* key) {
        auto it = mem.stat.find(key);
        return it == mem.stat.end() ? 0 : it->second / 1024;
    };
    uint64_t total = mem.limit && *mem.limit / 1024 < hostTotal ? *mem.limit / 1024 : hostTotal;
    uint64_t used = std::min(mem.usage / 1024, total);
    uint64_t free = total - used;
    std::map<std::string, uint64_t, std::less<>> values{
        {"MemTotal", total},
        {"MemFree", free},
        {"MemAvailable", std::min(total, free + stat("file"))},
        {"Buffers", 0},
        {"Cached", stat("file")},
        {"SwapCached", 0},
        {"Active", stat("active_anon") + stat("active_file")},
        {"Inactive", stat("inactive_anon") + stat("inactive_file")},
        {"Active(anon)", stat("active_anon")},
        {"Inactive(anon)", stat("inactive_anon")},
        {"Active(file)", stat("active_file")},
        {"Inactive(file)", stat("inactive_file")},
        {"Unevictable", stat("unevictable")},
        {"AnonPages", stat("anon")},
        {"Mapped", stat("file_mapped")},
        {"Shmem", stat("shmem")},
        {"Slab", stat("slab_reclaimable") + stat("slab_unreclaimable")},
        {"SReclaimable", stat("slab_reclaimable")},
        {"SUnreclaim", stat("slab_unreclaimable")},
    };
    if (mem.swapUsage) {
        uint64_t swapTotal =
            mem.swapLimit && *mem.swapLimit / 1024 < hostSwap ? *mem.swapLimit / 1024 : hostSwap;
        values["SwapTotal"] = swapTotal;
        values["SwapFree"] = swapTotal - std::min(*mem.swapUsage / 1024, swapTotal);
    }
    std::string out;
    for (auto line : lines(host)) {
        size_t colon = line.find(':');
        auto it =
            colon == std::string_view::npos ? values.end() : values.find(line.substr(0, colon));
        out += it == values.end() ? std::string(line) : kbLine(it->first, it->second);
        out += '\n';
    }
    return out;
}

std::vector<unsigned> visibleCpus(const std::vector<unsigned>& cpuset,
                                  std::optional<int64_t> quotaUs, uint64_t periodUs) {
    std::vector<unsigned> cpus = cpuset;
    if (quotaUs && *quotaUs > 0 && periodUs > 0) {
        size_t n = std::max<uint64_t>(1, (*quotaUs + periodUs - 1) / periodUs);
        if (n < cpus.size()) cpus.resize(n);
    }
    return cpus;
}

std::string cpuinfoView(std::string_view host, const std::vector<unsigned>& cpus) {
    std::string out;
    bool keep = false;
    for (auto line : lines(host)) {
        if (line.substr(0, 9) == "processor") {
            size_t colon = line.find(':');
            long at = colon == std::string_view::npos
                          ? -1
                          : indexOf(cpus, std::strtoul(std::string(line.substr(colon + 1)).c_str(),
                                                       nullptr, 10));
            keep = at >= 0;
            if (keep)
                out += std::string(line.substr(0, colon + 1)) + " " + std::to_string(at) + "\n";
            continue;
        }
        if (keep) out += std::string(line) + "\n";
    }
    return out;
}

std::string statView(std::string_view host, const std::vector<unsigned>& cpus) {
    std::vector<uint64_t> sum;
    std::string perCpu, rest;
    bool cpuLineSeen = false;
    for (auto line : lines(host)) {
        if (line.substr(0, 3) != "cpu") {
            rest += std::string(line) + "\n";
            continue;
        }
        if (line.size() > 3 && line[3] == ' ') {  // the host's sum: replaced below
            cpuLineSeen = true;
            continue;
        }
        std::istringstream in{std::string(line.substr(3))};
        unsigned long cpu = 0;
        in >> cpu;
        long at = indexOf(cpus, cpu);
        if (at < 0) continue;
        perCpu += "cpu" + std::to_string(at);
        uint64_t v = 0;
        for (size_t i = 0; in >> v; ++i) {
            if (sum.size() <= i) sum.push_back(0);
            sum[i] += v;
            perCpu += " " + std::to_string(v);
        }
        perCpu += "\n";
    }
    std::string out;
    if (cpuLineSeen) {
        out = "cpu ";
        for (uint64_t v : sum)
            out += " " + std::to_string(v);
        out += "\n";
    }
    return out + perCpu + rest;
}

std::string uptimeView(double upSeconds, double busySeconds, size_t cpus) {
    double idle = std::max(0.0, upSeconds * static_cast<double>(cpus) - busySeconds);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f %.2f\n", std::max(0.0, upSeconds), idle);
    return buf;
}

struct sysinfo sysinfoView(const struct sysinfo& host, const MemoryCounters& mem, double upSeconds,
                           uint64_t procs) {
    struct sysinfo si = host;
    uint64_t unit = host.mem_unit ? host.mem_unit : 1;
    uint64_t hostTotal = uint64_t(host.totalram) * unit, hostSwap = uint64_t(host.totalswap) * unit;
    uint64_t total = mem.limit && *mem.limit < hostTotal ? *mem.limit : hostTotal;
    auto shmem = mem.stat.find("shmem");
    si.totalram = total / unit;
    si.freeram = (total - std::min(mem.usage, total)) / unit;
    si.sharedram = shmem == mem.stat.end() ? 0 : shmem->second / unit;
    si.bufferram = 0;
    if (mem.swapUsage) {
        uint64_t swap = mem.swapLimit && *mem.swapLimit < hostSwap ? *mem.swapLimit : hostSwap;
        si.totalswap = swap / unit;
        si.freeswap = (swap - std::min(*mem.swapUsage, swap)) / unit;
    }
    si.uptime = static_cast<long>(std::max(0.0, upSeconds));
    if (procs) si.procs = static_cast<unsigned short>(std::min<uint64_t>(procs, 65535));
    return si;
}

}  // namespace cvirt::lxc
