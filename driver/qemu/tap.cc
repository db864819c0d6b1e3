// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/tap.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstring>

#include "cvirt/error.h"
#include "net/interfaces.h"
#include "net/netlink.h"

namespace cvirt::qemu {

Tap openTap(const std::string& name) {
    if (name.size() >= IFNAMSIZ)
        throw Error(ErrorCode::InvalidArg, "tap name '" + name + "' is too long");
    util::Fd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    if (!fd) throwSystemError(errno, "cannot open /dev/net/tun");
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    std::memcpy(ifr.ifr_name, name.c_str(), name.size());
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) < 0)
        throwSystemError(errno, "cannot create tap device '" + name + "'");
    return {name, std::move(fd)};
}

std::vector<Tap> createTaps(const conf::DomainDef& def, int id,
                            const std::function<std::string(const std::string&)>& bridgeOfNetwork) {
    std::vector<Tap> taps;
    if (def.interfaces.empty()) return taps;
    net::Netlink nl = net::Netlink::open();
    for (size_t i = 0; i < def.interfaces.size(); ++i) {
        const conf::Interface& n = def.interfaces[i];
        std::string name = !n.targetDev.empty()
                               ? n.targetDev
                               : "cvt" + std::to_string(id) + "-" + std::to_string(i);
        if (nl.exists(name))
            throw Error(ErrorCode::OperationFailed,
                        "cannot create tap device '" + name + "': the name is in use");
        taps.push_back(openTap(name));
        std::string hostMac = "fe" + n.mac.substr(2);
        net::Netlink::LinkChange change{.mac = hostMac, .mtu = n.mtu, .up = false};
        nl.changeLink(name, change);
        std::string bridge = n.type == conf::NetType::Bridge    ? n.sourceBridge
                             : n.type == conf::NetType::Network ? bridgeOfNetwork(n.sourceNetwork)
                                                                : std::string();
        if (!bridge.empty()) nl.enslave(name, bridge);
        nl.changeLink(name, {.up = n.link != conf::LinkState::Down});
        net::addHostSide(nl, name, n);  // an ethernet tap's <source> addresses and routes
    }
    return taps;
}

}  // namespace cvirt::qemu
