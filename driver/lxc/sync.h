// SPDX-License-Identifier: GPL-3.0-or-later
// Controller <-> container-child messages over a SOCK_SEQPACKET socketpair (close-on-exec on
// the child's end, so a successful execve shows up as EOF). No exception crosses clone():
// the child sends its Error as a Failed frame and the controller rethrows it.
#pragma once

#include <cstdint>
#include <functional>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::lxc {

enum class SyncMsg : uint8_t {
    ChildReady,
    ProcViews,
    RootReady,
    Continue,
    SysinfoTrap,
    Execing,
    Failed
};

struct SyncFrame {
    SyncMsg msg;
    ErrorCode code;
    int32_t sysErrno;
    char text[480];
};

class SyncChannel {
public:
    SyncChannel() = default;
    explicit SyncChannel(util::Fd fd) : fd_(std::move(fd)) {}
    // Both ends; the first goes to the controller, the second to the child.
    static std::pair<SyncChannel, SyncChannel> pair();

    // Every wait below (expect, waitExec) gives up after `timeoutMs` without a frame from
    // the child, throwing OperationFailed: a child that can be frozen (its cgroup) or stuck
    // must not hold the controller forever. `idle` runs each time 100 ms pass in silence (the
    // controller thaws the cgroup there). Until called: no limit.
    void setPatience(int timeoutMs, std::function<void()> idle = {});

    // While a wait below blocks, `ready` runs each time `fd` turns readable (the controller
    // answers the container's FUSE requests there: the child's next step needs them), until
    // it returns false. -1: none.
    void serveWhileWaiting(int fd, std::function<bool()> ready);

    void send(SyncMsg msg) const;
    // `msg` with a descriptor (SCM_RIGHTS), or without one when `fd` is -1.
    void sendFd(SyncMsg msg, int fd) const;
    void sendFailure(const Error& e) const noexcept;
    // Waits for `msg`; rethrows a Failed frame as the child's Error; EOF throws
    // OperationFailed "container init exited during setup".
    void expect(SyncMsg msg) const;
    // expect(), and the descriptor the frame carried (none: an empty Fd).
    util::Fd expectFd(SyncMsg msg) const;
    // After Execing: true when exec succeeded (EOF), or throws the child's failure.
    void waitExec() const;
    int fd() const { return fd_.get(); }
    void close() { fd_.reset(); }

private:
    bool receive(SyncFrame& frame) const;  // false on EOF
    void awaitFrame() const;               // returns once readable; throws at the deadline
    util::Fd fd_;
    int timeoutMs_ = -1;
    std::function<void()> idle_;
    mutable int serveFd_ = -1;
    std::function<bool()> serve_;
    mutable util::Fd received_;  // the descriptor of the last frame
};

}  // namespace cvirt::lxc
