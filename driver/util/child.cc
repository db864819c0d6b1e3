// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/child.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace cvirt::util {

Child::Child(pid_t pid) noexcept
    : pid_(pid), pidfd_(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))) {}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)) {}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        reset();
        pid_ = std::exchange(other.pid_, -1);
        pidfd_ = std::move(other.pidfd_);
    }
    return *this;
}

bool Child::signal(int sig) const noexcept {
    return pid_ > 0 && ::kill(pid_, sig) == 0;
}

std::optional<int> Child::wait() noexcept {
    if (pid_ <= 0) return std::nullopt;
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    pidfd_.reset();
    if (r < 0) return std::nullopt;
    return status;
}

void Child::reset() noexcept {
    if (pid_ <= 0) return;
    signal(SIGKILL);
    wait();
}

}  // namespace cvirt::util
