// SPDX-License-Identifier: GPL-3.0-or-later
// The host ends of a domain's interfaces (veths of a container, taps of a VM): the same
// netlink work for both backends.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "cvirt/domain_stats.h"

namespace cvirt::backend {

// Counters of each interface's host end, from the guest's point of view: what the host end
// receives, the guest sent. Interfaces without a host end, or whose end is gone, are left out.
std::vector<InterfaceStats> hostEndStats(const conf::DomainDef& live);

// domif-setlink: brings a host end up or down; the guest sees its carrier come and go.
void setHostEndLink(const std::string& device, bool up);

}  // namespace cvirt::backend
