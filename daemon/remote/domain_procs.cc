// SPDX-License-Identifier: GPL-3.0-or-later
// Domains: lookup, listing, definition, lifecycle, state, info and XML — each one call of the
// public API on the client's connection. A domain travels as remote_nonnull_domain (name,
// 16-byte uuid, id or -1); it is found again by name, as libvirt's daemon does.
#include <array>
#include <cstdio>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

}  // namespace

bool listFlagsMatch(uint32_t flags, const DomainSummary& d) {
    auto group = [&](uint32_t a, bool isA, uint32_t b) {
        return !(flags & (a | b)) || ((flags & a) && isA) || ((flags & b) && !isA);
    };
    bool active = d.state != DomainState::Shutoff;
    if (!group(1, active, 2)) return false;             // ACTIVE / INACTIVE
    if (!group(4, d.persistent, 8)) return false;       // PERSISTENT / TRANSIENT
    if (!group(1024, d.autostart, 2048)) return false;  // AUTOSTART / NO_AUTOSTART
    if (flags & (16 | 32 | 64 | 128)) {                 // RUNNING / PAUSED / SHUTOFF / OTHER
        bool running = d.state == DomainState::Running, paused = d.state == DomainState::Paused,
             off = d.state == DomainState::Shutoff;
        if (!((flags & 16 && running) || (flags & 32 && paused) || (flags & 64 && off) ||
              (flags & 128 && !running && !paused && !off)))
            return false;
    }
    if (flags & 16384) return false;  // HAS_CHECKPOINT: cvirt has none
    return true;  // HAS_SNAPSHOT / NO_SNAPSHOT: snapshotFlagsMatch, which reads them
}

namespace {

// VIR_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT (4096) / NO_SNAPSHOT (8192): read only when asked.
bool snapshotFlagsMatch(Session& s, uint32_t flags, const DomainSummary& d) {
    if (!(flags & (4096 | 8192)) || (flags & (4096 | 8192)) == (4096 | 8192)) return true;
    bool has = !s.connection().lookup(d.name).listSnapshots().empty();
    return (flags & 4096) ? has : !has;
}

// A call on one domain with nothing to return.
Procedure onDomain(const char* api, bool changes, void (*action)(Domain&), bool flags) {
    return {api, changes, [action, flags](Session& s, XdrReader& r, XdrWriter&) {
                Domain d = readDomain(s, r);
                if (flags) r.u32("flags");
                action(d);
            }};
}

}  // namespace

void addDomainProcedures(ProcedureTable& t) {
    put(t, Proc::ConnectListAllDomains,
        {"virConnectListAllDomains", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             int32_t needResults = r.i32("need_results");
             uint32_t flags = r.u32("flags");
             std::vector<DomainSummary> all = s.connection().list(
                 {.active = true, .inactive = true, .needUuid = true, .needAutostart = true});
             std::vector<DomainSummary> picked;
             for (auto& d : all)
                 if (listFlagsMatch(flags, d) && snapshotFlagsMatch(s, flags, d))
                     picked.push_back(std::move(d));
             if (picked.size() > kDomainListMax)
                 throw Error(ErrorCode::OperationFailed, "too many domains to list");
             w.u32(needResults ? static_cast<uint32_t>(picked.size()) : 0);
             if (needResults)
                 for (const auto& d : picked)
                     writeDomain(w, d);
             w.u32(static_cast<uint32_t>(picked.size()));
         }});
    put(t, Proc::DomainLookupByName,
        {"virDomainLookupByName", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             std::string name = r.string("name");
             auto d = s.connection().find(name);
             if (!d)
                 throw Error(ErrorCode::NoDomain,
                             "Domain not found: no domain with matching name '" + name + "'");
             writeDomain(w, *d);
         }});
    put(t, Proc::DomainLookupById,
        {"virDomainLookupByID", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             int32_t id = r.i32("id");
             for (const auto& d : s.connection().list({}))
                 if (d.id && *d.id == id) {
                     writeDomain(w, s.connection().lookup(d.name));
                     return;
                 }
             throw Error(ErrorCode::NoDomain,
                         "Domain not found: no domain with matching id " + std::to_string(id));
         }});
    put(t, Proc::DomainLookupByUuid,
        {"virDomainLookupByUUID", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Uuid u{};
             r.fixedOpaque(u, "uuid");
             writeDomain(w, s.connection().lookup(uuidText(u)));
         }});
    put(t, Proc::DomainGetState,
        {"virDomainGetState", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             r.u32("flags");
             StateAndReason st = d.state();
             w.i32(static_cast<int32_t>(st.state));
             w.i32(st.reason);
         }});
    put(t, Proc::DomainGetInfo,
        {"virDomainGetInfo", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             DomainInfo i = readDomain(s, r).info();
             w.u32(static_cast<uint32_t>(i.summary.state));  // unsigned char
             w.u64(i.maxMemKiB);
             w.u64(i.usedMemKiB);
             w.u32(i.vcpus);  // unsigned short
             w.u64(i.cpuTimeNs);
         }});
    put(t, Proc::DomainGetOsType,
        {"virDomainGetOSType", false,
         [](Session& s, XdrReader& r, XdrWriter& w) { w.string(readDomain(s, r).info().osType); }});
    put(t, Proc::DomainGetXmlDesc,
        {"virDomainGetXMLDesc", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             uint32_t flags = r.u32("flags");
             w.string(d.xml((flags & 2) != 0));  // VIR_DOMAIN_XML_INACTIVE
         }});
    put(t, Proc::DomainGetAutostart,
        {"virDomainGetAutostart", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             w.i32(readDomain(s, r).autostart() ? 1 : 0);
         }});
    put(t, Proc::DomainSetAutostart,
        {"virDomainSetAutostart", true, [](Session& s, XdrReader& r, XdrWriter&) {
             Domain d = readDomain(s, r);
             d.setAutostart(r.i32("autostart") != 0);
         }});
    put(t, Proc::DomainIsActive,
        {"virDomainIsActive", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             w.i32(readDomain(s, r).state().state != DomainState::Shutoff);
         }});
    put(t, Proc::DomainIsPersistent,
        {"virDomainIsPersistent", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             w.i32(readDomain(s, r).summary().persistent);
         }});
    put(t, Proc::DomainIsUpdated,
        {"virDomainIsUpdated", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             readDomain(s, r);
             w.i32(0);
         }});
    auto define = [](bool flags) {
        return [flags](Session& s, XdrReader& r, XdrWriter& w) {
            std::string xml = r.string("xml");
            uint32_t f = flags ? r.u32("flags") : 0;
            writeDomain(w, s.connection().define(xml, "domain XML", (f & 1) != 0));  // VALIDATE
        };
    };
    put(t, Proc::DomainDefineXml, {"virDomainDefineXML", true, define(false)});
    put(t, Proc::DomainDefineXmlFlags, {"virDomainDefineXMLFlags", true, define(true)});
    put(t, Proc::DomainCreateXml,
        {"virDomainCreateXML", true, [](Session& s, XdrReader& r, XdrWriter& w) {
             std::string xml = r.string("xml");
             bool autodestroy = r.u32("flags") & 2;  // VIR_DOMAIN_START_AUTODESTROY
             writeDomain(w, s.connection().create(xml, "domain XML", autodestroy));
         }});
    put(t, Proc::DomainCreate,
        onDomain(
            "virDomainCreate", true, [](Domain& d) { d.start(); }, false));
    put(t, Proc::DomainCreateWithFlags,
        {"virDomainCreateWithFlags", true, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             uint32_t flags = r.u32("flags");
             // VIR_DOMAIN_START_PAUSED, VIR_DOMAIN_START_AUTODESTROY: the domain goes when this
             // client's connection closes (its Session's Connection)
             d.start(flags & 1, flags & 2);
             writeDomain(w, d);
         }});
    put(t, Proc::DomainDestroy,
        onDomain(
            "virDomainDestroy", true, [](Domain& d) { d.destroy(); }, false));
    put(t, Proc::DomainDestroyFlags,
        onDomain(
            "virDomainDestroyFlags", true, [](Domain& d) { d.destroy(); }, true));
    put(t, Proc::DomainShutdown,
        onDomain(
            "virDomainShutdown", true, [](Domain& d) { d.shutdown(); }, false));
    put(t, Proc::DomainShutdownFlags,
        onDomain(
            "virDomainShutdownFlags", true, [](Domain& d) { d.shutdown(); }, true));
    put(t, Proc::DomainReboot,
        onDomain(
            "virDomainReboot", true, [](Domain& d) { d.reboot(); }, true));
    put(t, Proc::DomainSuspend,
        onDomain(
            "virDomainSuspend", true, [](Domain& d) { d.suspend(); }, false));
    put(t, Proc::DomainResume,
        onDomain(
            "virDomainResume", true, [](Domain& d) { d.resume(); }, false));
    put(t, Proc::DomainUndefine,
        onDomain(
            "virDomainUndefine", true, [](Domain& d) { d.undefine(); }, false));
    put(t, Proc::DomainUndefineFlags,
        onDomain(
            "virDomainUndefineFlags", true, [](Domain& d) { d.undefine(); }, true));
}

}  // namespace cvirt::remote
