// Container capabilities, libvirt's rules: policy 'default' drops sys_module, sys_time,
// mknod, audit_control and mac_admin unless turned on, plus whatever is turned off; 'allow'
// drops only what is turned off; 'deny' keeps only what is turned on.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::security {

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
