// SPDX-License-Identifier: GPL-3.0-or-later
// Internal to validate.cc: the rules for a VM's CPU, power management and peripheral devices
// (controllers, channels, balloon, video, graphics, inputs, rng), and their refusal in a
// container. Throws Error(XmlError) "FILE: <element>: rule and value".
#pragma once

#include <string_view>

#include "conf/domain_def.h"

namespace cvirt::conf::detail {

void validateVmDevices(const DomainDef& def, std::string_view filename);
void refuseVmOnlyElements(const DomainDef& def, std::string_view filename);

}  // namespace cvirt::conf::detail
