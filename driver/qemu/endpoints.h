// SPDX-License-Identifier: GPL-3.0-or-later
// The host ends a VM's devices listen on, chosen at start as libvirt does and shown in the
// live XML: the UNIX sockets of <channel> (guest agent) and of a VNC <listen type='socket'>
// that name no path go in <runDir>/<name>.d/; a VNC autoport gets the first free TCP port
// from 5900 on its loopback address.
#pragma once

#include <filesystem>
#include <string>

#include "conf/domain_def.h"
#include "util/fd.h"

namespace cvirt::qemu {

namespace fs = std::filesystem;

// <runDir>/<name>.d: the domain's own sockets; removed when it stops or its controller died.
fs::path endpointDir(const fs::path& runDir, const std::string& name);

// Fills in the paths and the port `def` leaves to start (creating the endpoint directory
// afresh). Returns the lock on the port range (<runDir>/vnc-ports.lock), to hold until qemu
// listens, so that two VMs starting at once do not pick one port; an unlocked Fd when no
// port was chosen. Throws when no port is free or a path is too long for a socket address.
util::Fd chooseEndpoints(conf::DomainDef& def, const fs::path& runDir);

// The first port from `from` on that `address` (IPv4 or IPv6 literal, or "localhost") is
// free to listen on, or -1.
int firstFreePort(const std::string& address, int from);

}  // namespace cvirt::qemu
