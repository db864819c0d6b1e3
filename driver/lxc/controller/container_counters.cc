// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/controller/container_counters.h"

#include <sched.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "conf/cpuset.h"
#include "util/file.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

namespace {

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// A number in a cgroup file; nullopt when missing or "max".
std::optional<uint64_t> number(const fs::path& file) {
    auto text = util::readFileIfExists(file);
    if (!text || text->empty() || text->compare(0, 3, "max") == 0) return std::nullopt;
    return std::strtoull(text->c_str(), nullptr, 10);
}

std::map<std::string, uint64_t> keyed(const fs::path& file) {
    std::map<std::string, uint64_t> out;
    std::istringstream in(util::readFileIfExists(file).value_or(""));
    std::string key;
    uint64_t v;
    while (in >> key >> v)
        out[key] = v;
    return out;
}

bool unified(const cgroup::HostLayout& host, std::string_view controller) {
    const cgroup::Hierarchy* h = host.forController(controller);
    return h && h->unified;
}

}  // namespace

MemoryCounters readMemory(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cg) {
    MemoryCounters m;
    fs::path dir = cg.pathFor("memory");
    if (dir.empty()) return m;
    if (unified(host, "memory")) {
        m.limit = number(dir / "memory.max");
        m.usage = number(dir / "memory.current").value_or(0);
        m.stat = keyed(dir / "memory.stat");
        m.swapLimit = number(dir / "memory.swap.max");
        m.swapUsage = number(dir / "memory.swap.current");
        return m;
    }
    constexpr uint64_t kUnlimited = uint64_t(1) << 60;  // v1 writes PAGE_COUNTER_MAX pages
    auto limited = [&](std::optional<uint64_t> v) {
        return v && *v < kUnlimited ? v : std::nullopt;
    };
    m.limit = limited(number(dir / "memory.limit_in_bytes"));
    m.usage = number(dir / "memory.usage_in_bytes").value_or(0);
    // v1's hierarchical totals under v2's names
    static const std::pair<const char*, const char*> kNames[] = {
        {"total_cache", "file"},
        {"total_rss", "anon"},
        {"total_shmem", "shmem"},
        {"total_mapped_file", "file_mapped"},
        {"total_active_anon", "active_anon"},
        {"total_inactive_anon", "inactive_anon"},
        {"total_active_file", "active_file"},
        {"total_inactive_file", "inactive_file"},
        {"total_unevictable", "unevictable"},
    };
    auto stat = keyed(dir / "memory.stat");
    for (auto [v1, v2] : kNames)
        if (auto it = stat.find(v1); it != stat.end()) m.stat[v2] = it->second;
    auto memswUsage = number(dir / "memory.memsw.usage_in_bytes");
    if (memswUsage) {  // swap accounted
        m.swapUsage = *memswUsage > m.usage ? *memswUsage - m.usage : 0;
        auto memswLimit = limited(number(dir / "memory.memsw.limit_in_bytes"));
        if (memswLimit && m.limit) m.swapLimit = *memswLimit - std::min(*memswLimit, *m.limit);
    }
    return m;
}

std::vector<unsigned> readCpus(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cg,
                               pid_t init) {
    std::vector<unsigned> cpus;
    if (fs::path dir = cg.pathFor("cpuset"); !dir.empty()) {
        bool v2 = unified(host, "cpuset");
        auto text =
            util::readFileIfExists(dir / (v2 ? "cpuset.cpus.effective" : "cpuset.effective_cpus"));
        if (!text) text = util::readFileIfExists(dir / "cpuset.cpus");
        if (text)
            if (auto set = conf::parseCpuset(trimmed(*text))) cpus = *set;
    }
    if (cpus.empty()) {  // no cpuset controller here: what the scheduler lets init use
        cpu_set_t mask;
        CPU_ZERO(&mask);
        if (::sched_getaffinity(init, sizeof mask, &mask) == 0)
            for (unsigned c = 0; c < CPU_SETSIZE; ++c)
                if (CPU_ISSET(c, &mask)) cpus.push_back(c);
    }
    std::optional<int64_t> quota;
    uint64_t period = 100000;
    if (fs::path dir = cg.pathFor("cpu"); !dir.empty()) {
        if (unified(host, "cpu")) {
            std::istringstream in(util::readFileIfExists(dir / "cpu.max").value_or(""));
            std::string q;
            if (in >> q >> period && q != "max") quota = std::strtoll(q.c_str(), nullptr, 10);
        } else {
            auto q = util::readFileIfExists(dir / "cpu.cfs_quota_us");
            if (q && std::strtoll(q->c_str(), nullptr, 10) > 0)
                quota = std::strtoll(q->c_str(), nullptr, 10);
            period = number(dir / "cpu.cfs_period_us").value_or(period);
        }
    }
    return visibleCpus(cpus, quota, period);
}

// Seconds since `pid` started (field 22 of /proc/PID/stat, in clock ticks since boot).
double secondsSinceStart(pid_t pid) {
    double hostUp = std::strtod(util::readFile("/proc/uptime").c_str(), nullptr);
    std::string stat = util::readFile("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i < 22 && in >> field; ++i) {
    }
    unsigned long long ticks = 0;
    in >> ticks;
    return hostUp - static_cast<double>(ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace cvirt::lxc
