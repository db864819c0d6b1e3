// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/domain_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <utility>

#include "cvirt/error.h"
#include "state/uri.h"
#include "util/file.h"

namespace cvirt::state {

namespace {

// The locks this process holds, by file: lets a reader that finds a dead controller clean up
// under a lock its own caller already holds, and lets spawn hand the lock to a controller.
std::mutex heldMutex;
std::map<std::string, int>& held() {
    static std::map<std::string, int> table;
    return table;
}

}  // namespace

DomainLock::DomainLock(util::Fd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {
    std::lock_guard<std::mutex> g(heldMutex);
    held()[path_] = fd_.get();
}

DomainLock::DomainLock(DomainLock&& other) noexcept
    : fd_(std::move(other.fd_)), path_(std::exchange(other.path_, {})) {}

DomainLock& DomainLock::operator=(DomainLock&& other) noexcept {
    if (this != &other) {
        forget();
        fd_ = std::move(other.fd_);
        path_ = std::exchange(other.path_, {});
    }
    return *this;
}

DomainLock::~DomainLock() {
    forget();
}

void DomainLock::forget() noexcept {
    if (path_.empty()) return;
    std::lock_guard<std::mutex> g(heldMutex);
    auto it = held().find(path_);
    if (it != held().end() && it->second == fd_.get()) held().erase(it);
    path_.clear();
}

DomainLock DomainLock::acquire(const std::filesystem::path& lockDir, std::string_view domain) {
    return *lockFile(lockDir, entryPath(lockDir, domain, ".lock"), true);
}

std::optional<DomainLock> DomainLock::tryAcquire(const std::filesystem::path& lockDir,
                                                 std::string_view domain) {
    return lockFile(lockDir, entryPath(lockDir, domain, ".lock"), false);
}

DomainLock DomainLock::acquireDriver(const std::filesystem::path& lockDir, std::string_view what) {
    return *lockFile(
        lockDir,
        entryPath(lockDir, what, ".lock").replace_filename("." + std::string(what) + ".lock"),
        true);
}

int DomainLock::heldFd(const std::filesystem::path& lockDir, std::string_view domain) {
    std::string path = entryPath(lockDir, domain, ".lock").string();
    std::lock_guard<std::mutex> g(heldMutex);
    auto it = held().find(path);
    return it == held().end() ? -1 : it->second;
}

std::optional<DomainLock> DomainLock::lockFile(const std::filesystem::path& lockDir,
                                               const std::filesystem::path& path, bool wait) {
    util::makeDirs(lockDir, 0700);
    util::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throwSystemError(errno, "cannot open lock file '" + path.string() + "'");
    while (::flock(fd.get(), wait ? LOCK_EX : LOCK_EX | LOCK_NB) < 0) {
        if (!wait && errno == EWOULDBLOCK) return std::nullopt;
        if (errno != EINTR) throwSystemError(errno, "cannot lock '" + path.string() + "'");
    }
    return DomainLock(std::move(fd), path.string());
}

}  // namespace cvirt::state
