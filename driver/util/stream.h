// UNIX stream sockets and whole writes: what a controller and its clients share.
#pragma once

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
// CLOCK_MONOTONIC in milliseconds.
long monotonicMs();

}  // namespace cvirt::util
