// SPDX-License-Identifier: GPL-3.0-or-later
// What a container reads in /proc/meminfo, /proc/cpuinfo, /proc/stat and /proc/uptime (served
// by the controller, lxc/controller/proc_fuse.h): the host's file with the figures its cgroup
// bounds replaced, as libvirt-lxc's lxc_fuse.c does for meminfo and lxcfs for the others.
// Pure: the host's text and the container's counters in, the container's text out.
#pragma once

#include <sys/sysinfo.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cvirt::lxc {

// The files served, each mounted over /proc/<name> inside (lxc/container/proc_views.cc).
inline constexpr const char* kProcViewFiles[] = {"meminfo", "cpuinfo", "stat", "uptime"};

// The memory cgroup of the container, in bytes, named alike on v1 and v2.
struct MemoryCounters {
    std::optional<uint64_t> limit;  // nullopt: unlimited
    uint64_t usage = 0;
    // From memory.stat, under v2's names: file, anon, shmem, file_mapped, active_anon,
    // inactive_anon, active_file, inactive_file, unevictable.
    std::map<std::string, uint64_t> stat;
    std::optional<uint64_t> swapLimit;  // nullopt: unlimited or not accounted
    std::optional<uint64_t> swapUsage;  // nullopt: not accounted (v1 without memsw)
};

// Host meminfo with MemTotal at the limit (when below the host's), MemFree and MemAvailable
// from the usage, the page-cache and LRU lines from memory.stat, swap from the swap limit.
std::string meminfoView(std::string_view host, const MemoryCounters& mem);

// The CPUs a container sees: its cpuset (ascending host numbers), cut to the first
// ceil(quota / period) when a CFS quota allows fewer.
std::vector<unsigned> visibleCpus(const std::vector<unsigned>& cpuset,
                                  std::optional<int64_t> quotaUs, uint64_t periodUs);

// Host cpuinfo with only the blocks of `cpus`, numbered from 0 as lxcfs does.
std::string cpuinfoView(std::string_view host, const std::vector<unsigned>& cpus);

// Host stat with only the cpuN lines of `cpus` (numbered from 0) and the "cpu" line their sum.
std::string statView(std::string_view host, const std::vector<unsigned>& cpus);

// "UP IDLE\n": seconds since the container's init started, and the idle time of its CPUs
// over that span (`cpus` of them, less the `busySeconds` the container used).
std::string uptimeView(double upSeconds, double busySeconds, size_t cpus);

// What sysinfo(2) answers inside (busybox free takes its totals there, not from meminfo): the
// host's `host` with memory, swap, uptime and the process count of the container, the same
// figures as meminfoView's.
struct sysinfo sysinfoView(const struct sysinfo& host, const MemoryCounters& mem, double upSeconds,
                           uint64_t procs);

}  // namespace cvirt::lxc
