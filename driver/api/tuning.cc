// SPDX-License-Identifier: GPL-3.0-or-later
// Live and persistent resource changes (setmem, setmaxmem, memtune, schedinfo, blkiotune,
// vcpupin, emulatorpin, pids): lock → load both definitions → change the copies → validate →
// stage the live XML → the running domain (backend) → stored config → live XML in place. Nothing is
// written until every check passed, and a write that fails after the cgroup changed puts it back.
#include "api/domain_op.h"
#include "conf/cpuset.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
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

}  // namespace

Tuning Domain::tuning(Impact impact) const {
    DomainOp op(*conn_, name_);
    ImpactTargets t = op.targets(impact);
    if (t.live && t.config)
        throw Error(ErrorCode::InvalidArg, "--live and --config cannot be read together");
    const conf::DomainDef& def = t.live ? op.liveDef() : *op.persistent();
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
    out.maxVcpus = def.vcpu.count;
    out.vcpus = def.vcpu.current.value_or(def.vcpu.count);
    return out;
}

void Domain::tune(const Tuning& change, Impact impact) {
    if (change.vcpus || change.maxVcpus)
        throw Error(ErrorCode::InvalidArg, "vcpu counts are changed by setvcpus, not tuning");
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    DriverState& d = op.driver();
    ImpactTargets t = op.targets(impact);

    // Both copies are changed and checked before anything is written.
    std::optional<conf::DomainDef> liveBefore, liveAfter, configAfter;
    if (t.live) {
        liveBefore = op.liveDef();
        liveAfter = liveBefore;
        applyTuning(*liveAfter, change, true);
        conf::validate(*liveAfter, name_);
    }
    if (t.config) {
        configAfter = op.persistent();
        applyTuning(*configAfter, change, false);
        conf::validate(*configAfter, name_);
    }

    if (!t.live) {
        d.store.save(*configAfter);
        return;
    }
    // Both change or neither: the live record is staged and the config written ahead (a full
    // disk stops here, with nothing changed), then the domain changes, then the record is
    // committed; a failure puts back what changed (the domain, the config) before the error
    // goes up, and the staged record is dropped.
    const state::LiveDomain& running = op.requireRunning();
    util::StagedFile record =
        d.runtime.stageLiveXml(name_, conf::formatDomain(*liveAfter, {.id = running.id}));
    std::optional<StagedConfig> config;
    if (t.config) config.emplace(d.store, *op.persistent(), *configAfter);
    op.backend().changeResources(running, *liveBefore, *liveAfter);
    try {
        record.commit();
    } catch (const Error&) {
        try {
            op.backend().changeResources(running, *liveAfter, *liveBefore);
        } catch (const Error&) {
        }
        throw;
    }
    if (config) config->commit();
}

}  // namespace cvirt
