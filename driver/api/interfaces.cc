// domiflist, domifaddr, domif-setlink: a domain's interfaces from its definition, addresses
// from inside its network namespace, link state on the host end.
#include <fcntl.h>
#include <sys/socket.h>

#include "api/connection_impl.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "net/netlink.h"
#include "state/domain_lock.h"
#include "util/fd.h"
#include "util/file.h"

namespace cvirt {

namespace {

conf::DomainDef loadDef(const DriverState& d, const std::string& name, bool inactive) {
    if (!inactive)
        if (auto live = d.runtime.liveXml(name))
            return conf::parseDomain(*live, {.filename = name, .validateSchema = false});
    if (auto def = d.store.load(name)) return *def;
    throw Error(ErrorCode::NoDomain, "failed to get domain '" + name + "'");
}

const DriverState& driverOf(const ConnectionImpl& c, const std::string& name) {
    const DriverState* d = c.driverOf(name);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name + "'");
    return *d;
}

// The interface `key` names (host device, guest device or MAC), or nullptr.
conf::Interface* findInterface(conf::DomainDef& def, std::string_view key) {
    for (auto& n : def.interfaces)
        if (n.targetDev == key || n.mac == key || n.guestDev == key) return &n;
    return nullptr;
}

}  // namespace

std::vector<InterfaceSummary> Domain::interfaces(bool inactive) const {
    conf::DomainDef def = loadDef(driverOf(*conn_, name_), name_, inactive);
    std::vector<InterfaceSummary> out;
    for (const auto& n : def.interfaces) {
        InterfaceSummary s;
        s.hostDev = n.targetDev;
        s.type = std::string(conf::kNetTypeNames.name(n.type));
        s.source = n.type == conf::NetType::Bridge    ? n.sourceBridge
                   : n.type == conf::NetType::Network ? n.sourceNetwork
                                                      : n.sourceDev;
        s.model = n.model;
        s.mac = n.mac;
        s.guestDev = n.guestDev;
        s.linkState = n.link == conf::LinkState::Down ? "down" : "up";
        out.push_back(s);
    }
    return out;
}

std::vector<InterfaceAddress> Domain::interfaceAddresses() const {
    int pid = initPid();
    util::Fd ns(::open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) throwSystemError(errno, "cannot open the network namespace of '" + name_ + "'");
    net::Netlink nl = net::Netlink::openIn(ns.get());
    std::vector<InterfaceAddress> out;
    auto links = nl.links();
    for (const auto& a : nl.addresses()) {
        if (a.dev == "lo" || a.address.starts_with("fe80:")) continue;
        InterfaceAddress ia{a.dev, "", a.family == AF_INET6 ? "ipv6" : "ipv4", a.address, a.prefix};
        for (const auto& l : links)
            if (l.name == a.dev) ia.mac = l.mac;
        out.push_back(ia);
    }
    return out;
}

void Domain::setInterfaceLink(std::string_view iface, bool up, Impact impact) {
    DriverState* d = conn_->driverOf(name_);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    auto lock = state::DomainLock::acquire(d->paths.lockDir, name_);
    auto running = d->runtime.find(name_);
    auto [live, config] = resolveImpact(impact, running.has_value(), d->store.exists(name_), name_);
    auto state = up ? conf::LinkState::Up : conf::LinkState::Down;
    auto notFound = [&] {
        return Error(ErrorCode::InvalidArg,
                     "interface '" + std::string(iface) + "' not found in domain '" + name_ + "'");
    };
    std::optional<conf::DomainDef> persistent;
    if (config) {
        persistent = d->store.load(name_);
        conf::Interface* n = findInterface(*persistent, iface);
        if (!n) throw notFound();
        n->link = state;
    }
    if (live) {
        conf::DomainDef def = loadDef(*d, name_, false);
        conf::Interface* n = findInterface(def, iface);
        if (!n) throw notFound();
        if (n->targetDev.empty())
            throw Error(ErrorCode::ConfigUnsupported,
                        "interface '" + std::string(iface) + "' has no host end to switch");
        n->link = state;
        // The record ahead of the change (state/runtime_state.h): a full disk stops here.
        util::StagedFile record =
            d->runtime.stageLiveXml(name_, conf::formatDomain(def, {.id = running->id}));
        // The host end of the veth: the container sees its carrier come and go.
        net::Netlink::open().changeLink(n->targetDev, {.up = up});
        record.commit();
    }
    if (config) d->store.save(*persistent);
}

}  // namespace cvirt
