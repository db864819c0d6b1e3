// SPDX-License-Identifier: GPL-3.0-or-later
// The qemu arguments of a VM's CPU, power management and peripheral devices (controllers,
// channels, balloon, video, VNC, inputs, rng), with libvirt's meaning. Pure: the paths and
// the VNC port the controller chose at start are already in the definition.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::qemu {

// "-cpu …" arguments, or none (qemu's default model) — kvm: the accelerator in use.
std::vector<std::string> cpuArgs(const conf::DomainDef& def, bool kvm);
// ",acpi=on|off" for -machine on x86 machines.
std::string machineAcpi(const conf::DomainDef& def);
// -global for <pm>, -device for controllers, inputs, video, channels, balloon and rng, -vnc.
std::vector<std::string> deviceArgs(const conf::DomainDef& def);

}  // namespace cvirt::qemu
