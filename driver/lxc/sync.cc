// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/sync.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "util/stream.h"

namespace cvirt::lxc {

std::pair<SyncChannel, SyncChannel> SyncChannel::pair() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        throwSystemError(errno, "cannot create the container sync socket");
    return {SyncChannel(util::Fd(sv[0])), SyncChannel(util::Fd(sv[1]))};
}

void SyncChannel::send(SyncMsg msg) const {
    sendFd(msg, -1);
}

void SyncChannel::sendFd(SyncMsg msg, int fd) const {
    SyncFrame f{};
    f.msg = msg;
    if (util::sendWithFd(fd_.get(), &f, sizeof f, fd) < 0)
        throwSystemError(errno, "cannot talk to the container controller");
}

void SyncChannel::serveWhileWaiting(int fd, std::function<bool()> ready) {
    serveFd_ = fd;
    serve_ = std::move(ready);
}

void SyncChannel::sendFailure(const Error& e) const noexcept {
    SyncFrame f{};
    f.msg = SyncMsg::Failed;
    f.code = e.code();
    f.sysErrno = 0;  // what() already carries strerror
    std::strncpy(f.text, e.what(), sizeof f.text - 1);
    ::send(fd_.get(), &f, sizeof f, MSG_NOSIGNAL);
}

void SyncChannel::setPatience(int timeoutMs, std::function<void()> idle) {
    timeoutMs_ = timeoutMs;
    idle_ = std::move(idle);
}

void SyncChannel::awaitFrame() const {
    if (timeoutMs_ < 0 && serveFd_ < 0) return;  // recv blocks as long as it takes
    constexpr int kSliceMs = 100;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs_);
    for (;;) {
        pollfd p[2] = {{fd_.get(), POLLIN, 0}, {serveFd_, POLLIN, 0}};
        int rc = ::poll(p, serveFd_ >= 0 ? 2 : 1, kSliceMs);
        if (rc > 0 && p[0].revents) return;
        if (rc > 0 && !serve_()) serveFd_ = -1;  // that connection is gone
        if (rc < 0 && errno != EINTR) throwSystemError(errno, "cannot wait for the container");
        if (timeoutMs_ >= 0 && std::chrono::steady_clock::now() >= end)
            throw Error(ErrorCode::OperationFailed, "container init did not answer within " +
                                                        std::to_string(timeoutMs_ / 1000) +
                                                        " s (frozen or stuck)");
        if (rc == 0 && idle_) idle_();
    }
}

bool SyncChannel::receive(SyncFrame& f) const {
    awaitFrame();
    ssize_t n = util::receiveWithFd(fd_.get(), &f, sizeof f, received_);
    if (n == static_cast<ssize_t>(sizeof f)) return true;
    if (n == 0) return false;
    if (n < 0) throwSystemError(errno, "cannot read from the container");
    throw Error(ErrorCode::Internal, "short message from the container");
}

void SyncChannel::expect(SyncMsg msg) const {
    SyncFrame f{};
    if (!receive(f)) throw Error(ErrorCode::OperationFailed, "container init exited during setup");
    if (f.msg == SyncMsg::Failed) throw Error(f.code, f.text);
    if (f.msg != msg) throw Error(ErrorCode::Internal, "unexpected message from the container");
}

util::Fd SyncChannel::expectFd(SyncMsg msg) const {
    expect(msg);
    return std::move(received_);
}

void SyncChannel::waitExec() const {
    SyncFrame f{};
    if (!receive(f)) return;
    if (f.msg == SyncMsg::Failed) throw Error(f.code, f.text);
    throw Error(ErrorCode::Internal, "unexpected message from the container after exec");
}

}  // namespace cvirt::lxc
