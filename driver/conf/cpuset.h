// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's cpuset syntax ("0-3,^2,5") and the kernel's plain list ("0-1,3,5").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cvirt::conf {

// Every cpu the set selects, ascending; nullopt when the text is not a cpuset (empty, a bad
// character, a reversed range, a number above kMaxCpu) or selects nothing.
inline constexpr unsigned kMaxCpu = 8191;
std::optional<std::vector<unsigned>> parseCpuset(std::string_view text);

// The kernel's list format (cpuset.cpus, cpuset.mems): ranges collapsed, no exclusions.
std::string formatCpuList(const std::vector<unsigned>& cpus);

// parseCpuset + formatCpuList; throws Error(InvalidArg) naming `what` when invalid.
std::string kernelCpuList(std::string_view text, std::string_view what);

}  // namespace cvirt::conf
