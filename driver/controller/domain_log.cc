// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/domain_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <string>

#include "cvirt/error.h"
#include "util/stream.h"

namespace cvirt::controller {

namespace {

DomainLog* g_current = nullptr;

// `path` onto stdout and stderr; false (errno set) when it cannot be opened.
bool openOnto(const std::filesystem::path& path, bool truncate) {
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
    int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) return false;
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
    return true;
}

std::string backup(const std::filesystem::path& path, unsigned n) {
    return path.string() + "." + std::to_string(n);
}

}  // namespace

DomainLog::DomainLog(std::filesystem::path path, LogLimits limits)
    : path_(std::move(path)), limits_(limits) {
    if (!openOnto(path_, false))
        throwSystemError(errno, "cannot open log '" + path_.string() + "'");
    g_current = this;
}

DomainLog::~DomainLog() {
    if (g_current == this) g_current = nullptr;
}

DomainLog* DomainLog::current() {
    return g_current;
}

void DomainLog::write(std::string_view data) noexcept {
    while (!data.empty()) {
        size_t chunk = data.size();
        if (limits_.maxSize > 0) {
            struct stat st {};
            uint64_t size =
                ::fstat(STDOUT_FILENO, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
            if (size >= limits_.maxSize) {
                rotate();
                size = 0;
            }
            chunk = static_cast<size_t>(std::min<uint64_t>(chunk, limits_.maxSize - size));
        }
        if (!util::writeFully(STDOUT_FILENO, data.substr(0, chunk))) return;
        data.remove_prefix(chunk);
    }
}

void DomainLog::rotate() noexcept {
    // Shift NAME.log.(N-1) → .N, …, NAME.log → .1; a rename that fails (a backup missing) is
    // no reason to stop. With no backups the log starts over.
    if (limits_.maxBackups > 0) {
        for (unsigned n = limits_.maxBackups; n > 1; --n)
            std::rename(backup(path_, n - 1).c_str(), backup(path_, n).c_str());
        std::rename(path_.c_str(), backup(path_, 1).c_str());
    }
    // If the new file cannot be opened, stdout stays on the old one (renamed); the next
    // write that finds it full tries again.
    openOnto(path_, limits_.maxBackups == 0);
}

}  // namespace cvirt::controller
