// SPDX-License-Identifier: GPL-3.0-or-later
// Owner of one child process of this process (a container's init, qemu): its pid and a pidfd,
// the descriptor an event loop polls to learn that the child ended. The destructor kills
// (SIGKILL) and reaps it, so a child never outlives its owner unnoticed nor stays a zombie.
// Move-only, as util::Fd. Until it is reaped the pid cannot name another process, so the pid
// alone is safe to signal (a ProcessRef, util/process_ref.h, is for processes of others).
#pragma once

#include <sys/types.h>

#include <optional>

#include "util/fd.h"

namespace cvirt::util {

class Child {
public:
    Child() noexcept = default;
    // Takes `pid`, a child just made by fork or clone, and opens its pidfd (none on kernels
    // before 5.3: pidfd() is then -1).
    explicit Child(pid_t pid) noexcept;
    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    ~Child() { reset(); }

    pid_t pid() const noexcept { return pid_; }          // -1 when there is none
    int pidfd() const noexcept { return pidfd_.get(); }  // readable once the child ended
    explicit operator bool() const noexcept { return pid_ > 0; }

    // Sends `sig`; false when there is no child (nothing is signalled).
    bool signal(int sig) const noexcept;
    // Waits for the child to end and reaps it (EINTR retried): its wait status (waitpid(2)),
    // or nullopt when there is none or it cannot be waited for. Empty afterwards.
    std::optional<int> wait() noexcept;
    // Kills (SIGKILL) and reaps the child, if there is one. A child that cannot die yet (a
    // frozen cgroup keeps SIGKILL pending) is to be let go first: this waits for it.
    void reset() noexcept;

private:
    pid_t pid_ = -1;
    Fd pidfd_;
};

}  // namespace cvirt::util
