// The UNIX socket of a domain's supervisor (<runDir>/<name>.sock), the same for containers
// (cvirt-lxc-controller) and VMs (cvirt-qemu-controller): a client sends one request line
// and reads one reply line; after "console" the connection becomes the raw console stream.
//   console [force]  -> "ok" | "error <why>"   then raw bytes both ways
//   destroy          -> "ok" at once, then the socket closes once the domain is gone and
//                       cleaned up (a client that hears nothing within seconds kills the
//                       supervisor: supervisor/client.h)
//   shutdown         -> "ok": the guest was asked to stop, killed after shutdown_timeout
//   reboot           -> "ok" once the domain runs again with the same id
//   ping             -> "ok <pid of init or qemu>"
//   qmp <json>       -> (VMs) one QMP command; the reply line is QMP's JSON answer
#pragma once

#include <string>
#include <string_view>

#include "util/fd.h"

namespace cvirt::supervisor {

// Client side. connect() throws OperationFailed naming the socket.
util::Fd connect(const std::string& socketPath);
// Sends `request` + '\n'; returns the reply line (without '\n'), "" when the supervisor
// closed the connection without one.
std::string request(int fd, std::string_view request);
// The two halves of request().
void sendRequest(int fd, std::string_view request);
std::string readReply(int fd);

// Server side: the request line of a new client (at most `max` bytes, 1 s to send it), and
// a reply line.
std::string readRequest(int client, size_t max);
void reply(int client, std::string_view text);

}  // namespace cvirt::supervisor
