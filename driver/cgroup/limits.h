// SPDX-License-Identifier: GPL-3.0-or-later
// From the domain XML to cgroup file writes, in two pure steps: limitsFor(def) picks the
// values, planV1/planV2 turn them into (controller, file, value) writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::cgroup {

struct DeviceThrottle {
    std::string device;  // "MAJ:MIN"
    std::optional<uint64_t> readBps, writeBps, readIops, writeIops;
    std::optional<unsigned> weight;
};

struct Limits {
    std::optional<uint64_t> memoryBytes;  // hard limit
    std::optional<uint64_t> memorySoftBytes;
    std::optional<uint64_t> memorySwapBytes;  // memory + swap, libvirt's swap_hard_limit
    std::optional<uint64_t> cpuShares;
    std::optional<uint64_t> cpuPeriodUs;
    std::optional<int64_t> cpuQuotaUs;
    std::string cpusetCpus, cpusetMems;
    std::optional<unsigned> blkioWeight;
    std::vector<DeviceThrottle> devices;
    std::optional<uint64_t> pidsMax;
};

struct Write {
    std::string controller;  // routes the write to a hierarchy: "memory", "cpu", …
    std::string file;
    std::string value;
    bool operator==(const Write&) const = default;
};

// `majorMinor` resolves a blkiotune device path to "MAJ:MIN" (stat on the host); injected so
// the mapping stays pure and testable.
Limits limitsFor(const conf::DomainDef& def,
                 std::string (*majorMinor)(const std::string& path) = nullptr);
std::vector<Write> planV1(const Limits& limits);
std::vector<Write> planV2(const Limits& limits);

// The writes that move a cgroup from plan `before` to plan `after` (both from planV1 or both
// from planV2): values that changed, then the kernel's default for what `after` no longer
// sets (unlimited, the default weight; "" for a cpuset file: the parent's).
std::vector<Write> planChange(const std::vector<Write>& before, const std::vector<Write>& after,
                              bool v2);

// libvirt's conversion of cpu.shares (2..262144) to cgroup v2 cpu.weight (1..10000).
uint64_t sharesToWeight(uint64_t shares);

}  // namespace cvirt::cgroup
