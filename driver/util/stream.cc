// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/stream.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cvirt/error.h"

namespace cvirt::util {

namespace {

sockaddr_un addressOf(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw Error(ErrorCode::OperationFailed, "socket path '" + path + "' is too long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

}  // namespace

Fd listenUnix(const std::string& path) {
    sockaddr_un addr = addressOf(path);
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throwSystemError(errno, "cannot create a socket for '" + path + "'");
    ::unlink(path.c_str());
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 ||
        ::listen(fd.get(), 16) < 0)
        throwSystemError(errno, "cannot listen on '" + path + "'");
    ::chmod(path.c_str(), 0600);
    return fd;
}

Fd connectUnix(const std::string& path, std::string_view what) {
    sockaddr_un addr = addressOf(path);
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throwSystemError(errno, "cannot create a socket");
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throwSystemError(errno, "cannot reach " + std::string(what) + " at '" + path + "'");
    return fd;
}

bool writeFully(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

namespace {

// One message with room for one descriptor, for sendmsg or recvmsg.
struct FdMessage {
    FdMessage(const void* data, size_t size) : iov{const_cast<void*>(data), size} {
        hdr.msg_iov = &iov;
        hdr.msg_iovlen = 1;
        hdr.msg_control = control;
        hdr.msg_controllen = sizeof control;
    }
    FdMessage(const FdMessage&) = delete;
    FdMessage& operator=(const FdMessage&) = delete;
    iovec iov;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr hdr{};
};

}  // namespace

ssize_t sendWithFd(int sock, const void* data, size_t size, int fd) {
    FdMessage m(data, size);
    if (fd < 0) {
        m.hdr.msg_control = nullptr;
        m.hdr.msg_controllen = 0;
    } else {
        cmsghdr* c = CMSG_FIRSTHDR(&m.hdr);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    for (;;) {
        ssize_t n = ::sendmsg(sock, &m.hdr, MSG_NOSIGNAL);
        if (n >= 0 || errno != EINTR) return n;
    }
}

ssize_t receiveWithFd(int sock, void* data, size_t size, Fd& received) {
    received.reset();
    for (;;) {
        FdMessage m(data, size);
        ssize_t n = ::recvmsg(sock, &m.hdr, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m.hdr); n > 0 && c; c = CMSG_NXTHDR(&m.hdr, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            // Every descriptor that came is taken (and all but the last closed): none leaks.
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                received.reset(fd);
            }
        }
        return n;
    }
}

long monotonicMs() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace cvirt::util
