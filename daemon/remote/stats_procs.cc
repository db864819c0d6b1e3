// SPDX-License-Identifier: GPL-3.0-or-later
// What domains use: the bulk stats of virConnectGetAllDomainStats / virDomainListGetStats
// (virsh domstats), memory stats (dommemstat), block and interface counters (domblkstat,
// domifstat). Each is Domain::stats() of the public API — the fields cvirsh domstats prints —
// in libvirt's records and typed parameters.
#include <strings.h>

#include <algorithm>
#include <array>
#include <cstdio>

#include "remote/dispatch.h"
#include "remote/protocol.h"
#include "rpc/typed_params.h"

namespace cvirt::remote {

namespace {

using rpc::TypedParam;
using rpc::XdrReader;
using rpc::XdrWriter;

// virDomainStatsTypes cvirt reports: state, cpu-total, balloon, vcpu, interface, block.
constexpr uint32_t kSupportedGroups = 1 | 2 | 4 | 8 | 16 | 32;
// virConnectGetAllDomainStatsFlags: the list filters (as virConnectListAllDomains'), then
// NOWAIT (cvirt's stats never wait), BACKING (cvirt's drives have no backing chains) and
// ENFORCE_STATS.
constexpr uint32_t kListFilters = 0xff, kNowait = 1u << 29, kBacking = 1u << 30,
                   kEnforce = 1u << 31;

// VIR_DOMAIN_MEMORY_STAT_* tags of what a container's (and VM's) memory stats hold.
constexpr int32_t kStatSwapIn = 0, kStatActualBalloon = 6, kStatRss = 7;

std::vector<TypedParam> typed(const std::vector<StatsField>& fields) {
    std::vector<TypedParam> out;
    out.reserve(fields.size());
    for (const auto& f : fields)
        std::visit([&](const auto& v) { out.push_back({f.name, v}); }, f.value);
    return out;
}

DomainStats runningStats(Domain& d) {
    DomainStats st = d.stats();
    if (!st.summary.id)
        failWith(VirError::OperationInvalid,
                 "Requested operation is not valid: domain is not running");
    return st;
}

// remote_connect_get_all_domain_stats: doms (none: every domain the filters pass), stats, flags
// → one record (domain, typed parameters) per domain.
void allDomainStats(Session& s, XdrReader& r, XdrWriter& w) {
    uint32_t n = r.count(kDomainListMax, "domains");
    std::vector<std::string> names;
    for (uint32_t i = 0; i < n; ++i) {
        names.push_back(r.string("domain name"));
        std::array<uint8_t, 16> uuid{};
        r.fixedOpaque(uuid, "domain uuid");
        r.i32("domain id");
    }
    uint32_t groups = r.u32("stats"), flags = r.u32("flags");
    checkFlags(flags, kListFilters | kNowait | kBacking | kEnforce,
               n ? "virDomainListGetStats" : "virConnectGetAllDomainStats");
    if (groups == 0) {
        groups = kSupportedGroups;
    } else if ((flags & kEnforce) && (groups & ~kSupportedGroups)) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%x", groups & ~kSupportedGroups);
        failWith(VirError::OperationUnsupported, std::string("Operation not supported: Stats types "
                                                             "bits ") +
                                                     hex + " are not supported by this daemon");
    }
    groups &= kSupportedGroups;

    std::vector<DomainSummary> domains;
    if (n) {
        for (const auto& name : names)
            if (auto d = s.connection().find(name)) domains.push_back(d->summary());
    } else {
        domains = s.connection().list({.active = true, .inactive = true});
    }
    std::vector<std::pair<DomainSummary, std::vector<TypedParam>>> records;
    for (const auto& sum : domains) {
        if (!listFlagsMatch(flags & kListFilters, sum)) continue;
        try {
            DomainStats st = s.connection().lookup(sum.name).stats();
            records.emplace_back(st.summary, typed(statsFields(st, groups)));
        } catch (const Error& e) {
            if (e.code() != ErrorCode::NoDomain) throw;  // undefined meanwhile: left out
        }
    }
    w.u32(static_cast<uint32_t>(records.size()));
    for (const auto& [summary, params] : records) {
        writeDomain(w, summary);
        rpc::writeTypedParams(w, params, kStatsParamsMax, rpc::kStringOkay);
    }
}

// virDomainBlockStats / BlockStatsFlags: the totals of every device ("" path) or one device
// by the name domstats gives it.
BlockStats blockTotals(Domain& d, const std::string& path) {
    std::optional<BlockStats> sum = cvirt::blockTotals(runningStats(d), path);
    if (!sum) failWith(VirError::InvalidArg, "invalid argument: invalid path: " + path);
    return *sum;
}

// virDomainGetCPUStats (virsh cpu-stats): start_cpu -1 asks the domain's totals (cpu_time,
// user_time, system_time, ns), otherwise `ncpus` host CPUs from start_cpu, cpu_time each;
// nparams 0 asks how many there are (with ncpus 0 too: how many CPUs). The reply is flat,
// every CPU with the same number of parameters, as libvirt's client expands it.
void cpuStats(Session& s, XdrReader& r, XdrWriter& w) {
    Domain d = readDomain(s, r);
    uint32_t nparams = r.u32("nparams");
    int32_t start = r.i32("start_cpu");
    uint32_t ncpus = r.u32("ncpus"), flags = r.u32("flags");
    if (nparams > kCpuStatsParamsMax)
        failWith(VirError::InternalError, "internal error: nparams too large");
    if (ncpus > kCpuStatsCpusMax)
        failWith(VirError::InternalError, "internal error: ncpus too large");
    checkFlags(flags, rpc::kStringOkay, "virDomainGetCPUStats");
    DomainStats st = runningStats(d);
    std::vector<TypedParam> params;
    int32_t count = 0;
    if (start == -1) {
        if (ncpus != 1)
            failWith(VirError::InvalidArg, "invalid argument: ncpus must be 1 for the totals");
        std::vector<TypedParam> all{{"cpu_time", st.cpuTimeNs},
                                    {"user_time", st.cpuUserNs},
                                    {"system_time", st.cpuSystemNs}};
        all.resize(nparams ? std::min<size_t>(nparams, all.size()) : all.size());
        count = static_cast<int32_t>(all.size());
        if (nparams) params = std::move(all);
    } else {
        uint32_t total = static_cast<uint32_t>(st.perCpuNs.size());
        if (nparams == 0) {
            count = ncpus == 0 ? static_cast<int32_t>(total) : 1;
        } else {
            if (start < 0 || static_cast<uint32_t>(start) >= total)
                failWith(VirError::InvalidArg, "invalid argument: start_cpu " +
                                                   std::to_string(start) +
                                                   " larger than maximum of " +
                                                   std::to_string(total == 0 ? 0 : total - 1));
            for (uint32_t i = static_cast<uint32_t>(start); i < total && i < start + ncpus; ++i)
                params.push_back({"cpu_time", st.perCpuNs[i]});
            count = 1;
        }
    }
    rpc::writeTypedParams(w, params, kCpuStatsMax, flags);
    w.i32(count);
}

// remote_node_get_{cpu,memory}_stats: (field, unsigned hyper) pairs, then how many there are;
// with nparams 0 only the count.
void writeNodeStats(XdrWriter& w, const std::vector<std::pair<const char*, uint64_t>>& stats,
                    int32_t nparams) {
    size_t n = nparams == 0 ? 0 : std::min<size_t>(stats.size(), static_cast<size_t>(nparams));
    w.u32(static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i) {
        w.string(stats[i].first);
        w.u64(stats[i].second);
    }
    w.i32(static_cast<int32_t>(nparams == 0 ? stats.size() : n));
}

int32_t readNodeNparams(XdrReader& r, uint32_t limit) {
    int32_t n = r.i32("nparams");
    if (n < 0 || static_cast<uint32_t>(n) > limit)
        failWith(VirError::InternalError, "internal error: nparams too large");
    return n;
}

}  // namespace

void addStatsProcedures(ProcedureTable& t) {
    put(t, Proc::DomainGetCpuStats, {"virDomainGetCPUStats", false, cpuStats});
    // The host's: nodecpustats, nodememstats, freecell (libvirt's field names, KiB and ns).
    put(t, Proc::NodeGetCpuStats,
        {"virNodeGetCPUStats", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             int32_t cpu = r.i32("cpuNum");
             int32_t nparams = readNodeNparams(r, kCpuStatsParamsMax);
             checkFlags(r.u32("flags"), 0, "virNodeGetCPUStats");
             NodeCpuStats c = s.connection().nodeCpuStats(cpu);
             writeNodeStats(w,
                            {{"kernel", c.kernelNs},
                             {"user", c.userNs},
                             {"idle", c.idleNs},
                             {"iowait", c.iowaitNs}},
                            nparams);
         }});
    put(t, Proc::NodeGetMemoryStats,
        {"virNodeGetMemoryStats", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             int32_t nparams = readNodeNparams(r, kNodeMemoryStatsMax);
             int32_t cell = r.i32("cellNum");
             checkFlags(r.u32("flags"), 0, "virNodeGetMemoryStats");
             NodeMemoryStats m = s.connection().nodeMemoryStats(cell);
             std::vector<std::pair<const char*, uint64_t>> stats{{"total", m.totalKiB},
                                                                 {"free", m.freeKiB}};
             if (m.buffersKiB) stats.push_back({"buffers", *m.buffersKiB});
             if (m.cachedKiB) stats.push_back({"cached", *m.cachedKiB});
             writeNodeStats(w, stats, nparams);
         }});
    put(t, Proc::NodeGetCellsFreeMemory,
        {"virNodeGetCellsFreeMemory", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             int32_t start = r.i32("startCell"), max = r.i32("maxcells");
             if (max > kNodeMaxCells)
                 failWith(VirError::InternalError,
                          "internal error: maxCells > REMOTE_NODE_MAX_CELLS");
             int32_t cells = static_cast<int32_t>(s.connection().nodeInfo().numaNodes);
             if (start < 0 || start >= cells)
                 failWith(VirError::InternalError, "internal error: start cell " +
                                                       std::to_string(start) + " out of range (0-" +
                                                       std::to_string(cells - 1) + ")");
             std::vector<uint64_t> free;
             for (int32_t c = start; c < cells && c - start < max; ++c)
                 free.push_back(s.connection().nodeMemoryStats(c).freeKiB * 1024);
             w.u32(static_cast<uint32_t>(free.size()));
             for (uint64_t f : free)
                 w.u64(f);
         }});
    put(t, Proc::ConnectGetAllDomainStats, {"virConnectGetAllDomainStats", false, allDomainStats});
    put(t, Proc::DomainMemoryStats,
        {"virDomainMemoryStats", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             uint32_t max = r.u32("maxStats"), flags = r.u32("flags");
             if (max > kMemoryStatsMax)
                 failWith(VirError::InternalError,
                          "internal error: maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX");
             checkFlags(flags, 0, "virDomainMemoryStats");
             DomainStats st = runningStats(d);
             std::pair<int32_t, uint64_t> stats[] = {{kStatActualBalloon, st.currentMemoryKiB},
                                                     {kStatSwapIn, st.swapUsedKiB},
                                                     {kStatRss, st.usedMemoryKiB}};
             uint32_t count = std::min<uint32_t>(max, std::size(stats));
             w.u32(count);
             for (uint32_t i = 0; i < count; ++i) {
                 w.i32(stats[i].first);
                 w.u64(stats[i].second);
             }
         }});
    put(t, Proc::DomainBlockStats,
        {"virDomainBlockStats", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             BlockStats b = blockTotals(d, r.string("path"));
             w.i64(static_cast<int64_t>(b.rdReqs));
             w.i64(static_cast<int64_t>(b.rdBytes));
             w.i64(static_cast<int64_t>(b.wrReqs));
             w.i64(static_cast<int64_t>(b.wrBytes));
             w.i64(-1);  // errs: not counted
         }});
    put(t, Proc::DomainBlockStatsFlags,
        {"virDomainBlockStatsFlags", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             std::string path = r.string("path");
             int32_t nparams = r.i32("nparams");
             uint32_t flags = r.u32("flags");
             if (nparams < 0 || static_cast<uint32_t>(nparams) > kBlockStatsParamsMax)
                 failWith(VirError::InternalError, "internal error: nparams too large");
             checkFlags(flags, rpc::kStringOkay, "virDomainBlockStatsFlags");
             // libvirt's names (VIR_DOMAIN_BLOCK_STATS_*) and order, as its lxc driver gives
             std::vector<TypedParam> params(4);
             if (nparams == 0) {
                 w.u32(0);
                 w.i32(static_cast<int32_t>(params.size()));
                 return;
             }
             BlockStats b = blockTotals(d, path);
             params = {{"wr_bytes", static_cast<int64_t>(b.wrBytes)},
                       {"wr_operations", static_cast<int64_t>(b.wrReqs)},
                       {"rd_bytes", static_cast<int64_t>(b.rdBytes)},
                       {"rd_operations", static_cast<int64_t>(b.rdReqs)}};
             params.resize(std::min<size_t>(params.size(), static_cast<size_t>(nparams)));
             rpc::writeTypedParams(w, params, kBlockStatsParamsMax, flags);
             w.i32(static_cast<int32_t>(params.size()));
         }});
    put(t, Proc::DomainInterfaceStats,
        {"virDomainInterfaceStats", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             std::string device = r.string("device");
             // by its host device name or its MAC, as libvirt's virDomainNetFind
             std::string name = device;
             for (const auto& i : d.interfaces())
                 if (!i.mac.empty() && strcasecmp(i.mac.c_str(), device.c_str()) == 0)
                     name = i.hostDev;
             for (const auto& n : runningStats(d).interfaces) {
                 if (n.name != name) continue;
                 for (uint64_t v : {n.rxBytes, n.rxPackets, n.rxErrs, n.rxDrop, n.txBytes,
                                    n.txPackets, n.txErrs, n.txDrop})
                     w.i64(static_cast<int64_t>(v));
                 return;
             }
             failWith(VirError::InvalidArg,
                      "invalid argument: '" + device + "' is not a known interface");
         }});
}

}  // namespace cvirt::remote
