// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/events.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <chrono>

#include "cvirt/error.h"
#include "util/file.h"

namespace cvirt::state {

namespace {
constexpr off_t kMaxJournal = 1 << 20;
}

fs::path eventsPath(const DriverPaths& paths) {
    return paths.runDir.parent_path() / "events";
}

void emitEvent(const DriverPaths& paths, std::string_view domain, std::string_view event,
               std::string_view detail) noexcept {
    try {
        fs::path journal = eventsPath(paths);
        util::makeDirs(journal.parent_path(), 0755);
        util::Fd lock(
            ::open((journal.string() + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
        if (!lock || ::flock(lock.get(), LOCK_EX) < 0) return;
        struct stat st {};
        if (::stat(journal.c_str(), &st) == 0 && st.st_size > kMaxJournal)
            ::rename(journal.c_str(), (journal.string() + ".1").c_str());
        int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
        std::string line = std::to_string(us) + " " + std::string(driverName(paths.kind)) + " " +
                           std::string(domain) + " " + std::string(event) + " " +
                           std::string(detail) + "\n";
        util::Fd fd(::open(journal.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
        if (fd) [[maybe_unused]]
            auto n = ::write(fd.get(), line.data(), line.size());
    } catch (...) {
    }
}

std::optional<Event> parseEvent(std::string_view line) {
    Event e;
    std::string_view parts[5];
    for (int i = 0; i < 5; ++i) {
        size_t sp = i < 4 ? line.find(' ') : line.size();
        if (sp == std::string_view::npos) return std::nullopt;
        parts[i] = line.substr(0, sp);
        line.remove_prefix(std::min(line.size(), sp + 1));
    }
    if (std::from_chars(parts[0].data(), parts[0].data() + parts[0].size(), e.timeUs).ec !=
        std::errc())
        return std::nullopt;
    e.driver = parts[1];
    e.domain = parts[2];
    e.event = parts[3];
    e.detail = parts[4];
    return e;
}

EventFollower::EventFollower(fs::path journal) : path_(std::move(journal)) {
    util::makeDirs(path_.parent_path(), 0755);
    inotify_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!inotify_) throwSystemError(errno, "cannot watch for events");
    // The directory: appends, and the journal being created or rotated.
    if (::inotify_add_watch(inotify_.get(), path_.parent_path().c_str(),
                            IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0)
        throwSystemError(errno, "cannot watch '" + path_.parent_path().string() + "'");
    reopen(true);
}

void EventFollower::reopen(bool atEnd) {
    file_.reset(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    inode_ = 0;
    partial_.clear();
    if (!file_) return;
    struct stat st {};
    if (::fstat(file_.get(), &st) == 0) inode_ = st.st_ino;
    if (atEnd) ::lseek(file_.get(), 0, SEEK_END);
}

std::vector<Event> EventFollower::wait(int timeoutMs) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    std::vector<Event> out;
    for (;;) {
        // Drained before the journal is read, so a change after this read wakes fd() again.
        char ibuf[4096];
        while (::read(inotify_.get(), ibuf, sizeof ibuf) > 0) {
        }
        // A rotated or newly created journal is read from its start.
        struct stat st {};
        if (::stat(path_.c_str(), &st) == 0 && st.st_ino != inode_) {
            if (file_) {  // what the old one still had
                char buf[4096];
                for (ssize_t n; (n = ::read(file_.get(), buf, sizeof buf)) > 0;)
                    partial_.append(buf, static_cast<size_t>(n));
            }
            std::string rest = partial_;
            reopen(false);
            partial_ = rest;
        }
        if (file_) {
            char buf[4096];
            for (ssize_t n; (n = ::read(file_.get(), buf, sizeof buf)) > 0;)
                partial_.append(buf, static_cast<size_t>(n));
        }
        size_t nl;
        while ((nl = partial_.find('\n')) != std::string::npos) {
            if (auto e = parseEvent(std::string_view(partial_).substr(0, nl))) out.push_back(*e);
            partial_.erase(0, nl + 1);
        }
        if (!out.empty()) return out;
        int left = -1;
        if (timeoutMs >= 0) {
            left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        deadline - std::chrono::steady_clock::now())
                                        .count());
            if (left <= 0) return out;
        }
        pollfd p{inotify_.get(), POLLIN, 0};
        ::poll(&p, 1, left);
    }
}

}  // namespace cvirt::state
