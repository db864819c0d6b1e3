// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/client.h"

namespace cvirt::server {

namespace {
constexpr size_t kEndedStreamsKept = 16;
}

bool Client::reading() const {
    size_t pending = 0;
    for (const auto& [serial, s] : streams)
        pending += s.pending();
    return pending < Stream::kPendingMax;
}

void Client::endStream(std::map<uint32_t, Stream>::iterator it) {
    endedStreams.push_back(it->first);
    if (endedStreams.size() > kEndedStreamsKept) endedStreams.pop_front();
    streams.erase(it);
}

}  // namespace cvirt::server
