// SPDX-License-Identifier: GPL-3.0-or-later
// UNIX stream sockets and whole writes: what a controller and its clients share.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "util/fd.h"

namespace cvirt::util {

// A listening, non-blocking, close-on-exec socket at `path` (replacing a stale one), 0600.
Fd listenUnix(const std::string& path);
// A connection to `path`; the error names `what` ("the controller of 'x'") and the path.
Fd connectUnix(const std::string& path, std::string_view what);
// Writes all of `data` unless the peer goes away (EPIPE, EIO, …); false then. No SIGPIPE
// for sockets.
bool writeFully(int fd, std::string_view data);
// One message over a UNIX socket with descriptor `fd` attached (SCM_RIGHTS; -1: none),
// without SIGPIPE: the bytes sent, or -1 with errno. On a stream socket the descriptor comes
// with the first byte, so a reader that takes bytes by read(2) before it must stop short of it.
ssize_t sendWithFd(int sock, const void* data, size_t size, int fd);
// recvmsg(2) into `data`, EINTR retried: the bytes read (0 at EOF) or -1 with errno. The
// descriptor that came with them (close-on-exec) goes to `received`, which is emptied first.
ssize_t receiveWithFd(int sock, void* data, size_t size, Fd& received);
// CLOCK_MONOTONIC in milliseconds.
long monotonicMs();

}  // namespace cvirt::util
