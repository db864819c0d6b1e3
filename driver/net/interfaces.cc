// SPDX-License-Identifier: GPL-3.0-or-later
#include "net/interfaces.h"

#include <arpa/inet.h>

#include <algorithm>
#include <iostream>
#include <set>

#include "cvirt/error.h"
#include "net/netlink.h"

namespace cvirt::net {

using conf::NetType;

std::vector<InterfacePlan> planInterfaces(const conf::DomainDef& def, int id) {
    std::vector<InterfacePlan> plan;
    std::set<std::string> guests;
    for (const auto& n : def.interfaces)
        if (!n.guestDev.empty()) guests.insert(n.guestDev);
    for (const auto& h : def.hostdevs)
        if (h.type == conf::HostdevCapsType::Net) guests.insert(h.source);
    unsigned nextEth = 0;
    for (size_t i = 0; i < def.interfaces.size(); ++i) {
        const auto& n = def.interfaces[i];
        if (n.type == NetType::Hostdev)
            throw Error(ErrorCode::ConfigUnsupported,
                        "<interface type='hostdev'> (PCI passthrough) is not supported for "
                        "containers; use <hostdev mode='capabilities' type='net'>");
        InterfacePlan p;
        p.index = i;
        if (n.type != NetType::Direct)
            p.hostName = !n.targetDev.empty()
                             ? n.targetDev
                             : "cvt" + std::to_string(id) + "-" + std::to_string(i);
        p.guestName = n.guestDev;
        while (p.guestName.empty()) {
            std::string candidate = "eth" + std::to_string(nextEth++);
            if (!guests.count(candidate)) p.guestName = candidate;
        }
        guests.insert(p.guestName);
        plan.push_back(p);
    }
    return plan;
}

unsigned defaultPrefix(const std::string& address) {
    in_addr a4{};
    if (::inet_pton(AF_INET, address.c_str(), &a4) != 1) return 64;
    unsigned first = ntohl(a4.s_addr) >> 24;
    return first < 128 ? 8 : first < 192 ? 16 : 24;
}

unsigned defaultRoutePrefix(const std::string& address) {
    in_addr a4{};
    if (::inet_pton(AF_INET, address.c_str(), &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 0) return 0;
    in6_addr a6{};
    if (::inet_pton(AF_INET6, address.c_str(), &a6) == 1 && IN6_IS_ADDR_UNSPECIFIED(&a6)) return 0;
    return defaultPrefix(address);
}

namespace {

void addAddresses(Netlink& nl, const std::string& dev, const std::vector<conf::IpAddress>& ips) {
    for (const auto& ip : ips)
        nl.addAddress(dev, ip.address, ip.prefix.value_or(defaultPrefix(ip.address)), ip.peer);
}

void addRoutes(Netlink& nl, const std::string& dev, const std::vector<conf::Route>& routes) {
    for (const auto& r : routes)
        nl.addRoute(dev, r.address, r.prefix.value_or(defaultRoutePrefix(r.address)), r.gateway,
                    r.metric);
}

}  // namespace

void addHostSide(Netlink& host, const std::string& dev, const conf::Interface& n) {
    if (n.type != NetType::Ethernet) return;
    addAddresses(host, dev, n.hostIps);
    addRoutes(host, dev, n.hostRoutes);
}

DomainNetwork& DomainNetwork::operator=(DomainNetwork&& o) noexcept {
    if (this != &o) {
        this->~DomainNetwork();
        new (this) DomainNetwork(std::move(o));
    }
    return *this;
}

DomainNetwork::~DomainNetwork() {
    if (hostEnds_.empty()) return;
    try {
        Netlink nl = Netlink::open();
        for (const auto& name : hostEnds_)
            nl.deleteLink(name);
    } catch (const Error&) {
    }
}

DomainNetwork DomainNetwork::setUp(const conf::DomainDef& def,
                                   const std::vector<InterfacePlan>& plan, pid_t pid, int netnsFd,
                                   const std::function<std::string(const std::string&)>& bridgeOf) {
    DomainNetwork made;
    Netlink host = Netlink::open();
    // Host side: create each device straight into the container's namespace.
    for (const auto& p : plan) {
        const conf::Interface& n = def.interfaces[p.index];
        switch (n.type) {
            case NetType::Ethernet:
            case NetType::Bridge:
            case NetType::Network: {
                std::string bridge = n.sourceBridge;
                if (n.type == NetType::Network) {
                    if (!bridgeOf)
                        throw Error(ErrorCode::OperationInvalid,
                                    "network '" + n.sourceNetwork + "' is not active");
                    bridge = bridgeOf(n.sourceNetwork);
                }
                if (!bridge.empty() && !host.exists(bridge))
                    throw Error(ErrorCode::OperationFailed, "bridge '" + bridge +
                                                                "' of interface '" + p.guestName +
                                                                "' does not exist");
                host.createVeth(p.hostName, p.guestName, pid);
                made.hostEnds_.push_back(p.hostName);
                if (!bridge.empty()) host.enslave(p.hostName, bridge);
                host.changeLink(p.hostName, {.mtu = n.mtu, .up = true});
                break;
            }
            case NetType::Direct: {
                std::string mode(
                    conf::kMacvlanModeNames.name(n.sourceMode.value_or(conf::MacvlanMode::Vepa)));
                if (mode == "passthrough") mode = "passthru";
                host.createMacvlan(p.guestName, n.sourceDev, mode, pid);
                break;
            }
            case NetType::Hostdev:
                break;  // refused by planInterfaces
        }
    }
    for (const auto& h : def.hostdevs) {
        if (h.type != conf::HostdevCapsType::Net) continue;
        if (!host.exists(h.source))
            throw Error(ErrorCode::OperationFailed,
                        "host interface '" + h.source + "' does not exist");
        host.moveToPid(h.source, pid);
    }

    // Inside: names, MACs, MTUs, link state, addresses, then routes (they need the links up).
    Netlink in = Netlink::openIn(netnsFd);
    for (const auto& p : plan) {
        const conf::Interface& n = def.interfaces[p.index];
        bool up = n.link.value_or(conf::LinkState::Up) == conf::LinkState::Up;
        in.changeLink(p.guestName, {.mac = n.mac, .mtu = n.mtu, .up = up});
        addAddresses(in, p.guestName, n.ips);
    }
    for (const auto& h : def.hostdevs)
        if (h.type == conf::HostdevCapsType::Net) {
            in.changeLink(h.source, {.up = true});
            addAddresses(in, h.source, h.ips);
        }
    for (const auto& p : plan)
        addRoutes(in, p.guestName, def.interfaces[p.index].routes);
    for (const auto& h : def.hostdevs)
        if (h.type == conf::HostdevCapsType::Net) addRoutes(in, h.source, h.routes);
    // The host ends of ethernet ones last, once their peers are up (libvirt's hostIP).
    for (const auto& p : plan)
        addHostSide(host, p.hostName, def.interfaces[p.index]);
    return made;
}

void returnHostdevs(const conf::DomainDef& def, int netnsFd, int hostNetnsFd) noexcept {
    bool any = std::any_of(def.hostdevs.begin(), def.hostdevs.end(),
                           [](const auto& h) { return h.type == conf::HostdevCapsType::Net; });
    if (!any || netnsFd < 0) return;
    try {
        Netlink in = Netlink::openIn(netnsFd);
        for (const auto& h : def.hostdevs) {
            if (h.type != conf::HostdevCapsType::Net) continue;
            try {
                in.changeLink(h.source, {.up = false});
                in.moveToNetns(h.source, hostNetnsFd);
            } catch (const Error& e) {
                std::cerr << "cvirt: cannot return '" << h.source << "' to the host: " << e.what()
                          << std::endl;
            }
        }
    } catch (const Error& e) {
        std::cerr << "cvirt: cannot return host interfaces: " << e.what() << std::endl;
    }
}

}  // namespace cvirt::net
