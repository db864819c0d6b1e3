// The controller's UNIX socket (<runDir>/<name>.sock): a client sends one request line and
// reads one reply line; after "console" the connection becomes the raw console stream.
//   console [force]  -> "ok" | "error <why>"   then raw bytes both ways
//   destroy          -> the socket closes once the container is gone and cleaned up
//   shutdown         -> "ok": init was asked to stop (SIGTERM), escalation after a timeout
//   reboot           -> "ok" once the container runs again with the same id
#pragma once

#include <string>
#include <string_view>

#include "util/fd.h"

namespace cvirt::lxc {

// Connects to the controller of a running domain; throws OperationFailed naming the socket.
util::Fd connectController(const std::string& socketPath);
// Sends `request` + '\n'; returns the reply line (without '\n'), "" when the controller
// closed the connection without one.
std::string controllerRequest(int fd, std::string_view request);
// Reads until the controller closes the connection.
void waitClosed(int fd);

}  // namespace cvirt::lxc
