// SPDX-License-Identifier: GPL-3.0-or-later
// A QMP (QEMU Machine Protocol) client over one connected socket: greeting, capabilities
// negotiation, commands with their answers, and the events that arrive in between.
#pragma once

#include <deque>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "util/fd.h"

namespace cvirt::qemu {

using Json = nlohmann::json;

class Qmp {
public:
    // Reads the greeting and leaves capabilities negotiation mode. Throws OperationFailed
    // when qemu closes the socket first (it failed to start: its log says why).
    explicit Qmp(util::Fd fd, int timeoutMs = 30000);

    // Runs `command`; returns its "return" value, throws OperationFailed with qemu's "desc".
    Json execute(std::string_view command, const Json& arguments = Json::object());
    // One command as a JSON text (qemu-monitor-command); returns the answer as one line.
    std::string executeText(const std::string& commandJson);

    int fd() const { return fd_.get(); }
    // Reads what is available without blocking (call when fd() is readable); false once qemu
    // closed the socket. Events land in events().
    bool readAvailable();
    std::deque<Json>& events() { return events_; }

private:
    Json readMessage(bool wantAnswer);  // blocking, up to the timeout
    bool fill(bool block);

    util::Fd fd_;
    int timeoutMs_;
    std::string buffer_;
    std::deque<Json> events_;
};

}  // namespace cvirt::qemu
