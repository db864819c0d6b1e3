// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/process_ref.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <string>

#include "util/file.h"

namespace cvirt::util {

namespace {

struct StatFields {
    char state = 0;
    uint64_t startTime = 0;
};

std::optional<StatFields> readStat(pid_t pid) {
    if (pid <= 0) return std::nullopt;
    std::optional<std::string> stat;
    try {
        stat = readKernelFileIfExists("/proc/" + std::to_string(pid) + "/stat");
    } catch (...) {
        return std::nullopt;
    }
    if (!stat) return std::nullopt;
    // "PID (comm) S ppid …": comm may hold spaces and ')', so count from the last ')'.
    size_t paren = stat->rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat->size()) return std::nullopt;
    StatFields f;
    f.state = (*stat)[paren + 2];
    const char* p = stat->data() + paren + 2;
    const char* end = stat->data() + stat->size();
    for (int field = 3; field < 22 && p < end; ++field) {  // to field 22, starttime
        p = std::find(p, end, ' ');
        if (p < end) ++p;
    }
    if (std::from_chars(p, end, f.startTime).ec != std::errc()) return std::nullopt;
    return f;
}

}  // namespace

std::optional<uint64_t> processStartTime(pid_t pid) {
    auto f = readStat(pid);
    if (!f) return std::nullopt;
    return f->startTime;
}

ProcessRef ProcessRef::self() {
    return of(::getpid());
}

ProcessRef ProcessRef::of(pid_t pid) {
    return {pid, processStartTime(pid).value_or(0)};
}

Fd ProcessRef::open() const {
    if (pid <= 0) return Fd();
    // The pidfd first: from then on it names the process that had `pid` at that moment.
    // If /proc still shows our start time afterwards, that process is ours.
    Fd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!fd) return fd;
    if (!alive()) return Fd();
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 0) > 0) return Fd();  // it exited in between
    return fd;
}

bool ProcessRef::alive() const {
    // The start time tells this process from a later one the kernel gave its pid to.
    auto f = readStat(pid);
    return f && f->state != 'Z' && f->state != 'X' && (startTime == 0 || f->startTime == startTime);
}

bool ProcessRef::signal(int sig) const {
    Fd fd = open();
    if (!fd) return false;
    return ::syscall(SYS_pidfd_send_signal, fd.get(), sig, nullptr, 0) == 0;
}

bool ProcessRef::waitGone(int timeoutMs) const {
    Fd fd = open();
    if (!fd) return true;
    // The pidfd turns readable when the process exits (a zombie counts as gone).
    pollfd p{fd.get(), POLLIN, 0};
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        int rc = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 0)));
        if (rc > 0) return true;
        if (rc == 0 && left.count() <= 0) return false;  // else EINTR: again
        if (rc < 0 && errno != EINTR) return !alive();
    }
}

}  // namespace cvirt::util
