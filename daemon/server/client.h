// SPDX-License-Identifier: GPL-3.0-or-later
// One connected client of cvirtd: its socket, what it sent not yet whole, what waits to go
// to it, its session (connection, event callbacks) and the streams its calls opened.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "remote/dispatch.h"
#include "rpc/message.h"
#include "rpc/owned_fd.h"
#include "server/outbox.h"
#include "server/stream.h"

namespace cvirt::server {

struct Client {
    // Replies and events a client leaves unread past this drop it (its streams stop reading
    // long before: Stream::kClientQueueMax).
    static constexpr size_t kOutMax = 64 * 1024 * 1024;

    rpc::OwnedFd fd;
    rpc::MessageFramer in;
    Outbox out;
    remote::Session session;
    std::map<uint32_t, Stream> streams;  // by the serial of the call that opened each
    // Streams that ended lately: packets the client sent before it learnt of the end are
    // ignored (libvirt's daemon does the same), not taken for bad input.
    std::deque<uint32_t> endedStreams;

    // Whether the server reads the socket now: not while the client's stream data waits for
    // a descriptor beyond Stream::kPendingMax.
    bool reading() const;
    void endStream(std::map<uint32_t, Stream>::iterator it);
};

}  // namespace cvirt::server
