// SPDX-License-Identifier: GPL-3.0-or-later
// Values a running domain reports, per device: block and interface counters (domblkstat,
// domifstat) and the addresses inside it (domifaddr). Shared by the public API and the
// backends that read them.
#pragma once

#include <cstdint>
#include <string>

namespace cvirt {

struct BlockStats {
    std::string name;  // host device ("sda") or "MAJ:MIN" when it has no name
    uint64_t rdReqs = 0, rdBytes = 0, wrReqs = 0, wrBytes = 0;
};
struct InterfaceStats {
    std::string name;  // host side device (target dev)
    uint64_t rxBytes = 0, rxPackets = 0, rxErrs = 0, rxDrop = 0;
    uint64_t txBytes = 0, txPackets = 0, txErrs = 0, txDrop = 0;
};
// An address configured inside the guest, as domifaddr shows it.
struct InterfaceAddress {
    std::string name;  // inside the container
    std::string mac;
    std::string family;  // "ipv4", "ipv6"
    std::string address;
    unsigned prefix = 0;
};

}  // namespace cvirt
