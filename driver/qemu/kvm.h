// SPDX-License-Identifier: GPL-3.0-or-later
// Whether this host can run type='kvm' domains.
#pragma once

#include <optional>
#include <string>

namespace cvirt::qemu {

// nullopt when /dev/kvm opens, speaks API version 12, creates a VM and runs a vCPU's 64-bit
// kernel-mode loop at hardware speed (within a second); else why not. Leaves nothing behind.
// Probed once per process.
std::optional<std::string> kvmUnusable();

}  // namespace cvirt::qemu
