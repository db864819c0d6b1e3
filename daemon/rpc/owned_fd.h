// SPDX-License-Identifier: GPL-3.0-or-later
// A file descriptor with one owner, closed when the owner goes: a client's socket, a stream's
// console, the namespace descriptors a reply passes on. The daemon's own (it stands on the
// public API alone, not on the driver's util/).
#pragma once

#include <unistd.h>

#include <utility>

namespace cvirt::rpc {

class OwnedFd {
public:
    explicit OwnedFd(int fd = -1) noexcept : fd_(fd) {}
    OwnedFd(OwnedFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    OwnedFd& operator=(OwnedFd&& o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    OwnedFd(const OwnedFd&) = delete;
    OwnedFd& operator=(const OwnedFd&) = delete;
    ~OwnedFd() { reset(); }
    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

}  // namespace cvirt::rpc
