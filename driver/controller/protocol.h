// SPDX-License-Identifier: GPL-3.0-or-later
// The UNIX socket of a domain's controller (<runDir>/<name>.sock), the same for containers
// (cvirt-lxc-controller) and VMs (cvirt-qemu-controller): a client sends one request line
// and reads one reply line; after "console" the connection becomes the raw console stream.
// A request that fails is answered with an error line (below) instead.
//   console [force]  -> "ok", then raw bytes both ways
//   destroy          -> "ok" at once, then the socket closes once the domain is gone and
//                       cleaned up (a client that hears nothing within seconds kills the
//                       controller: controller/client.h)
//   shutdown         -> "ok": the guest was asked to stop, killed after shutdown_timeout
//   reboot           -> "ok" (a VM resets in place), or the close once the domain runs again
//                       with the same id (a container's init is restarted)
//   ping             -> "ok <pid of init or qemu>"
//   qmp <json>       -> (VMs) one QMP command; the reply line is QMP's JSON answer
//   sysinfo-trap     -> (containers) followed by one byte carrying a seccomp listener
//                       (SCM_RIGHTS): "ok" once the controller answers the sysinfo(2) calls
//                       of the processes under that filter (lxc/controller/sysinfo_trap.h)
// The same error line reports a failed start on the ready pipe (controller/program.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::controller {

// Client side. connect() throws OperationFailed naming the socket.
util::Fd connect(const std::string& socketPath);
// Sends `request` + '\n'; returns the reply line (without '\n'), "" when the controller
// closed the connection without one.
std::string request(int fd, std::string_view request);
// The two halves of request().
void sendRequest(int fd, std::string_view request);
// sendRequest(), then one byte carrying descriptor `passed` (SCM_RIGHTS).
void sendRequestWithFd(int fd, std::string_view request, int passed);
std::string readReply(int fd);

// Server side: the request line of a new client (at most `max` bytes, 1 s to send it), and
// a reply line.
std::string readRequest(int client, size_t max);
// The descriptor a client sends after its request line (sendRequestWithFd), within 1 s;
// throws InvalidArg when none comes.
util::Fd readPassedFd(int client);
void reply(int client, std::string_view text);

// An Error as one line, "error CODE ERRNO MESSAGE": the ErrorCode's number, the errno of the
// failed syscall (0 if none) and the message, newlines and backslashes escaped. Decoding
// gives back an Error with the same code, sysErrno() and what(); nullopt for a line that is
// no error ("ok …", "", a QMP answer).
std::string encodeError(const Error& e);
std::optional<Error> decodeError(std::string_view line);

// The error line of a system call that failed with an errno known only later, built ahead
// for a child between fork and exec, which must not allocate: head + the errno in decimal +
// tail is encodeError(Error(ErrorCode::SystemError, message, errno)).
struct ErrnoErrorLine {
    std::string head, tail;
};
ErrnoErrorLine errnoErrorLine(std::string_view message);

}  // namespace cvirt::controller
