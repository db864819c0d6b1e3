// SPDX-License-Identifier: GPL-3.0-or-later
// A cvirt virtual network at work: its bridge (addressed from <ip>), forwarding and NAT in an
// nftables table of its own, and a dnsmasq for DHCP, all made and removed here. State files
// live in the network run directory: NAME.conf, NAME.hosts, NAME.leases, NAME.dnsmasq.pid.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "conf/network.h"

namespace cvirt::net {

namespace fs = std::filesystem;

// The bridge of active network `network` (from its live XML in `runDir`); throws
// "network 'x' is not active" when it does not run.
std::string bridgeOfActiveNetwork(const fs::path& runDir, const std::string& network);

// The nftables table of a network (family inet): conf::networkTableName, one per name.
std::string nftTableName(const std::string& network);

// Brings the network up; on failure removes what it made and throws the reason.
void startNetwork(const conf::NetworkDef& def, const fs::path& runDir);
// Stops dnsmasq, removes the table and the bridge. Best effort, never throws.
void stopNetwork(const conf::NetworkDef& def, const fs::path& runDir) noexcept;

// dnsmasq's pid, 0 if it is not running (or the network has no DHCP).
pid_t dnsmasqPid(const std::string& network, const fs::path& runDir);
// Starts dnsmasq again if the network has DHCP and it died; true if it had to.
bool reviveDnsmasq(const conf::NetworkDef& def, const fs::path& runDir);

struct Lease {
    std::time_t expiry = 0;
    std::string mac, ip, hostname, clientId;
};
std::vector<Lease> readLeases(const std::string& network, const fs::path& runDir);

}  // namespace cvirt::net
