#include "cgroup/limits.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

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
    if (def.memory.kib) l.memoryBytes = def.memory.kib * kKiB;
    if (def.memtune.hardLimitKiB) l.memoryBytes = *def.memtune.hardLimitKiB * kKiB;
    if (def.memtune.softLimitKiB) l.memorySoftBytes = *def.memtune.softLimitKiB * kKiB;
    if (def.memtune.swapHardLimitKiB) l.memorySwapBytes = *def.memtune.swapHardLimitKiB * kKiB;
    l.cpuShares = def.cputune.shares;
    l.cpuPeriodUs = def.cputune.period;
    l.cpuQuotaUs = def.cputune.quota;
    l.cpusetCpus = def.vcpu.cpuset;
    if (!def.numatune.nodeset.empty()) l.cpusetMems = def.numatune.nodeset;
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
