// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/in_process.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>

#include "cvirt/controller_spawn.h"
#include "util/process_title.h"
#include "util/stamp.h"

namespace cvirt {

namespace {

std::atomic<bool> gAllowed{false};

// Field 20 of /proc/self/stat; 0 when it cannot be read.
long threadCount() {
    unsigned long n = 0;
    return util::selfStatFields(20, 1, &n) ? static_cast<long>(n) : 0;
}

}  // namespace

void forkControllersInProcess(bool enable) noexcept {
    gAllowed.store(enable, std::memory_order_relaxed);
}

namespace controller {

bool inProcessAllowed() {
    return gAllowed.load(std::memory_order_relaxed) && threadCount() == 1;
}

void runInProcess(ProgramMain entry, int argc, char** argv) noexcept {
    if (!util::setProcessTitle(argv)) return;
    // What exec would have closed: the caller's close-on-exec descriptors among 0–5 (spawn
    // closed every one above).
    for (int fd = 0; fd < 6; ++fd) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0 && (flags & FD_CLOEXEC)) ::close(fd);
    }
    util::stampRestart();  // its descriptor is closed: the controller opens its own
    ::malloc_trim(0);      // the caller's freed heap is not the controller's to keep
    int rc = 1;
    try {
        rc = entry(argc, argv);
    } catch (...) {
        // never back into the caller's frames: they belong to the process that forked us
    }
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(rc);
}

}  // namespace controller

}  // namespace cvirt
