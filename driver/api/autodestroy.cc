// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/autodestroy.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "cvirt/error.h"
#include "util/stream.h"

namespace cvirt {

namespace {

// A controller tears down within milliseconds unless the stopped and release hooks run long;
// a close does not wait for more than this in all.
constexpr long kTeardownMs = 30000;

}  // namespace

int Autodestroy::watchFd() {
    std::lock_guard lock(mutex_);
    if (!write_) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) < 0)
            throwSystemError(errno, "cannot create the autodestroy pipe");
        read_.reset(fds[0]);
        write_.reset(fds[1]);
        owner_ = ::getpid();
    }
    return read_.get();
}

void Autodestroy::started(const util::ProcessRef& controller) {
    std::lock_guard lock(mutex_);
    controllers_.push_back(controller);
}

Autodestroy::~Autodestroy() {
    // In a forked child, its copies go (the parent's still hold the pipe open): no wait.
    bool mine = write_ && owner_ == ::getpid();
    write_.reset();  // in the process that made it: the hang-up the controllers wait for
    read_.reset();
    if (!mine) return;
    long deadline = util::monotonicMs() + kTeardownMs;
    for (const util::ProcessRef& c : controllers_)
        c.waitGone(static_cast<int>(std::max(0L, deadline - util::monotonicMs())));
}

}  // namespace cvirt
