// SPDX-License-Identifier: GPL-3.0-or-later
#include "cgroup/limits.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>

#include "conf/cpuset.h"
#include "cvirt/error.h"

namespace cvirt::cgroup {

uint64_t sharesToWeight(uint64_t shares) {
    if (shares < 2) shares = 2;
    if (shares > 262144) shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

namespace {
std::string hostMajorMinor(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) throwSystemError(errno, "cannot find device '" + path + "'");
    if (!S_ISBLK(st.st_mode))
        throw Error(ErrorCode::ConfigUnsupported, "'" + path + "' is not a block device");
    return std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
}
}  // namespace

Limits limitsFor(const conf::DomainDef& def, std::string (*majorMinor)(const std::string&)) {
    if (!majorMinor) majorMinor = hostMajorMinor;
    Limits l;
    constexpr uint64_t kKiB = 1024;
    // The container gets its current memory (setmem moves it, up to <memory>), and never
    // more than memtune's hard_limit.
    uint64_t memKiB =
        def.currentMemory ? std::min(def.currentMemory->kib, def.memory.kib) : def.memory.kib;
    if (def.memtune.hardLimitKiB)
        memKiB = memKiB ? std::min(memKiB, *def.memtune.hardLimitKiB) : *def.memtune.hardLimitKiB;
    if (memKiB) l.memoryBytes = memKiB * kKiB;
    if (def.memtune.softLimitKiB) l.memorySoftBytes = *def.memtune.softLimitKiB * kKiB;
    if (def.memtune.swapHardLimitKiB) l.memorySwapBytes = *def.memtune.swapHardLimitKiB * kKiB;
    l.cpuShares = def.cputune.shares;
    l.cpuPeriodUs = def.cputune.period;
    l.cpuQuotaUs = def.cputune.quota;
    // The kernel takes plain lists: libvirt's "0-3,^2" becomes "0-1,3".
    const std::string& cpus =
        def.vcpu.cpuset.empty() ? def.cputune.emulatorpinCpuset : def.vcpu.cpuset;
    if (!cpus.empty()) l.cpusetCpus = conf::kernelCpuList(cpus, "cpuset");
    if (!def.numatune.nodeset.empty())
        l.cpusetMems = conf::kernelCpuList(def.numatune.nodeset, "nodeset");
    l.pidsMax = def.cvirtResources.pidsMax;
    l.blkioWeight = def.blkiotune.weight;
    for (const auto& d : def.blkiotune.devices) {
        DeviceThrottle t;
        t.device = majorMinor(d.path);
        t.readBps = d.readBytesSec;
        t.writeBps = d.writeBytesSec;
        t.readIops = d.readIopsSec;
        t.writeIops = d.writeIopsSec;
        t.weight = d.weight;
        l.devices.push_back(std::move(t));
    }
    return l;
}

std::vector<Write> planV1(const Limits& l) {
    std::vector<Write> w;
    auto add = [&](const char* ctl, const char* file, std::string value) {
        w.push_back({ctl, file, std::move(value)});
    };
    // cpuset first: v1 refuses tasks in a cpuset with no cpus or mems.
    if (!l.cpusetCpus.empty()) add("cpuset", "cpuset.cpus", l.cpusetCpus);
    if (!l.cpusetMems.empty()) add("cpuset", "cpuset.mems", l.cpusetMems);
    if (l.memoryBytes) add("memory", "memory.limit_in_bytes", std::to_string(*l.memoryBytes));
    if (l.memorySoftBytes)
        add("memory", "memory.soft_limit_in_bytes", std::to_string(*l.memorySoftBytes));
    if (l.memorySwapBytes)
        add("memory", "memory.memsw.limit_in_bytes", std::to_string(*l.memorySwapBytes));
    if (l.cpuShares) add("cpu", "cpu.shares", std::to_string(*l.cpuShares));
    if (l.cpuPeriodUs) add("cpu", "cpu.cfs_period_us", std::to_string(*l.cpuPeriodUs));
    if (l.cpuQuotaUs) add("cpu", "cpu.cfs_quota_us", std::to_string(*l.cpuQuotaUs));
    if (l.blkioWeight) add("blkio", "blkio.weight", std::to_string(*l.blkioWeight));
    for (const auto& d : l.devices) {
        if (d.weight)
            add("blkio", "blkio.weight_device", d.device + " " + std::to_string(*d.weight));
        if (d.readBps)
            add("blkio", "blkio.throttle.read_bps_device",
                d.device + " " + std::to_string(*d.readBps));
        if (d.writeBps)
            add("blkio", "blkio.throttle.write_bps_device",
                d.device + " " + std::to_string(*d.writeBps));
        if (d.readIops)
            add("blkio", "blkio.throttle.read_iops_device",
                d.device + " " + std::to_string(*d.readIops));
        if (d.writeIops)
            add("blkio", "blkio.throttle.write_iops_device",
                d.device + " " + std::to_string(*d.writeIops));
    }
    if (l.pidsMax) add("pids", "pids.max", std::to_string(*l.pidsMax));
    return w;
}

std::vector<Write> planV2(const Limits& l) {
    std::vector<Write> w;
    auto add = [&](const char* ctl, const char* file, std::string value) {
        w.push_back({ctl, file, std::move(value)});
    };
    if (!l.cpusetCpus.empty()) add("cpuset", "cpuset.cpus", l.cpusetCpus);
    if (!l.cpusetMems.empty()) add("cpuset", "cpuset.mems", l.cpusetMems);
    if (l.memoryBytes) add("memory", "memory.max", std::to_string(*l.memoryBytes));
    if (l.memorySoftBytes) add("memory", "memory.high", std::to_string(*l.memorySoftBytes));
    if (l.memorySwapBytes) {
        // v2 limits swap alone; libvirt's value is memory + swap.
        uint64_t mem = l.memoryBytes.value_or(0);
        add("memory", "memory.swap.max",
            std::to_string(*l.memorySwapBytes > mem ? *l.memorySwapBytes - mem : 0));
    }
    if (l.cpuShares) add("cpu", "cpu.weight", std::to_string(sharesToWeight(*l.cpuShares)));
    if (l.cpuPeriodUs || l.cpuQuotaUs) {
        std::string quota =
            !l.cpuQuotaUs || *l.cpuQuotaUs < 0 ? "max" : std::to_string(*l.cpuQuotaUs);
        add("cpu", "cpu.max", quota + " " + std::to_string(l.cpuPeriodUs.value_or(100000)));
    }
    if (l.blkioWeight) add("io", "io.weight", "default " + std::to_string(*l.blkioWeight));
    for (const auto& d : l.devices) {
        if (d.weight) add("io", "io.weight", d.device + " " + std::to_string(*d.weight));
        std::string max;
        if (d.readBps) max += " rbps=" + std::to_string(*d.readBps);
        if (d.writeBps) max += " wbps=" + std::to_string(*d.writeBps);
        if (d.readIops) max += " riops=" + std::to_string(*d.readIops);
        if (d.writeIops) max += " wiops=" + std::to_string(*d.writeIops);
        if (!max.empty()) add("io", "io.max", d.device + max);
    }
    if (l.pidsMax) add("pids", "pids.max", std::to_string(*l.pidsMax));
    return w;
}

}  // namespace cvirt::cgroup

namespace cvirt::cgroup {

namespace {

// Files that hold one line per device ("MAJ:MIN …"): a write is identified by file + device.
bool perDevice(const Write& w) {
    return w.file.ends_with("_device") || w.file == "io.max" ||
           (w.file == "io.weight" && !w.value.starts_with("default"));
}

std::string keyOf(const Write& w) {
    if (!perDevice(w)) return w.file;
    return w.file + " " + w.value.substr(0, w.value.find(' '));
}

// What the kernel holds when nothing is set: unlimited, the default weight, the parent's cpus.
std::string resetValue(const Write& w, bool v2) {
    const std::string& f = w.file;
    std::string dev = w.value.substr(0, w.value.find(' '));
    if (f == "cpuset.cpus" || f == "cpuset.mems") return "";  // "": inherit the parent's
    if (v2) {
        if (f == "cpu.weight") return "100";
        if (f == "cpu.max") return "max 100000";
        if (f == "io.weight") return perDevice(w) ? dev + " default" : "default 100";
        if (f == "io.max") return dev + " rbps=max wbps=max riops=max wiops=max";
        return "max";  // memory.max, memory.high, memory.swap.max, pids.max
    }
    if (f == "cpu.shares") return "1024";
    if (f == "cpu.cfs_period_us") return "100000";
    if (f == "blkio.weight") return "500";
    if (perDevice(w)) return dev + " 0";
    if (f == "pids.max") return "max";
    return "-1";  // memory.*limit_in_bytes, cpu.cfs_quota_us
}

}  // namespace

std::vector<Write> planChange(const std::vector<Write>& before, const std::vector<Write>& after,
                              bool v2) {
    std::vector<Write> out;
    for (const Write& w : after)
        if (std::find(before.begin(), before.end(), w) == before.end()) out.push_back(w);
    for (const Write& w : before) {
        bool kept = std::any_of(after.begin(), after.end(),
                                [&](const Write& a) { return keyOf(a) == keyOf(w); });
        if (!kept) out.push_back({w.controller, w.file, resetValue(w, v2)});
    }
    return out;
}

}  // namespace cvirt::cgroup
