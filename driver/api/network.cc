// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual networks: define/undefine in a config store of their own, start/destroy through
// net/virtual_network, live XML (with the bridge in use) in the network run directory, whose
// presence means "active". Per-network locks as for domains.
#include <unistd.h>

#include <algorithm>

#include "api/connection_impl.h"
#include "conf/network.h"
#include "cvirt/connection.h"
#include "net/virtual_network.h"
#include "state/domain_lock.h"
#include "state/uri.h"
#include "util/file.h"

namespace cvirt {

namespace fs = std::filesystem;

namespace {

Error noNetwork(std::string_view name) {
    return Error(ErrorCode::NoDomain, "failed to get network '" + std::string(name) + "'");
}

fs::path liveFile(const ConnectionImpl& c, std::string_view name) {
    return state::entryPath(c.networkPaths().runDir, name, ".xml");
}

std::optional<conf::NetworkDef> liveDef(const ConnectionImpl& c, std::string_view name) {
    auto xml = util::readFileIfExists(liveFile(c, name));
    if (!xml) return std::nullopt;
    return conf::parseNetwork(*xml, std::string(name), false);
}

std::optional<conf::NetworkDef> storedDef(const ConnectionImpl& c, std::string_view name) {
    auto xml = c.networks().readXml(name);
    if (!xml) return std::nullopt;
    return conf::parseNetwork(*xml, std::string(name), false);
}

// Bridges named by any defined or active network.
std::vector<std::string> bridgesInUse(const ConnectionImpl& c, std::string_view except) {
    std::vector<std::string> out;
    for (const auto& n : c.networks().names())
        if (n != except)
            if (auto d = storedDef(c, n)) out.push_back(d->bridge);
    for (const auto& n : state::listNames(c.networkPaths().runDir, ".xml"))
        if (n != except)
            if (auto d = liveDef(c, n)) out.push_back(d->bridge);
    return out;
}

// The network, defined or transient, whose uuid is `uuid` (canonical text).
std::optional<std::string> nameForUuid(const ConnectionImpl& c, const std::string& uuid) {
    if (auto stored = c.networks().nameForUuid(uuid)) return stored;
    for (const auto& n : state::listNames(c.networkPaths().runDir, ".xml"))
        if (auto d = liveDef(c, n); d && d->uuid && util::formatUuid(*d->uuid) == uuid) return n;
    return std::nullopt;
}

// A definition's last steps before it is stored or started: its uuid is its own, its bridge
// free; defaults filled in (uuid, MAC, a free cvtbrN) and the whole checked.
void completeNew(const ConnectionImpl& c, conf::NetworkDef& def, std::string_view filename) {
    if (def.uuid)
        if (auto other = nameForUuid(c, util::formatUuid(*def.uuid)); other && *other != def.name)
            throw Error(ErrorCode::DomainExists,
                        "network '" + *other + "' already has uuid " + util::formatUuid(*def.uuid));
    auto taken = bridgesInUse(c, def.name);
    if (!def.bridge.empty() && std::find(taken.begin(), taken.end(), def.bridge) != taken.end())
        throw Error(ErrorCode::InvalidArg,
                    "bridge name '" + def.bridge + "' is already in use by another network");
    conf::applyNetworkDefaults(def, taken);
    conf::validateNetwork(def, filename);
}

// Bridge, addresses, rules and dnsmasq, then the live XML that marks it active; all or nothing.
void startLive(const ConnectionImpl& c, const conf::NetworkDef& def) {
    net::startNetwork(def, c.networkPaths().runDir);
    try {
        util::writeFileReplace(liveFile(c, def.name), conf::formatNetwork(def), 0644);
    } catch (...) {
        net::stopNetwork(def, c.networkPaths().runDir);
        throw;
    }
}

}  // namespace

Network Connection::defineNetwork(std::string_view xml, std::string_view filename) {
    conf::NetworkDef def = conf::parseNetwork(xml, filename);
    auto lock = state::DomainLock::acquire(impl_->networkPaths().lockDir, def.name);
    // a transient network made persistent keeps its uuid, bridge and MAC
    auto existing = storedDef(*impl_, def.name);
    if (!existing) existing = liveDef(*impl_, def.name);
    if (existing) {
        if (def.uuid && def.uuid != existing->uuid)
            throw Error(ErrorCode::DomainExists,
                        "network '" + def.name + "' already exists with another uuid");
        def.uuid = existing->uuid;
        if (def.bridge.empty()) def.bridge = existing->bridge;
        if (def.mac.empty()) def.mac = existing->mac;
    }
    completeNew(*impl_, def, filename);
    impl_->networks().saveXml(def.name, util::formatUuid(*def.uuid), conf::formatNetwork(def));
    return Network(impl_, def.name);
}

Network Connection::createNetwork(std::string_view xml, std::string_view filename) {
    conf::NetworkDef def = conf::parseNetwork(xml, filename);
    auto lock = state::DomainLock::acquire(impl_->networkPaths().lockDir, def.name);
    if (impl_->networks().exists(def.name) || fs::exists(liveFile(*impl_, def.name)))
        throw Error(ErrorCode::DomainExists, "network '" + def.name + "' already exists");
    completeNew(*impl_, def, filename);
    startLive(*impl_, def);
    return Network(impl_, def.name);
}

Network Connection::lookupNetwork(std::string_view key) const {
    std::string name(key);
    if (!impl_->networks().exists(name) && !fs::exists(liveFile(*impl_, name))) {
        auto byUuid = util::parseUuid(key);
        auto found = byUuid ? nameForUuid(*impl_, util::formatUuid(*byUuid)) : std::nullopt;
        if (!found) throw noNetwork(key);
        name = *found;
    }
    return Network(impl_, name);
}

std::vector<NetworkSummary> Connection::listNetworks(bool active, bool inactive) const {
    std::vector<std::string> names = impl_->networks().names();
    for (auto& n : state::listNames(impl_->networkPaths().runDir, ".xml"))
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    std::sort(names.begin(), names.end());
    std::vector<NetworkSummary> out;
    for (const auto& n : names) {
        NetworkSummary s = Network(impl_, n).summary();
        if ((s.active && active) || (!s.active && inactive)) out.push_back(s);
    }
    return out;
}

std::vector<std::string> Connection::autostartNetworks(void (*onError)(const std::string&,
                                                                       const Error&)) {
    std::vector<std::string> started;
    for (const auto& name : impl_->networks().autostartNames()) {
        try {
            if (fs::exists(liveFile(*impl_, name))) continue;
            Network(impl_, name).start();
            started.push_back(name);
        } catch (const Error& e) {
            if (onError) onError(name, e);
        }
    }
    return started;
}

NetworkSummary Network::summary() const {
    auto live = liveDef(*conn_, name_);
    auto stored = storedDef(*conn_, name_);
    if (!live && !stored) throw noNetwork(name_);
    const conf::NetworkDef& def = live ? *live : *stored;
    NetworkSummary s;
    s.name = name_;
    s.uuid = def.uuid ? util::formatUuid(*def.uuid) : "";
    s.bridge = def.bridge;
    s.active = live.has_value();
    s.persistent = stored.has_value();
    s.autostart = conn_->networks().autostart(name_);
    // supervision: a DHCP server that died is started again
    if (live) net::reviveDnsmasq(*live, conn_->networkPaths().runDir);
    return s;
}

std::string Network::xml(bool inactive) const {
    if (!inactive)
        if (auto live = util::readFileIfExists(liveFile(*conn_, name_))) return *live;
    if (auto xml = conn_->networks().readXml(name_)) return *xml;
    throw noNetwork(name_);
}

void Network::start() {
    auto lock = state::DomainLock::acquire(conn_->networkPaths().lockDir, name_);
    if (fs::exists(liveFile(*conn_, name_)))
        throw Error(ErrorCode::OperationInvalid, "network '" + name_ + "' is already active");
    auto def = storedDef(*conn_, name_);
    if (!def) throw noNetwork(name_);
    startLive(*conn_, *def);
}

void Network::destroy() {
    auto lock = state::DomainLock::acquire(conn_->networkPaths().lockDir, name_);
    auto def = liveDef(*conn_, name_);
    if (!def) throw Error(ErrorCode::OperationInvalid, "network '" + name_ + "' is not active");
    net::stopNetwork(*def, conn_->networkPaths().runDir);
    util::removeFile(liveFile(*conn_, name_));
    util::removeFile(state::entryPath(conn_->networkPaths().runDir, name_, ".leases"));
}

void Network::undefine() {
    auto lock = state::DomainLock::acquire(conn_->networkPaths().lockDir, name_);
    auto def = storedDef(*conn_, name_);
    if (!def && fs::exists(liveFile(*conn_, name_)))
        throw Error(ErrorCode::OperationInvalid, "cannot undefine transient network");
    if (!def) throw noNetwork(name_);
    conn_->networks().removeEntry(name_, def->uuid ? util::formatUuid(*def->uuid) : "");
}

void Network::setAutostart(bool enabled) {
    auto lock = state::DomainLock::acquire(conn_->networkPaths().lockDir, name_);
    if (!conn_->networks().exists(name_))
        throw Error(ErrorCode::OperationInvalid,
                    "cannot set autostart for transient network '" + name_ + "'");
    conn_->networks().setAutostart(name_, enabled);
}

std::vector<DhcpLease> Network::leases(std::string_view mac) const {
    auto def = liveDef(*conn_, name_);
    if (!def) throw Error(ErrorCode::OperationInvalid, "network '" + name_ + "' is not active");
    std::vector<DhcpLease> out;
    for (const auto& l : net::readLeases(name_, conn_->networkPaths().runDir)) {
        if (!mac.empty() && l.mac != mac) continue;
        DhcpLease d{static_cast<long long>(l.expiry), l.mac, l.ip, 24, l.hostname, l.clientId};
        for (const auto& ip : def->ips)
            if (!ip.ipv6) d.prefix = ip.prefix;
        out.push_back(d);
    }
    return out;
}

}  // namespace cvirt
