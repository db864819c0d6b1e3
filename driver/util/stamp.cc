// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/stamp.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace cvirt::util {

namespace {

constexpr int kUnopened = -2;
std::atomic<int> gFd{kUnopened};

// -1 when CVIRT_STAMPS is unset or cannot be opened.
int stampFd() {
    int fd = gFd.load(std::memory_order_acquire);
    if (fd != kUnopened) return fd;
    const char* path = std::getenv("CVIRT_STAMPS");
    int opened = path && *path ? ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (gFd.compare_exchange_strong(fd, opened, std::memory_order_acq_rel)) return opened;
    if (opened >= 0) ::close(opened);  // another thread's open came first
    return fd;
}

}  // namespace

void stamp(std::string_view step) noexcept {
    int fd = stampFd();
    if (fd < 0) return;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    char line[160];
    int n = std::snprintf(line, sizeof line, "%lld %d %.*s\n",
                          static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec,
                          static_cast<int>(::getpid()), static_cast<int>(step.size()), step.data());
    if (n <= 0) return;
    [[maybe_unused]] ssize_t w = ::write(fd, line, std::min<size_t>(n, sizeof line - 1));
}

void stampRestart() noexcept {
    gFd.store(kUnopened, std::memory_order_release);
}

}  // namespace cvirt::util
