// SPDX-License-Identifier: GPL-3.0-or-later
// Lifecycle events of a connection root: an append-only journal, <root>/run/cvirt/events, one
// line per event ("<µs since epoch> <driver> <domain> <event> <detail>"), written by whoever
// causes the change (define/undefine in the API, start/stop/reboot in the controllers,
// suspend/resume where they happen, a crash by the reader that finds it) and followed by
// `cvirsh event` in any shell. Kept to 1 MiB: past that the journal is renamed to events.1.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/uri.h"
#include "util/fd.h"

namespace cvirt::state {

struct Event {
    int64_t timeUs = 0;
    std::string driver, domain;
    std::string event;   // libvirt's lifecycle names: defined, undefined, started, suspended,
                         // resumed, stopped, shutdown, crashed; and "reboot"
    std::string detail;  // added, updated, removed, booted, paused, unpaused, shutdown,
                         // destroyed, crashed, failed, finished, …
};

fs::path eventsPath(const DriverPaths& paths);  // <root>/run/cvirt/events
// Appends an event (serialised with other writers through events.lock). Never throws: a
// lost event must not fail the operation it reports.
void emitEvent(const DriverPaths& paths, std::string_view domain, std::string_view event,
               std::string_view detail) noexcept;
std::optional<Event> parseEvent(std::string_view line);

// Follows the journal from its end: events appended after construction.
class EventFollower {
public:
    explicit EventFollower(fs::path journal);
    // Waits up to `timeoutMs` (-1: forever) for events; returns what arrived (maybe none).
    std::vector<Event> wait(int timeoutMs);
    // Readable when the journal's directory changed; wait() drains it before reading.
    int fd() const { return inotify_.get(); }

private:
    void reopen(bool atEnd);
    fs::path path_;
    util::Fd inotify_, file_;
    ino_t inode_ = 0;
    std::string partial_;
};

}  // namespace cvirt::state
