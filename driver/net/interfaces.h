// SPDX-License-Identifier: GPL-3.0-or-later
// A domain's network devices (libvirt's <interface> and <hostdev type='net'> for containers):
// names decided up front, then created from the host into the container's namespace and
// configured there before init runs. Veth pairs and macvlans live in the container's
// namespace and go with it; moved host devices are handed back explicitly.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::net {

struct InterfacePlan {
    size_t index = 0;       // in def.interfaces
    std::string hostName;   // host end of a veth; "" for a macvlan
    std::string guestName;  // inside the container
};

// Pure: <target dev> or "cvt<id>-<n>" for host ends, <guest dev> or the first free ethN
// inside. Throws for what containers cannot have (type hostdev: PCI passthrough).
std::vector<InterfacePlan> planInterfaces(const conf::DomainDef& def, int id);

// The default prefix of an address given without one: classful for IPv4 (libvirt's rule),
// 64 for IPv6.
unsigned defaultPrefix(const std::string& address);
// The prefix of a <route> given without one, as libvirt's virSocketAddrGetIPPrefix: 0 for
// 0.x.x.x and :: (0.0.0.0 is the default route, not a /32), else defaultPrefix().
unsigned defaultRoutePrefix(const std::string& address);

class Netlink;

// The host end `dev` of an ethernet interface gets its <source> addresses (with their peers)
// and routes, as libvirt's virNetDevIPInfoAddToDev does for the host side; nothing for other
// types. Throws naming the address or route that failed.
void addHostSide(Netlink& host, const std::string& dev, const conf::Interface& n);

// What setUp made on the host. Until release(), the destructor deletes the host ends (a start
// that fails leaves nothing behind, without waiting for the namespace to go).
class DomainNetwork {
public:
    // `pid`: the container's init (its namespace is the target); `netnsFd`: that namespace;
    // `bridgeOf`: the bridge of a cvirt virtual network (throws if it is not active).
    static DomainNetwork setUp(const conf::DomainDef& def, const std::vector<InterfacePlan>& plan,
                               pid_t pid, int netnsFd,
                               const std::function<std::string(const std::string&)>& bridgeOf = {});

    DomainNetwork() = default;
    DomainNetwork(DomainNetwork&& o) noexcept : hostEnds_(std::move(o.hostEnds_)) {}
    DomainNetwork& operator=(DomainNetwork&& o) noexcept;
    DomainNetwork(const DomainNetwork&) = delete;
    ~DomainNetwork();

    void release() noexcept { hostEnds_.clear(); }

private:
    std::vector<std::string> hostEnds_;
};

// Moves the domain's <hostdev type='net'> devices from `netnsFd` back to `hostNetnsFd`
// under their own names. Best effort: what cannot be moved is reported on stderr.
void returnHostdevs(const conf::DomainDef& def, int netnsFd, int hostNetnsFd) noexcept;

}  // namespace cvirt::net
