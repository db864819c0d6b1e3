// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/console.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include "controller/domain_log.h"
#include "controller/protocol.h"
#include "cvirt/error.h"
#include "util/stream.h"

namespace cvirt::controller {

namespace {

// How long one write to an attached client may block before the client is let go.
constexpr timeval kClientSendTimeout{1, 0};

void toLog(std::string_view data) {
    if (DomainLog* log = DomainLog::current())
        log->write(data);
    else
        util::writeFully(STDOUT_FILENO, data);
}

}  // namespace

ConsoleProxy::ConsoleProxy(util::Fd master) : master_(std::move(master)) {
    char name[128];
    if (::ptsname_r(master_.get(), name, sizeof name) != 0)
        throwSystemError(errno, "cannot name the console pty");
    slave_.reset(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave_) throwSystemError(errno, "cannot open the console pty '" + std::string(name) + "'");
    int flags = ::fcntl(master_.get(), F_GETFL);
    if (flags < 0 || ::fcntl(master_.get(), F_SETFL, flags | O_NONBLOCK) < 0)
        throwSystemError(errno, "cannot make the console pty non-blocking");
}

std::optional<ConsoleRequest> parseConsoleRequest(std::string_view line) {
    if (line != "console" && !line.starts_with("console ")) return std::nullopt;
    ConsoleRequest r;
    line.remove_prefix(7);
    if (line == " force" || line.starts_with(" force ")) {
        r.force = true;
        line.remove_prefix(6);
    }
    if (!line.empty()) r.devname = std::string(line.substr(1));
    return r;
}

std::string consoleRequest(bool force, std::string_view devname) {
    std::string line = force ? "console force" : "console";
    if (!devname.empty()) line += " " + std::string(devname);
    return line;
}

void ConsoleProxy::handleRequest(util::Fd client, bool force) {
    if (client_ && !force) {
        reply(client.get(),
              encodeError(Error(ErrorCode::OperationInvalid,
                                "the console is in use by another client (use --force)")));
        return;
    }
    reply(client.get(), "ok");
    ::setsockopt(client.get(), SOL_SOCKET, SO_SNDTIMEO, &kClientSendTimeout,
                 sizeof kClientSendTimeout);
    client_ = std::move(client);  // a forced takeover closes the old client
}

void ConsoleProxy::onOutput() {
    char buf[16384];
    ssize_t n = ::read(master_.get(), buf, sizeof buf);
    if (n <= 0) return;  // EAGAIN: another reader was first; EIO: nobody on the slave
    std::string_view data(buf, static_cast<size_t>(n));
    if (client_) {
        if (util::writeFully(client_.get(), data)) return;
        client_.reset();  // gone mid-stream, or stopped reading
    }
    toLog(data);
}

void ConsoleProxy::onInput() {
    char buf[4096];
    ssize_t n = ::read(client_.get(), buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
        client_.reset();
        return;
    }
    // Non-blocking: what does not fit in a guest's full input queue is dropped.
    util::writeFully(master_.get(), {buf, static_cast<size_t>(n)});
}

void ConsoleProxy::drain() {
    for (;;) {
        pollfd p{master_.get(), POLLIN, 0};
        if (!master_ || ::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) return;
        char buf[4096];
        ssize_t r = ::read(master_.get(), buf, sizeof buf);
        if (r <= 0) return;
        toLog({buf, static_cast<size_t>(r)});
    }
}

}  // namespace cvirt::controller
