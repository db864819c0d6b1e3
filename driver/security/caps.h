// Container capabilities, libvirt's rules: policy 'default' drops sys_module, sys_time,
// mknod, audit_control and mac_admin unless turned on, plus whatever is turned off; 'allow'
// drops only what is turned off; 'deny' keeps only what is turned on.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::security {

// Names (libvirt spelling, e.g. "sys_module") to drop for `def`. Pure.
std::vector<std::string> capsToDrop(const conf::DomainDef& def);

// Drops `names` from the bounding, effective, permitted and inheritable sets of the calling
// process (and ambient). Throws SystemError naming the capability.
void dropCaps(const std::vector<std::string>& names);

}  // namespace cvirt::security
