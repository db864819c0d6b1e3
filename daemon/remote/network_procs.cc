// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual networks: listing, lookup, definition, transient creation, start/destroy, XML,
// autostart, bridge name and DHCP leases — each one call of the public API's Network on the
// client's connection. A network travels as remote_nonnull_network (name, 16-byte uuid) and
// is found again by its name. Errors about a network carry libvirt's network codes
// (VIR_ERR_NO_NETWORK, VIR_ERR_NETWORK_EXIST), which clients test for.
#include <algorithm>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

constexpr uint32_t kXmlInactive = 1;     // VIR_NETWORK_XML_INACTIVE
constexpr int32_t kIpv4 = 0, kIpv6 = 1;  // VIR_IP_ADDR_TYPE_*

void writeNetwork(XdrWriter& w, const NetworkSummary& n) {
    w.string(n.name);
    w.fixedOpaque(uuidBytes(n.uuid));
}

void writeNetwork(XdrWriter& w, const Network& n) {
    writeNetwork(w, n.summary());
}

// The network of that name or uuid, or libvirt's "Network not found" naming what was asked.
Network lookup(Session& s, const std::string& key, const char* by) {
    try {
        return s.connection().lookupNetwork(key);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::NoDomain) throw;
        throw Error(
            ErrorCode::NoDomain,
            std::string("Network not found: no network with matching ") + by + " '" + key + "'");
    }
}

// The network a call names: by its name, which the client got from this server.
Network readNetwork(Session& s, XdrReader& r) {
    std::string name = r.string("network name");
    Uuid uuid{};
    r.fixedOpaque(uuid, "network uuid");
    return lookup(s, name, "name");
}

// virConnectListAllNetworks' flags (VIR_CONNECT_LIST_NETWORKS_*): three pairs of groups, a
// pair filtering only when one of its two is asked for.
bool wanted(uint32_t flags, const NetworkSummary& n) {
    auto group = [&](uint32_t a, bool isA, uint32_t b) {
        return !(flags & (a | b)) || ((flags & a) && isA) || ((flags & b) && !isA);
    };
    return group(2, n.active, 1) &&      // ACTIVE / INACTIVE
           group(4, n.persistent, 8) &&  // PERSISTENT / TRANSIENT
           group(16, n.autostart, 32);   // AUTOSTART / NO_AUTOSTART
}

// The old listing calls: how many active (or inactive) networks, and up to `maxnames` names.
int32_t count(Session& s, bool active) {
    return static_cast<int32_t>(s.connection().listNetworks(active, !active).size());
}
void writeNames(Session& s, XdrReader& r, XdrWriter& w, bool active) {
    int32_t max = r.i32("maxnames");
    if (max < 0 || static_cast<uint32_t>(max) > kNetworkListMax)
        throw Error(ErrorCode::InvalidArg, "maxnames > REMOTE_NETWORK_LIST_MAX");
    auto nets = s.connection().listNetworks(active, !active);
    size_t n = std::min(nets.size(), static_cast<size_t>(max));
    w.u32(static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i)
        w.string(nets[i].name);
}

// remote_network_dhcp_lease: the bridge, expiry, address family, MAC, IAID (none: dnsmasq's
// IPv4 leases have none and IPv6 ones are not kept), address, prefix, hostname, client id.
void writeLease(XdrWriter& w, const std::string& bridge, const DhcpLease& l) {
    auto orNull = [](const std::string& v) {
        return v.empty() || v == "*" ? std::nullopt : std::optional<std::string>(v);
    };
    w.string(bridge);
    w.i64(l.expiry);
    w.i32(l.ip.find(':') != std::string::npos ? kIpv6 : kIpv4);
    w.optionalString(orNull(l.mac));
    w.optionalString(std::nullopt);
    w.string(l.ip);
    w.u32(l.prefix);
    w.optionalString(orNull(l.hostname));
    w.optionalString(orNull(l.clientId));
}

// libvirt's error for a failed network call: its network codes where a domain's would be.
rpc::RemoteError networkError(const Error& e) {
    rpc::RemoteError out = toRemoteError(e);
    out.domain = static_cast<int32_t>(VirErrorDomain::Network);
    if (e.code() == ErrorCode::NoDomain) out.code = static_cast<int32_t>(VirError::NoNetwork);
    if (e.code() == ErrorCode::DomainExists)
        out.code = static_cast<int32_t>(VirError::NetworkExist);
    return out;
}

using Run = void (*)(Session&, XdrReader&, XdrWriter&);

void put(ProcedureTable& t, Proc p, const char* api, bool changes, Run run) {
    remote::put(t, p, Procedure{api, changes, [run](Session& s, XdrReader& r, XdrWriter& w) {
                                    try {
                                        run(s, r, w);
                                    } catch (const Error& e) {
                                        throw rpc::RemoteFailure(networkError(e));
                                    }
                                }});
}

// virNetworkDefineXML and virNetworkCreateXML (transient), and their Flags forms, whose one
// flag (VIR_NETWORK_DEFINE_VALIDATE, _CREATE_VALIDATE) asks what every parse does: the XML
// is checked against schemas/network.rng before anything else.
template <bool transient, bool withFlags>
void fromXml(Session& s, XdrReader& r, XdrWriter& w) {
    std::string xml = r.string("xml");
    if (withFlags) r.u32("flags");
    Connection& c = s.connection();
    writeNetwork(w, transient ? c.createNetwork(xml) : c.defineNetwork(xml));
}

}  // namespace

void addNetworkProcedures(ProcedureTable& t) {
    put(t, Proc::ConnectListAllNetworks, "virConnectListAllNetworks", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            int32_t needResults = r.i32("need_results");
            uint32_t flags = r.u32("flags");
            std::vector<NetworkSummary> picked;
            for (auto& n : s.connection().listNetworks(true, true))
                if (wanted(flags, n)) picked.push_back(std::move(n));
            if (picked.size() > kNetworkListMax)
                throw Error(ErrorCode::OperationFailed, "too many networks to list");
            w.u32(needResults ? static_cast<uint32_t>(picked.size()) : 0);
            if (needResults)
                for (const auto& n : picked)
                    writeNetwork(w, n);
            w.u32(static_cast<uint32_t>(picked.size()));
        });
    put(t, Proc::ConnectNumOfNetworks, "virConnectNumOfNetworks", false,
        [](Session& s, XdrReader&, XdrWriter& w) { w.i32(count(s, true)); });
    put(t, Proc::ConnectNumOfDefinedNetworks, "virConnectNumOfDefinedNetworks", false,
        [](Session& s, XdrReader&, XdrWriter& w) { w.i32(count(s, false)); });
    put(t, Proc::ConnectListNetworks, "virConnectListNetworks", false,
        [](Session& s, XdrReader& r, XdrWriter& w) { writeNames(s, r, w, true); });
    put(t, Proc::ConnectListDefinedNetworks, "virConnectListDefinedNetworks", false,
        [](Session& s, XdrReader& r, XdrWriter& w) { writeNames(s, r, w, false); });
    put(t, Proc::NetworkLookupByName, "virNetworkLookupByName", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            writeNetwork(w, lookup(s, r.string("name"), "name"));
        });
    put(t, Proc::NetworkLookupByUuid, "virNetworkLookupByUUID", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            Uuid u{};
            r.fixedOpaque(u, "uuid");
            writeNetwork(w, lookup(s, uuidText(u), "uuid"));
        });
    put(t, Proc::NetworkDefineXml, "virNetworkDefineXML", true, fromXml<false, false>);
    put(t, Proc::NetworkDefineXmlFlags, "virNetworkDefineXMLFlags", true, fromXml<false, true>);
    put(t, Proc::NetworkCreateXml, "virNetworkCreateXML", true, fromXml<true, false>);
    put(t, Proc::NetworkCreateXmlFlags, "virNetworkCreateXMLFlags", true, fromXml<true, true>);
    put(t, Proc::NetworkCreate, "virNetworkCreate", true,
        [](Session& s, XdrReader& r, XdrWriter&) { readNetwork(s, r).start(); });
    put(t, Proc::NetworkDestroy, "virNetworkDestroy", true,
        [](Session& s, XdrReader& r, XdrWriter&) { readNetwork(s, r).destroy(); });
    put(t, Proc::NetworkUndefine, "virNetworkUndefine", true,
        [](Session& s, XdrReader& r, XdrWriter&) { readNetwork(s, r).undefine(); });
    put(t, Proc::NetworkGetXmlDesc, "virNetworkGetXMLDesc", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            Network n = readNetwork(s, r);
            w.string(n.xml((r.u32("flags") & kXmlInactive) != 0));
        });
    put(t, Proc::NetworkGetBridgeName, "virNetworkGetBridgeName", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            w.string(readNetwork(s, r).summary().bridge);
        });
    put(t, Proc::NetworkGetAutostart, "virNetworkGetAutostart", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            w.i32(readNetwork(s, r).summary().autostart ? 1 : 0);
        });
    put(t, Proc::NetworkSetAutostart, "virNetworkSetAutostart", true,
        [](Session& s, XdrReader& r, XdrWriter&) {
            Network n = readNetwork(s, r);
            n.setAutostart(r.i32("autostart") != 0);
        });
    put(t, Proc::NetworkIsActive, "virNetworkIsActive", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            w.i32(readNetwork(s, r).summary().active ? 1 : 0);
        });
    put(t, Proc::NetworkIsPersistent, "virNetworkIsPersistent", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            w.i32(readNetwork(s, r).summary().persistent ? 1 : 0);
        });
    put(t, Proc::NetworkGetDhcpLeases, "virNetworkGetDHCPLeases", false,
        [](Session& s, XdrReader& r, XdrWriter& w) {
            Network n = readNetwork(s, r);
            std::string mac = r.optionalString("mac").value_or("");
            int32_t needResults = r.i32("need_results");
            r.u32("flags");
            std::string bridge = n.summary().bridge;
            std::vector<DhcpLease> leases = n.leases(mac);
            if (leases.size() > kDhcpLeasesMax)
                throw Error(ErrorCode::OperationFailed, "too many DHCP leases to list");
            w.u32(needResults ? static_cast<uint32_t>(leases.size()) : 0);
            if (needResults)
                for (const auto& l : leases)
                    writeLease(w, bridge, l);
            w.u32(static_cast<uint32_t>(leases.size()));
        });
}

}  // namespace cvirt::remote
