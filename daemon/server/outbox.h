// SPDX-License-Identifier: GPL-3.0-or-later
// What waits to go to one client: whole messages, and the descriptors a message passes
// (REPLY_WITH_FDS), each sent after that message's bytes on a byte of its own, '\0', as
// libvirt's virNetSocketSendFD does and its client reads them.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include "rpc/owned_fd.h"

namespace cvirt::server {

class Outbox {
public:
    void add(std::string_view bytes) { bytes_.append(bytes); }
    // A descriptor to pass after what was added so far; closed here once sent (or dropped).
    void addFd(rpc::OwnedFd fd);
    size_t size() const { return bytes_.size() - head_; }
    bool empty() const { return size() == 0; }
    // Sends what the socket takes without blocking. False: the peer is gone.
    bool flush(int sock);

private:
    std::string bytes_;
    size_t head_ = 0;  // bytes_[0, head_) went out
    size_t sent_ = 0;  // bytes sent since the start: where the descriptors' bytes are
    std::deque<std::pair<size_t, rpc::OwnedFd>> fds_;  // each at the position of its '\0'
};

}  // namespace cvirt::server
