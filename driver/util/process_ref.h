// SPDX-License-Identifier: GPL-3.0-or-later
// A process named by its pid and its start time (field 22 of /proc/PID/stat, clock ticks
// since boot). Once a process ends the kernel may give its pid to another one; a ProcessRef
// then reads as gone instead of naming the newcomer. Signals and waits go through a pidfd
// opened first and checked against the start time after, so a pid the kernel reuses while
// we look is never hit either.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "util/fd.h"

namespace cvirt::util {

// The start time of the process now at `pid`; nullopt when there is none.
std::optional<uint64_t> processStartTime(pid_t pid);

struct ProcessRef {
    pid_t pid = 0;
    uint64_t startTime = 0;  // 0: unknown (a record from before start times): the pid alone

    static ProcessRef self();
    // Whatever process is at `pid` now (startTime 0 if none).
    static ProcessRef of(pid_t pid);

    // A pidfd of this very process, or an empty Fd when it is gone, a zombie, or `pid`
    // names another process now.
    Fd open() const;
    // Whether this very process runs now (not a zombie, not another one at `pid`): a look at
    // /proc alone, for callers that only ask (no pidfd to pin it).
    bool alive() const;
    // Sends `sig` if this process still runs; false when it is gone (nothing is signalled).
    bool signal(int sig) const;
    // Waits up to `timeoutMs` for this process to end; true once it has (or never was).
    bool waitGone(int timeoutMs) const;

    bool operator==(const ProcessRef&) const = default;
};

}  // namespace cvirt::util
