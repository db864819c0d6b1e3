// SPDX-License-Identifier: GPL-3.0-or-later
// A stream a call opened (open-console): bytes between a descriptor and the client, both
// ways, as libvirt's STREAM messages with the call's program, procedure and serial — data
// (status CONTINUE; an empty one is the descriptor's end), the client's finish (OK) and abort
// (ERROR), each confirmed with an empty OK, and an error (ERROR) when the descriptor fails.
//
// Bounded both ways, so a client that never reads or a console that never drains costs the
// server a fixed amount and blocks no one: the descriptor is read one chunk at a time and
// only while the client's queue is short (kClientQueueMax); the client's data waiting for
// the descriptor past kPendingMax stops the server reading that client (the server's part).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "rpc/message.h"
#include "rpc/owned_fd.h"
#include "server/outbox.h"

namespace cvirt::server {

class Stream {
public:
    static constexpr size_t kChunk = 65536;
    static constexpr size_t kClientQueueMax = 256 * 1024;
    static constexpr size_t kPendingMax = 1024 * 1024;

    // Takes `fd` (made non-blocking) for the stream of the call `call`.
    Stream(const rpc::Header& call, rpc::OwnedFd fd);

    int fd() const { return fd_.get(); }
    // Whether a client's message is of this stream: its program, version and procedure.
    bool matches(const rpc::Header& h) const {
        return h.program == call_.program && h.version == call_.version &&
               h.procedure == call_.procedure;
    }
    // poll(2) events to wait for on fd() now; 0: none (leave it out of the poll set).
    short events(size_t clientQueued) const;
    // fd() is ready. False: the stream has ended (its last message queued); remove it.
    bool onReady(short revents, Outbox& out);
    // A STREAM message of the client for this stream. False: it has ended; remove it.
    // Throws Error for one no client may send (a hole: the stream is not sparse).
    bool onPacket(const rpc::Message& message, Outbox& out);
    // The client's data not yet written to fd().
    size_t pending() const { return toFd_.size(); }

private:
    void send(Outbox& out, rpc::MessageStatus status, std::string_view body) const;
    void sendError(Outbox& out, const std::string& why) const;
    bool writePending(Outbox& out);  // false: the descriptor failed (error sent)

    rpc::Header call_;
    rpc::OwnedFd fd_;
    std::string toFd_;
    bool eof_ = false;        // the descriptor ended: the empty CONTINUE went out
    bool finishing_ = false;  // the client finished: confirmed once toFd_ is written
};

}  // namespace cvirt::server
