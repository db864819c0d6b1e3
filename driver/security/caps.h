// SPDX-License-Identifier: GPL-3.0-or-later
// Container capabilities, libvirt's rules: policy 'default' drops sys_module, sys_time,
// mknod, audit_control and mac_admin unless turned on, plus whatever is turned off; 'allow'
// drops only what is turned off; 'deny' keeps only what is turned on. Unlike libvirt, the
// 'default' policy also drops net_admin and net_raw (unless turned on) from a container that
// shares the host's network namespace.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::security {

// Whether `def` runs in the host's network namespace: no interface, no <privnet/>, no
// network hostdev, no <lxc:sharenet> (libvirt's default for a container without interfaces).
bool sharesHostNetwork(const conf::DomainDef& def);

// Names (libvirt spelling, e.g. "sys_module") to drop for `def`. Pure: `kernelCaps` is every
// capability the kernel knows (names libvirt's table lacks, such as bpf, are dropped by
// 'deny' too).
std::vector<std::string> capsToDrop(const conf::DomainDef& def,
                                    const std::vector<std::string>& kernelCaps);
std::vector<std::string> capsToDrop(const conf::DomainDef& def);  // with kernelCapabilities()

// The kernel's capability names, libvirt spelling (from libcap).
std::vector<std::string> kernelCapabilities();

// Drops `names` from the bounding, effective, permitted and inheritable sets of the calling
// process (and ambient). Throws SystemError naming the capability.
void dropCaps(const std::vector<std::string>& names);

}  // namespace cvirt::security
