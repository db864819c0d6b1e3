// SPDX-License-Identifier: GPL-3.0-or-later
// The domain log of a controller (var/log/cvirt/DRIVER/NAME.log): the process's stdout and
// stderr, and where console output goes with nobody attached. Bounded like virtlogd's files:
// once NAME.log would pass `maxSize` bytes it becomes NAME.log.1 (NAME.log.1 becomes .2, …,
// up to `maxBackups`; the oldest is dropped) and a fresh NAME.log takes stdout and stderr.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace cvirt::controller {

struct LogLimits {
    uint64_t maxSize = 0;  // bytes per file; 0 = no limit, never rotated
    unsigned maxBackups = 0;
};

class DomainLog {
public:
    // Opens `path` for appending (0600) onto stdout and stderr; throws SystemError naming it.
    DomainLog(std::filesystem::path path, LogLimits limits);
    ~DomainLog();
    DomainLog(const DomainLog&) = delete;
    DomainLog& operator=(const DomainLog&) = delete;

    // Console output with nobody attached: appended, rotating first where it would not fit,
    // so no file passes the limit. A failed write or rotation is dropped, never thrown: the
    // log must not take the domain down.
    void write(std::string_view data) noexcept;

    const std::filesystem::path& path() const { return path_; }
    const LogLimits& limits() const { return limits_; }

    // The log of this process, once programMain opened it; nullptr before (output then goes
    // to stdout as it is).
    static DomainLog* current();

private:
    void rotate() noexcept;

    std::filesystem::path path_;
    LogLimits limits_;
};

}  // namespace cvirt::controller
