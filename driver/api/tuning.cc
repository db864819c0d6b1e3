// Live and persistent resource changes (setmem, setmaxmem, memtune, schedinfo, blkiotune,
// vcpupin, emulatorpin, pids): lock → load both definitions → change the copies → validate →
// stage the live XML → cgroup (live) → stored config → live XML in place. Nothing is written
// until every check passed, and a write that fails after the cgroup changed puts it back.
#include "api/connection_impl.h"
#include "cgroup/domain_cgroup.h"
#include "conf/cpuset.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "qemu/backend.h"
#include "state/domain_lock.h"
#include "util/file.h"

namespace cvirt {

namespace {

void setOrClear(std::optional<uint64_t>& field, const std::optional<uint64_t>& change) {
    if (!change) return;
    if (*change == kUnlimited)
        field.reset();
    else
        field = *change;
}

// The change applied to one definition. `live`: the running copy.
void applyTuning(conf::DomainDef& def, const Tuning& t, bool live) {
    if (t.maxMemoryKiB) {
        if (live)
            throw Error(ErrorCode::OperationInvalid,
                        "cannot resize the maximum memory on an active domain");
        def.memory.kib = *t.maxMemoryKiB;
        if (def.currentMemory && def.currentMemory->kib > def.memory.kib)
            def.currentMemory->kib = def.memory.kib;
    }
    if (t.memoryKiB) {
        if (*t.memoryKiB > def.memory.kib)
            throw Error(ErrorCode::InvalidArg, "cannot set memory higher than max memory (" +
                                                   std::to_string(def.memory.kib) + " KiB)");
        def.currentMemory = conf::MemoryKiB{*t.memoryKiB};
    }
    setOrClear(def.memtune.hardLimitKiB, t.hardLimitKiB);
    setOrClear(def.memtune.softLimitKiB, t.softLimitKiB);
    setOrClear(def.memtune.swapHardLimitKiB, t.swapHardLimitKiB);
    if (t.cpuShares) def.cputune.shares = *t.cpuShares;
    if (t.vcpuPeriod) def.cputune.period = *t.vcpuPeriod;
    if (t.vcpuQuota) def.cputune.quota = *t.vcpuQuota;
    if (t.blkioWeight) def.blkiotune.weight = *t.blkioWeight;
    for (const BlkioDeviceTuning& c : t.blkioDevices) {
        auto& devs = def.blkiotune.devices;
        auto it = std::find_if(devs.begin(), devs.end(),
                               [&](const conf::BlkioDevice& d) { return d.path == c.path; });
        if (it == devs.end()) it = devs.insert(devs.end(), conf::BlkioDevice{.path = c.path});
        // libvirt: 0 removes the setting
        auto put = [](auto& field, const auto& v) {
            if (v) field = *v ? std::optional(*v) : std::nullopt;
        };
        put(it->weight, c.weight);
        put(it->readBytesSec, c.readBytesSec);
        put(it->writeBytesSec, c.writeBytesSec);
        put(it->readIopsSec, c.readIopsSec);
        put(it->writeIopsSec, c.writeIopsSec);
        if (*it == conf::BlkioDevice{.path = c.path}) devs.erase(it);
    }
    if (t.cpuset) {
        // A container's vcpus and its "emulator" are the same processes: one cpuset.
        def.vcpu.cpuset = conf::kernelCpuList(*t.cpuset, "cpuset");
        def.cputune.emulatorpinCpuset.clear();
    }
    setOrClear(def.cvirtResources.pidsMax, t.pidsMax);
}

// A running VM changes its memory through the balloon, and nothing else: qemu runs
// outside any cgroup of cvirt's.
void setBalloon(const DriverState& d, const std::string& name, const Tuning& change) {
    Tuning rest = change;
    rest.memoryKiB.reset();
    rest.blkioDevices.clear();
    if (rest.maxMemoryKiB || rest.hardLimitKiB || rest.softLimitKiB || rest.swapHardLimitKiB ||
        rest.cpuShares || rest.vcpuPeriod || rest.vcpuQuota || rest.blkioWeight || rest.cpuset ||
        rest.pidsMax || !change.blkioDevices.empty())
        throw Error(ErrorCode::ConfigUnsupported,
                    "domain '" + name +
                        "': a running qemu domain changes only its memory (balloon); use "
                        "--config for the rest");
    if (change.memoryKiB)
        qemu::monitor(d.paths, name, "balloon", {{"value", *change.memoryKiB * 1024}});
}

}  // namespace

Tuning Domain::tuning(Impact impact) const {
    DriverState* d = conn_->driverOf(name_);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    std::optional<std::string> live = d->runtime.liveXml(name_);
    ImpactTargets t = resolveImpact(impact, live.has_value(), d->store.exists(name_), name_);
    if (t.live && t.config)
        throw Error(ErrorCode::InvalidArg, "--live and --config cannot be read together");
    conf::DomainDef def =
        t.live ? conf::parseDomain(*live, {.filename = name_, .validateSchema = false})
               : *d->store.load(name_);
    Tuning out;
    out.memoryKiB = def.currentMemory ? def.currentMemory->kib : def.memory.kib;
    out.maxMemoryKiB = def.memory.kib;
    out.hardLimitKiB = def.memtune.hardLimitKiB;
    out.softLimitKiB = def.memtune.softLimitKiB;
    out.swapHardLimitKiB = def.memtune.swapHardLimitKiB;
    out.cpuShares = def.cputune.shares;
    out.vcpuPeriod = def.cputune.period;
    out.vcpuQuota = def.cputune.quota;
    out.blkioWeight = def.blkiotune.weight;
    for (const auto& dev : def.blkiotune.devices)
        out.blkioDevices.push_back({dev.path, dev.weight, dev.readBytesSec, dev.writeBytesSec,
                                    dev.readIopsSec, dev.writeIopsSec});
    const std::string& cpus =
        def.vcpu.cpuset.empty() ? def.cputune.emulatorpinCpuset : def.vcpu.cpuset;
    if (!cpus.empty()) out.cpuset = cpus;
    out.pidsMax = def.cvirtResources.pidsMax;
    return out;
}

void Domain::tune(const Tuning& change, Impact impact) {
    DriverState* d = conn_->driverOf(name_);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    auto lock = state::DomainLock::acquire(d->paths.lockDir, name_);
    std::optional<state::LiveDomain> running = d->runtime.find(name_);
    std::optional<conf::DomainDef> persistent = d->store.load(name_);
    ImpactTargets t = resolveImpact(impact, running.has_value(), persistent.has_value(), name_);

    // Both copies are changed and checked before anything is written.
    std::optional<conf::DomainDef> liveBefore, liveAfter, configAfter;
    if (t.live) {
        auto xml = d->runtime.liveXml(name_);
        if (!xml) throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is not running");
        liveBefore = conf::parseDomain(*xml, {.filename = name_, .validateSchema = false});
        liveAfter = liveBefore;
        applyTuning(*liveAfter, change, true);
        conf::validate(*liveAfter, name_);
    }
    if (t.config) {
        configAfter = persistent;
        applyTuning(*configAfter, change, false);
        conf::validate(*configAfter, name_);
    }

    if (!t.live) {
        d->store.save(*configAfter);
        return;
    }
    // Both change or neither: the live record is written ahead (a full disk stops here, with
    // nothing changed), then the kernel, then the config; a failure after the kernel changed
    // puts it back before the error goes up, and the staged record is dropped.
    util::StagedFile record =
        d->runtime.stageLiveXml(name_, conf::formatDomain(*liveAfter, {.id = running->id}));
    bool lxc = d->paths.kind == state::DriverKind::Lxc;
    if (lxc)  // a value the kernel refuses is put back by change() itself
        conn_->cgroupOf(*liveBefore)
            .change(cgroup::limitsFor(*liveBefore), cgroup::limitsFor(*liveAfter));
    else
        setBalloon(*d, name_, change);
    try {
        if (t.config) d->store.save(*configAfter);
        record.commit();
    } catch (const Error&) {
        try {
            if (lxc) {
                conn_->cgroupOf(*liveBefore)
                    .change(cgroup::limitsFor(*liveAfter), cgroup::limitsFor(*liveBefore));
            } else if (change.memoryKiB) {
                Tuning back;
                back.memoryKiB = liveBefore->currentMemory ? liveBefore->currentMemory->kib
                                                           : liveBefore->memory.kib;
                setBalloon(*d, name_, back);
            }
        } catch (const Error&) {
        }
        throw;
    }
}

}  // namespace cvirt
