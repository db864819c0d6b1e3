// SPDX-License-Identifier: GPL-3.0-or-later
// The two counters dominfo shows of a domain's cgroup (CPU time, memory charged), with their
// files kept open. An open(2) of a cgroup file walks kernfs and costs several times its read,
// and cvirtd may be asked for the same domain's info thousands of times a second.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "cgroup/domain_cgroup.h"
#include "util/fd.h"
#include "util/process_ref.h"

namespace cvirt::cgroup {

class BriefCounters {
public:
    // Opens the files (DomainCgroup::briefFiles); one the host lacks reads as 0.
    explicit BriefCounters(const DomainCgroup& cg);
    // Both files read again from their start: Stats' cpuNs and memoryBytes. nullopt once
    // the cgroup was removed (its open files then fail with ENODEV).
    std::optional<DomainCgroup::Stats> read() const;

private:
    util::Fd cpu_, memory_;
    bool cpuStat_ = false;  // v2 cpu.stat: a "usage_usec N" line, not a number in ns
};

// A connection's open counters, one entry per running domain it was asked about, for that
// run of the domain only (named by its controller process: a restart opens them again).
// Entries of domains that stopped are dropped at the next read after at most a second, or
// at once when their cgroup is found gone: a removed cgroup's files are not held for long.
class BriefCountersCache {
public:
    // The counters of the run of `name` that `owner` controls; `open` gives its cgroup
    // the first time. Zero counters when the cgroup is gone.
    DomainCgroup::Stats read(const std::string& name, const util::ProcessRef& owner,
                             const std::function<DomainCgroup()>& open);

private:
    struct Entry {
        util::ProcessRef owner;
        BriefCounters counters;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::chrono::steady_clock::time_point swept_{};
};

}  // namespace cvirt::cgroup
