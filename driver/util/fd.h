// SPDX-License-Identifier: GPL-3.0-or-later
// Owner of one file descriptor: closed by the destructor, errno preserved.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace cvirt::util {

class Fd {
public:
    explicit Fd(int fd = -1) noexcept : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        reset(std::exchange(other.fd_, -1));
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) {
            int saved = errno;
            ::close(fd_);
            errno = saved;
        }
        fd_ = fd;
    }

private:
    int fd_;
};

// The path that names what `fd` holds ("/proc/self/fd/N"), for calls that take only a path.
inline std::string procPath(const Fd& fd) {
    return "/proc/self/fd/" + std::to_string(fd.get());
}

}  // namespace cvirt::util
