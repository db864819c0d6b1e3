// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/stream.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cvirt/error.h"
#include "remote/protocol.h"

namespace cvirt::server {

namespace {
constexpr int32_t kFromStreams = 38;  // VIR_FROM_STREAMS
}

Stream::Stream(const rpc::Header& call, rpc::OwnedFd fd) : call_(call), fd_(std::move(fd)) {
    int fl = ::fcntl(fd_.get(), F_GETFL);
    if (fl >= 0) ::fcntl(fd_.get(), F_SETFL, fl | O_NONBLOCK);
}

short Stream::events(size_t clientQueued) const {
    short ev = 0;
    if (!eof_ && !finishing_ && clientQueued < kClientQueueMax) ev |= POLLIN;
    if (!toFd_.empty()) ev |= POLLOUT;
    return ev;
}

void Stream::send(Outbox& out, rpc::MessageStatus status, std::string_view body) const {
    rpc::Header h = call_;
    h.type = rpc::MessageType::Stream;
    h.status = status;
    out.add(rpc::encodeMessage(h, body));
}

void Stream::sendError(Outbox& out, const std::string& why) const {
    rpc::XdrWriter w;
    rpc::encodeError(w, {.code = static_cast<int32_t>(remote::VirError::Rpc),
                         .domain = kFromStreams,
                         .message = why});
    send(out, rpc::MessageStatus::Error, w.bytes());
}

bool Stream::writePending(Outbox& out) {
    while (!toFd_.empty()) {
        ssize_t n = ::write(fd_.get(), toFd_.data(), toFd_.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) {
            sendError(out, std::string("stream had I/O failure: ") + std::strerror(errno));
            return false;
        }
        toFd_.erase(0, static_cast<size_t>(n));
    }
    if (finishing_ && toFd_.empty()) {
        send(out, rpc::MessageStatus::Ok, "");  // the finish confirmed
        return false;
    }
    return true;
}

bool Stream::onReady(short revents, Outbox& out) {
    if ((revents & POLLOUT) || ((revents & (POLLERR | POLLHUP)) && !toFd_.empty()))
        if (!writePending(out)) return false;
    if (eof_ || finishing_ || !(revents & (POLLIN | POLLHUP | POLLERR))) return true;
    char buf[kChunk];
    ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
    if (n < 0 && errno != EIO) {  // EIO: a pty whose other side closed, an end like 0
        sendError(out, std::string("stream had I/O failure: ") + std::strerror(errno));
        return false;
    }
    if (n <= 0) eof_ = true;  // the client sees the end, then finishes or aborts
    send(out, rpc::MessageStatus::Continue, std::string_view(buf, n > 0 ? size_t(n) : 0));
    return true;
}

bool Stream::onPacket(const rpc::Message& m, Outbox& out) {
    if (m.header.type != rpc::MessageType::Stream)
        throw Error(ErrorCode::InvalidArg, "unexpected stream hole on a stream that is not sparse");
    switch (m.header.status) {
        case rpc::MessageStatus::Continue:
            toFd_ += m.body;
            return writePending(out);
        case rpc::MessageStatus::Ok:  // finish: what was sent is written first
            finishing_ = true;
            return writePending(out);
        case rpc::MessageStatus::Error:  // abort: what waits is dropped
            toFd_.clear();
            send(out, rpc::MessageStatus::Ok, "");
            return false;
    }
    return true;
}

}  // namespace cvirt::server
