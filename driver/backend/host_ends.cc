// SPDX-License-Identifier: GPL-3.0-or-later
#include "backend/host_ends.h"

#include <optional>

#include "net/netlink.h"

namespace cvirt::backend {

std::vector<InterfaceStats> hostEndStats(const conf::DomainDef& live) {
    std::vector<InterfaceStats> out;
    std::optional<net::Netlink> nl;
    for (const auto& iface : live.interfaces) {
        if (iface.targetDev.empty()) continue;
        if (!nl) nl = net::Netlink::open();
        auto link = nl->link(iface.targetDev);
        if (!link) continue;
        out.push_back({iface.targetDev, link->txBytes, link->txPackets, link->txErrors,
                       link->txDropped, link->rxBytes, link->rxPackets, link->rxErrors,
                       link->rxDropped});
    }
    return out;
}

void setHostEndLink(const std::string& device, bool up) {
    net::Netlink::open().changeLink(device, {.up = up});
}

}  // namespace cvirt::backend
