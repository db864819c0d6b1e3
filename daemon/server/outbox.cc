// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/outbox.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace cvirt::server {

namespace {

// One byte with a descriptor riding on it (SCM_RIGHTS). 1 sent, 0 would block, -1 failed.
int sendFd(int sock, int fd) {
    char byte = '\0';
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    for (;;) {
        ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
        if (n == 1) return 1;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
        return -1;
    }
}

}  // namespace

void Outbox::addFd(rpc::OwnedFd fd) {
    fds_.emplace_back(sent_ + size(), std::move(fd));
    bytes_.push_back('\0');
}

bool Outbox::flush(int sock) {
    while (!empty()) {
        if (!fds_.empty() && fds_.front().first == sent_) {
            int r = sendFd(sock, fds_.front().second.get());
            if (r < 0) return false;
            if (r == 0) break;
            fds_.pop_front();
            ++head_;
            ++sent_;
            continue;
        }
        size_t upTo = fds_.empty() ? size() : fds_.front().first - sent_;
        ssize_t n = ::send(sock, bytes_.data() + head_, upTo, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) return false;
        head_ += static_cast<size_t>(n);
        sent_ += static_cast<size_t>(n);
    }
    // What went out is dropped once it is most of the buffer, so a long-lived client's
    // buffer stays as large as its backlog, not its history.
    if (head_ > 0 && head_ >= bytes_.size() / 2) {
        bytes_.erase(0, head_);
        head_ = 0;
    }
    return true;
}

}  // namespace cvirt::server
