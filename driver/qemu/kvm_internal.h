// SPDX-License-Identifier: GPL-3.0-or-later
// Test-only internals of kvm.cc: what the vCPU probe measured and the verdict drawn from it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace cvirt::qemu::kvm_internal {

// The probe guest: a loop of kProbeIterations (dec ecx; jnz) in 64-bit kernel mode, the mode a
// guest kernel boots and runs in, leaving to user space every kProbeChunk iterations so the
// probe can stop at its deadline. Hardware virtualization runs it in milliseconds.
inline constexpr uint32_t kProbeChunk = 20'000;
inline constexpr uint64_t kProbeIterations = 10'000'000;
inline constexpr double kProbeDeadlineSeconds = 1.0;

struct VcpuRun {
    uint64_t iterations = 0;  // loop iterations the guest completed
    double seconds = 0;       // wall-clock time of the KVM_RUN calls
    std::string failure;      // set when the vCPU could not be made or stopped unexpectedly
};

// Which kernel module provides /dev/kvm: "kvm_intel", "kvm_amd", "kvm_pvm", or "" when none of
// them is under `sysModule` (normally /sys/module).
std::string kvmProvider(const std::filesystem::path& sysModule);

// nullopt when the guest completed every iteration; else why KVM guests do not boot here,
// with the speed measured and, for kvm_pvm, what that module is.
std::optional<std::string> judgeVcpuRun(const VcpuRun& run, const std::string& provider);

}  // namespace cvirt::qemu::kvm_internal
