// SPDX-License-Identifier: GPL-3.0-or-later
// Usage counters of a domain (domstats, dommemstat, cpu-stats, domblkstat, domifstat, top):
// the definition's figures, and what the backend reads of a running one. One live XML parse
// per domain.
#include "api/domain_op.h"
#include "conf/domain.h"
#include "cvirt/connection.h"

namespace cvirt {

DomainStats Domain::stats() const {
    DomainStats st;
    st.summary = summary();
    DomainOp op(*conn_, name_);
    const conf::DomainDef* def = &op.current();
    st.maxMemoryKiB = def->memory.kib;
    st.vcpuMaximum = def->vcpu.count;
    st.vcpuCurrent = def->vcpu.current.value_or(def->vcpu.count);
    st.currentMemoryKiB = def->currentMemory ? def->currentMemory->kib : def->memory.kib;
    if (!op.live()) return st;
    backend::Usage u = op.backend().usage(*op.live(), *def, backend::UsageDetail::Devices);
    st.cpuTimeNs = u.cpuNs;
    st.cpuUserNs = u.cpuUserNs;
    st.cpuSystemNs = u.cpuSystemNs;
    st.perCpuNs = std::move(u.perCpuNs);
    st.usedMemoryKiB = u.residentKiB;
    st.swapUsedKiB = u.swapUsedKiB;
    st.pids = u.pids;
    st.pidsMax = u.pidsMax;
    if (u.balloonKiB) st.currentMemoryKiB = *u.balloonKiB;
    if (u.vcpusOnline) st.vcpuCurrent = *u.vcpusOnline;
    st.blocks = std::move(u.blocks);
    st.interfaces = std::move(u.interfaces);
    return st;
}

namespace {

bool has(unsigned groups, StatsGroup g) {
    return (groups & static_cast<unsigned>(g)) != 0;
}

}  // namespace

std::optional<BlockStats> blockTotals(const DomainStats& st, std::string_view device) {
    BlockStats sum{.name = std::string(device)};
    bool found = device.empty();
    for (const auto& b : st.blocks) {
        if (!device.empty() && b.name != device) continue;
        found = true;
        sum.rdReqs += b.rdReqs;
        sum.rdBytes += b.rdBytes;
        sum.wrReqs += b.wrReqs;
        sum.wrBytes += b.wrBytes;
    }
    if (!found) return std::nullopt;
    return sum;
}

std::vector<StatsField> statsFields(const DomainStats& st, unsigned groups) {
    std::vector<StatsField> out;
    auto add = [&](std::string name, auto value) { out.push_back({std::move(name), value}); };
    bool running = st.summary.id.has_value();
    if (has(groups, StatsGroup::State)) {
        add("state.state", static_cast<int32_t>(st.summary.state));
        add("state.reason", static_cast<int32_t>(st.summary.reason));
    }
    if (has(groups, StatsGroup::CpuTotal) && running) {
        add("cpu.time", st.cpuTimeNs);
        add("cpu.user", st.cpuUserNs);
        add("cpu.system", st.cpuSystemNs);
    }
    if (has(groups, StatsGroup::Balloon)) {
        add("balloon.current", st.currentMemoryKiB);
        add("balloon.maximum", st.maxMemoryKiB);
        if (running) add("balloon.rss", st.usedMemoryKiB);
    }
    if (has(groups, StatsGroup::Vcpu)) {
        add("vcpu.current", uint32_t{st.vcpuCurrent});
        add("vcpu.maximum", uint32_t{st.vcpuMaximum});
    }
    if (has(groups, StatsGroup::Interface) && running) {
        add("net.count", static_cast<uint32_t>(st.interfaces.size()));
        for (size_t i = 0; i < st.interfaces.size(); ++i) {
            const InterfaceStats& n = st.interfaces[i];
            std::string p = "net." + std::to_string(i) + ".";
            add(p + "name", n.name);
            add(p + "rx.bytes", n.rxBytes);
            add(p + "rx.pkts", n.rxPackets);
            add(p + "rx.errs", n.rxErrs);
            add(p + "rx.drop", n.rxDrop);
            add(p + "tx.bytes", n.txBytes);
            add(p + "tx.pkts", n.txPackets);
            add(p + "tx.errs", n.txErrs);
            add(p + "tx.drop", n.txDrop);
        }
    }
    if (has(groups, StatsGroup::Block) && running) {
        add("block.count", static_cast<uint32_t>(st.blocks.size()));
        for (size_t i = 0; i < st.blocks.size(); ++i) {
            const BlockStats& b = st.blocks[i];
            std::string p = "block." + std::to_string(i) + ".";
            add(p + "name", b.name);
            add(p + "rd.reqs", b.rdReqs);
            add(p + "rd.bytes", b.rdBytes);
            add(p + "wr.reqs", b.wrReqs);
            add(p + "wr.bytes", b.wrBytes);
        }
    }
    if (has(groups, StatsGroup::Pids) && running && st.summary.type == "lxc") {
        add("pids.current", st.pids);
        if (st.pidsMax) add("pids.max", *st.pidsMax);
    }
    return out;
}

}  // namespace cvirt
