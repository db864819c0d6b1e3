// SPDX-License-Identifier: GPL-3.0-or-later
// Typed-parameter calls on one domain — memory, scheduler and blkio parameters — and the
// ones that size it: set memory (and its maximum), vcpu counts, interface addresses. Each is
// Domain::tuning / tune / setVcpus / interfaceAddresses of the public API, with libvirt's
// field names, types, limits and flag checks (src/lxc/lxc_driver.c) on the wire.
#include <strings.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "remote/dispatch.h"
#include "remote/protocol.h"
#include "rpc/typed_params.h"

namespace cvirt::remote {

namespace {

using rpc::ParamType;
using rpc::TypedParam;
using rpc::XdrReader;
using rpc::XdrWriter;

constexpr uint32_t kAffectLive = 1, kAffectConfig = 2;  // VIR_DOMAIN_AFFECT_*
constexpr uint32_t kImpactFlags = kAffectLive | kAffectConfig;
constexpr uint32_t kMemMaximum = 4;  // VIR_DOMAIN_MEM_MAXIMUM
constexpr uint32_t kVcpuMaximum = 4, kVcpuGuest = 8, kVcpuHotpluggable = 16;  // VIR_DOMAIN_VCPU_*
// VIR_DOMAIN_MEMORY_PARAM_UNLIMITED: what libvirt reports for a limit that is not set.
constexpr uint64_t kParamUnlimited = 9007199254740991ull;
// What a definition without <cputune> runs with (cvirsh schedinfo shows the same).
constexpr uint64_t kDefaultShares = 1024, kDefaultPeriod = 100000;
constexpr int64_t kDefaultQuota = -1;

// VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_*
enum class AddrSource : uint32_t { Lease = 0, Agent = 1, Arp = 2 };

// libvirt's virTypedParamsValidate: every parameter named in `allowed`, of its type, once.
void validate(const std::vector<TypedParam>& params,
              std::initializer_list<std::pair<const char*, ParamType>> allowed) {
    for (size_t i = 0; i < params.size(); ++i) {
        const TypedParam& p = params[i];
        const auto* spec = std::find_if(allowed.begin(), allowed.end(),
                                        [&](const auto& a) { return p.field == a.first; });
        if (spec == allowed.end())
            failWith(VirError::ArgumentUnsupported,
                     "argument unsupported: parameter '" + p.field + "' not supported");
        if (p.type() != spec->second)
            failWith(VirError::InvalidArg, std::string("invalid argument: invalid type '") +
                                               rpc::paramTypeName(p.type()) + "' for parameter '" +
                                               p.field + "', expected '" +
                                               rpc::paramTypeName(spec->second) + "'");
        for (size_t j = 0; j < i; ++j)
            if (params[j].field == p.field)
                failWith(VirError::InvalidArg,
                         "invalid argument: parameter '" + p.field + "' occurs multiple times");
    }
}

// A get call's `nparams`: over the protocol's limit is libvirt's "nparams too large".
int32_t readNparams(XdrReader& r, uint32_t limit) {
    int32_t n = r.i32("nparams");
    if (n < 0 || static_cast<uint32_t>(n) > limit)
        failWith(VirError::InternalError, "internal error: nparams too large");
    return n;
}

// The answer of a get call that returns `nparams` too: with nparams 0 only how many there
// are (the client asks that first), else the first `nparams` of them.
void writeParamsAndCount(XdrWriter& w, std::vector<TypedParam> params, int32_t nparams,
                         uint32_t limit, uint32_t flags) {
    if (nparams == 0) {
        w.u32(0);
        w.i32(static_cast<int32_t>(params.size()));
        return;
    }
    if (params.size() > static_cast<size_t>(nparams)) params.resize(static_cast<size_t>(nparams));
    rpc::writeTypedParams(w, params, limit, flags);
    w.i32(static_cast<int32_t>(params.size()));
}

uint64_t limitParam(const std::optional<uint64_t>& kib) {
    return kib ? *kib : kParamUnlimited;
}
std::optional<uint64_t> limitChange(uint64_t kib) {
    return kib >= kParamUnlimited ? kUnlimited : kib;
}

// --- memory parameters (memtune) -------------------------------------------------------------
std::vector<TypedParam> memoryParams(const Tuning& t) {
    return {{"hard_limit", limitParam(t.hardLimitKiB)},
            {"soft_limit", limitParam(t.softLimitKiB)},
            {"swap_hard_limit", limitParam(t.swapHardLimitKiB)}};
}

Tuning memoryChange(const std::vector<TypedParam>& params) {
    validate(params, {{"hard_limit", ParamType::ULLong},
                      {"soft_limit", ParamType::ULLong},
                      {"swap_hard_limit", ParamType::ULLong}});
    Tuning t;
    for (const auto& p : params) {
        auto v = limitChange(std::get<uint64_t>(p.value));
        (p.field == "hard_limit"   ? t.hardLimitKiB
         : p.field == "soft_limit" ? t.softLimitKiB
                                   : t.swapHardLimitKiB) = v;
    }
    return t;
}

// --- scheduler parameters (schedinfo) --------------------------------------------------------
std::vector<TypedParam> schedulerParams(const Tuning& t) {
    return {{"cpu_shares", t.cpuShares.value_or(kDefaultShares)},
            {"vcpu_period", t.vcpuPeriod.value_or(kDefaultPeriod)},
            {"vcpu_quota", t.vcpuQuota.value_or(kDefaultQuota)}};
}

Tuning schedulerChange(const std::vector<TypedParam>& params) {
    validate(params, {{"cpu_shares", ParamType::ULLong},
                      {"vcpu_period", ParamType::ULLong},
                      {"vcpu_quota", ParamType::LLong}});
    Tuning t;
    for (const auto& p : params) {
        if (p.field == "cpu_shares") t.cpuShares = std::get<uint64_t>(p.value);
        if (p.field == "vcpu_period") t.vcpuPeriod = std::get<uint64_t>(p.value);
        if (p.field == "vcpu_quota") t.vcpuQuota = std::get<int64_t>(p.value);
    }
    return t;
}

// --- blkio parameters (blkiotune) ------------------------------------------------------------
// libvirt's per-device strings: "/dev/sda,500,/dev/sdb,300".
using DeviceValue = std::optional<uint64_t> BlkioDeviceTuning::*;
struct DeviceField {
    const char* name;
    DeviceValue member;
};
const DeviceField kDeviceFields[] = {
    {"device_read_iops_sec", &BlkioDeviceTuning::readIopsSec},
    {"device_write_iops_sec", &BlkioDeviceTuning::writeIopsSec},
    {"device_read_bytes_sec", &BlkioDeviceTuning::readBytesSec},
    {"device_write_bytes_sec", &BlkioDeviceTuning::writeBytesSec},
};

std::vector<TypedParam> blkioParams(const Tuning& t) {
    auto list = [&](auto get) {
        std::string out;
        for (const auto& dev : t.blkioDevices)
            if (auto v = get(dev))
                out += (out.empty() ? "" : ",") + dev.path + "," + std::to_string(*v);
        return out;
    };
    std::vector<TypedParam> out{{"weight", uint32_t{t.blkioWeight.value_or(0)}},
                                {"device_weight", list([](const BlkioDeviceTuning& d) {
                                     return d.weight ? std::optional<uint64_t>(*d.weight)
                                                     : std::nullopt;
                                 })}};
    for (const auto& f : kDeviceFields)
        out.push_back({f.name, list([&](const BlkioDeviceTuning& d) { return d.*f.member; })});
    return out;
}

void addDeviceValues(Tuning& t, const TypedParam& p) {
    const std::string& text = std::get<std::string>(p.value);
    std::vector<std::string> parts;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');)
        parts.push_back(part);
    auto bad = [&] {
        failWith(VirError::InvalidArg,
                 "invalid argument: unable to parse blkio device '" + p.field + "' '" + text + "'");
    };
    if (parts.size() % 2) bad();
    for (size_t i = 0; i < parts.size(); i += 2) {
        const std::string& v = parts[i + 1];
        if (parts[i].empty() || v.empty() || v.find_first_not_of("0123456789") != v.npos) bad();
        uint64_t value = std::stoull(v);
        auto it = std::find_if(t.blkioDevices.begin(), t.blkioDevices.end(),
                               [&](const BlkioDeviceTuning& d) { return d.path == parts[i]; });
        if (it == t.blkioDevices.end())
            it = t.blkioDevices.insert(t.blkioDevices.end(), {.path = parts[i]});
        if (p.field == "device_weight") {
            it->weight = static_cast<unsigned>(value);
            continue;
        }
        for (const auto& f : kDeviceFields)
            if (p.field == f.name) (*it).*f.member = value;
    }
}

Tuning blkioChange(const std::vector<TypedParam>& params) {
    validate(params, {{"weight", ParamType::UInt},
                      {"device_weight", ParamType::String},
                      {"device_read_iops_sec", ParamType::String},
                      {"device_write_iops_sec", ParamType::String},
                      {"device_read_bytes_sec", ParamType::String},
                      {"device_write_bytes_sec", ParamType::String}});
    Tuning t;
    for (const auto& p : params) {
        if (p.field == "weight")
            t.blkioWeight = std::get<uint32_t>(p.value);
        else
            addDeviceValues(t, p);
    }
    return t;
}

// --- the get/set pairs -----------------------------------------------------------------------
// One kind of parameters: how the current values read, how a change is made of them.
struct ParamKind {
    uint32_t limit;
    std::vector<TypedParam> (*read)(const Tuning&);
    Tuning (*change)(const std::vector<TypedParam>&);
};
constexpr ParamKind kMemory{kMemoryParamsMax, memoryParams, memoryChange};
constexpr ParamKind kScheduler{kSchedulerParamsMax, schedulerParams, schedulerChange};
constexpr ParamKind kBlkio{kBlkioParamsMax, blkioParams, blkioChange};

// virDomainGet{Memory,Blkio}Parameters: dom, nparams, flags → params, nparams.
Procedure getWithCount(const char* api, ParamKind kind) {
    return {api, false, [api, kind](Session& s, XdrReader& r, XdrWriter& w) {
                Domain d = readDomain(s, r);
                int32_t nparams = readNparams(r, kind.limit);
                uint32_t flags = r.u32("flags");
                checkFlags(flags, kImpactFlags | rpc::kStringOkay, api);
                std::vector<TypedParam> params = kind.read(d.tuning(impactOf(flags)));
                writeParamsAndCount(w, std::move(params), nparams, kind.limit, flags);
            }};
}

// virDomainSet{Memory,Blkio,Scheduler}Parameters[Flags]: dom, params[, flags].
Procedure set(const char* api, ParamKind kind, bool withFlags) {
    return {api, true, [api, kind, withFlags](Session& s, XdrReader& r, XdrWriter&) {
                Domain d = readDomain(s, r);
                std::vector<TypedParam> params = rpc::readTypedParams(r, kind.limit);
                uint32_t flags = withFlags ? r.u32("flags") : 0;
                checkFlags(flags, kImpactFlags, api);
                Tuning change = kind.change(params);
                if (!params.empty()) d.tune(change, impactOf(flags));
            }};
}

// virDomainGetSchedulerParameters[Flags]: dom, nparams[, flags] → params (nparams of them).
Procedure getScheduler(const char* api, bool withFlags) {
    return {api, false, [api, withFlags](Session& s, XdrReader& r, XdrWriter& w) {
                Domain d = readDomain(s, r);
                int32_t nparams = readNparams(r, kSchedulerParamsMax);
                uint32_t flags = withFlags ? r.u32("flags") : 0;
                checkFlags(flags, kImpactFlags | rpc::kStringOkay, api);
                std::vector<TypedParam> params = schedulerParams(d.tuning(impactOf(flags)));
                if (params.size() > static_cast<size_t>(nparams))
                    params.resize(static_cast<size_t>(nparams));
                rpc::writeTypedParams(w, params, kSchedulerParamsMax, flags);
            }};
}

// virDomainSetMemory[Flags], virDomainSetMaxMemory: dom, memory (KiB)[, flags].
Procedure setMemory(const char* api, uint32_t impliedFlags, bool withFlags) {
    return {api, true, [=](Session& s, XdrReader& r, XdrWriter&) {
                Domain d = readDomain(s, r);
                uint64_t kib = r.u64("memory");
                uint32_t flags = withFlags ? r.u32("flags") : impliedFlags;
                checkFlags(flags, kImpactFlags | kMemMaximum, api);
                Tuning t;
                (flags & kMemMaximum ? t.maxMemoryKiB : t.memoryKiB) = kib;
                d.tune(t, impactOf(flags));
            }};
}

// --- vcpus -----------------------------------------------------------------------------------
int32_t vcpuCount(Domain& d, uint32_t flags, const char* api) {
    checkFlags(flags, kImpactFlags | kVcpuMaximum | kVcpuGuest, api);
    if (flags & kVcpuGuest)
        failWith(VirError::ArgumentUnsupported,
                 "argument unsupported: cvirt has no guest agent to count vcpus with");
    Tuning t = d.tuning(impactOf(flags));
    return static_cast<int32_t>(flags & kVcpuMaximum ? t.maxVcpus.value_or(1)
                                                     : t.vcpus.value_or(1));
}

// --- interface addresses (domifaddr) ---------------------------------------------------------
struct IfaceAddrs {
    std::string name;
    std::optional<std::string> mac;
    struct Addr {
        int32_t type;  // VIR_IP_ADDR_TYPE_IPV4 = 0, _IPV6 = 1
        std::string addr;
        uint32_t prefix;
    };
    std::vector<Addr> addrs;
};

IfaceAddrs& entry(std::vector<IfaceAddrs>& out, const std::string& name, const std::string& mac) {
    for (auto& i : out)
        if (i.name == name) return i;
    out.push_back({name, mac.empty() ? std::nullopt : std::optional(mac), {}});
    return out.back();
}

// agent: what the guest itself holds — a container's network namespace.
std::vector<IfaceAddrs> guestAddresses(Domain& d) {
    std::vector<IfaceAddrs> out;
    for (const auto& a : d.interfaceAddresses())
        entry(out, a.name, a.mac)
            .addrs.push_back({a.family == "ipv6" ? 1 : 0, a.address, a.prefix});
    return out;
}

// lease: the DHCP leases of the networks the domain's interfaces are on, by MAC, each under
// the interface's host device (libvirt's virDomainNetDHCPInterfaces).
std::vector<IfaceAddrs> leaseAddresses(Session& s, Domain& d) {
    std::vector<IfaceAddrs> out;
    for (const auto& i : d.interfaces()) {
        if (i.type != "network") continue;
        for (const auto& l : s.connection().lookupNetwork(i.source).leases(i.mac))
            entry(out, i.hostDev, i.mac)
                .addrs.push_back({l.ip.find(':') != std::string::npos ? 1 : 0, l.ip, l.prefix});
    }
    return out;
}

// arp: the host's neighbour table (/proc/net/arp) entries of the domain's MACs, prefix 0
// (libvirt's virDomainNetARPInterfaces).
std::vector<IfaceAddrs> arpAddresses(Domain& d) {
    std::vector<IfaceAddrs> out;
    std::vector<InterfaceSummary> ifaces = d.interfaces();
    std::ifstream arp("/proc/net/arp");
    std::string line;
    std::getline(arp, line);  // the heading
    while (std::getline(arp, line)) {
        std::istringstream f(line);
        std::string ip, hwType, flags, mac;
        if (!(f >> ip >> hwType >> flags >> mac) || flags == "0x0") continue;  // incomplete
        for (const auto& i : ifaces)
            if (!i.mac.empty() && strcasecmp(i.mac.c_str(), mac.c_str()) == 0)
                entry(out, i.hostDev, i.mac).addrs.push_back({0, ip, 0});
    }
    return out;
}

void writeAddresses(XdrWriter& w, const std::vector<IfaceAddrs>& ifaces) {
    if (ifaces.size() > kInterfaceMax)
        failWith(VirError::InternalError,
                 "internal error: Number of interfaces, " + std::to_string(ifaces.size()) +
                     " exceeds the max limit: " + std::to_string(kInterfaceMax));
    w.u32(static_cast<uint32_t>(ifaces.size()));
    for (const auto& i : ifaces) {
        if (i.addrs.size() > kIpAddrMax)
            failWith(VirError::InternalError,
                     "internal error: Number of addresses, " + std::to_string(i.addrs.size()) +
                         " exceeds the max limit: " + std::to_string(kIpAddrMax));
        w.string(i.name);
        w.optionalString(i.mac);
        w.u32(static_cast<uint32_t>(i.addrs.size()));
        for (const auto& a : i.addrs) {
            w.i32(a.type);
            w.string(a.addr);
            w.u32(a.prefix);
        }
    }
}

}  // namespace

void addParamsProcedures(ProcedureTable& t) {
    put(t, Proc::DomainGetMemoryParameters, getWithCount("virDomainGetMemoryParameters", kMemory));
    put(t, Proc::DomainSetMemoryParameters, set("virDomainSetMemoryParameters", kMemory, true));
    put(t, Proc::DomainGetBlkioParameters, getWithCount("virDomainGetBlkioParameters", kBlkio));
    put(t, Proc::DomainSetBlkioParameters, set("virDomainSetBlkioParameters", kBlkio, true));
    put(t, Proc::DomainGetSchedulerType,
        {"virDomainGetSchedulerType", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             readDomain(s, r).state();  // the domain must exist
             w.string("posix");
             w.i32(3);  // cpu_shares, vcpu_period, vcpu_quota
         }});
    put(t, Proc::DomainGetSchedulerParameters,
        getScheduler("virDomainGetSchedulerParameters", false));
    put(t, Proc::DomainGetSchedulerParametersFlags,
        getScheduler("virDomainGetSchedulerParametersFlags", true));
    put(t, Proc::DomainSetSchedulerParameters,
        set("virDomainSetSchedulerParameters", kScheduler, false));
    put(t, Proc::DomainSetSchedulerParametersFlags,
        set("virDomainSetSchedulerParametersFlags", kScheduler, true));

    // virDomainSetMemory is the live balloon; SetMaxMemory the current definition's <memory>.
    put(t, Proc::DomainSetMemory, setMemory("virDomainSetMemory", kAffectLive, false));
    put(t, Proc::DomainSetMemoryFlags, setMemory("virDomainSetMemoryFlags", 0, true));
    put(t, Proc::DomainSetMaxMemory, setMemory("virDomainSetMaxMemory", kMemMaximum, false));
    put(t, Proc::DomainGetMaxMemory,
        {"virDomainGetMaxMemory", false,
         [](Session& s, XdrReader& r, XdrWriter& w) { w.u64(readDomain(s, r).info().maxMemKiB); }});

    put(t, Proc::DomainGetVcpusFlags,
        {"virDomainGetVcpusFlags", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             w.i32(vcpuCount(d, r.u32("flags"), "virDomainGetVcpusFlags"));
         }});
    // virDomainGetMaxVcpus: the running domain's maximum (libvirt's LIVE|MAXIMUM)
    put(t, Proc::DomainGetMaxVcpus,
        {"virDomainGetMaxVcpus", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             w.i32(vcpuCount(d, kAffectLive | kVcpuMaximum, "virDomainGetMaxVcpus"));
         }});
    put(t, Proc::DomainSetVcpusFlags,
        {"virDomainSetVcpusFlags", true, [](Session& s, XdrReader& r, XdrWriter&) {
             Domain d = readDomain(s, r);
             uint32_t count = r.u32("nvcpus"), flags = r.u32("flags");
             checkFlags(flags, kImpactFlags | kVcpuMaximum | kVcpuGuest | kVcpuHotpluggable,
                        "virDomainSetVcpusFlags");
             d.setVcpus(count,
                        {.maximum = (flags & kVcpuMaximum) != 0,
                         .guest = (flags & kVcpuGuest) != 0,
                         .hotpluggable = (flags & kVcpuHotpluggable) != 0},
                        impactOf(flags));
         }});
    put(t, Proc::DomainSetVcpus,
        {"virDomainSetVcpus", true, [](Session& s, XdrReader& r, XdrWriter&) {
             Domain d = readDomain(s, r);
             d.setVcpus(r.u32("nvcpus"), {}, {.live = true});
         }});

    put(t, Proc::DomainInterfaceAddresses,
        {"virDomainInterfaceAddresses", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             uint32_t source = r.u32("source"), flags = r.u32("flags");
             checkFlags(flags, 0, "virDomainInterfaceAddresses");
             if (d.state().state == DomainState::Shutoff)
                 failWith(VirError::OperationInvalid,
                          "Requested operation is not valid: domain is not running");
             switch (static_cast<AddrSource>(source)) {
                 case AddrSource::Lease:
                     return writeAddresses(w, leaseAddresses(s, d));
                 case AddrSource::Agent:
                     // asks the guest: a change-capable call, as libvirt's ACL has it
                     if (s.readOnly)
                         failWith(VirError::OperationDenied,
                                  "operation forbidden: read only access prevents "
                                  "virDomainInterfaceAddresses");
                     return writeAddresses(w, guestAddresses(d));
                 case AddrSource::Arp:
                     return writeAddresses(w, arpAddresses(d));
             }
             failWith(
                 VirError::ArgumentUnsupported,
                 "argument unsupported: Unknown IP address data source " + std::to_string(source));
         }});
}

}  // namespace cvirt::remote
