// SPDX-License-Identifier: GPL-3.0-or-later
// A VM's network interfaces: tap devices made through /dev/net/tun, joined to their bridge
// (or the bridge of a cvirt network) and brought up. Not persistent: a tap is gone when
// the last fd on it closes, so qemu's exit removes it whatever happened.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "util/fd.h"

namespace cvirt::qemu {

struct Tap {
    std::string name;
    util::Fd fd;
};

// Opens /dev/net/tun as tap `name` (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR).
Tap openTap(const std::string& name);

// One tap per <interface> of `def`, named <target dev> or cvt<id>-<n>; bridge and network
// interfaces are enslaved to their bridge (`bridgeOfNetwork` maps a network name to it).
// The host end gets the guest's MAC with the first byte 0xfe, as libvirt does, so the
// bridge never takes the guest's address. Throws with every tap made so far closed.
std::vector<Tap> createTaps(const conf::DomainDef& def, int id,
                            const std::function<std::string(const std::string&)>& bridgeOfNetwork);

}  // namespace cvirt::qemu
