// SPDX-License-Identifier: GPL-3.0-or-later
// The environment every process cvirt starts in a container begins with, init and `exec`
// alike: nothing of the caller's but the terminal type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::lxc {

// PATH, TERM (`term`, "linux" when empty), container=cvirt, the name and uuid under libvirt's
// and cvirt's variable names, then <os><initenv> in order.
std::vector<std::string> containerEnvironment(const conf::DomainDef& def, std::string_view term);

// Throws InvalidArg unless `entry` is NAME=VALUE with a name of letters, digits and '_' not
// starting with a digit, and no control character anywhere.
void checkEnvironmentEntry(std::string_view entry);

}  // namespace cvirt::lxc
