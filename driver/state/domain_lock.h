// SPDX-License-Identifier: GPL-3.0-or-later
// Per-domain exclusive lock (flock on <lockDir>/<name>.lock). Mutating calls take it for the
// whole lock → load → check → act → persist sequence; readers never lock. Released by the
// destructor, and by the kernel once every process holding it died. A controller spawned
// under the lock holds it too, until its start is complete or undone (controller/client.h).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/fd.h"

namespace cvirt::state {

class DomainLock {
public:
    // Blocks until the lock is held. Throws SystemError naming the lock file.
    static DomainLock acquire(const std::filesystem::path& lockDir, std::string_view domain);
    // Without waiting: nullopt while another holder (another process, or another lock object
    // of this process) has it.
    static std::optional<DomainLock> tryAcquire(const std::filesystem::path& lockDir,
                                                std::string_view domain);
    // The driver's own lock `lockDir`/.`what`.lock (a name no domain can have), e.g. "id".
    static DomainLock acquireDriver(const std::filesystem::path& lockDir, std::string_view what);
    // The descriptor of `domain`'s lock if this process holds it, else -1: a child that
    // inherits it shares the lock (flock belongs to the open file).
    static int heldFd(const std::filesystem::path& lockDir, std::string_view domain);

    DomainLock(DomainLock&& other) noexcept;
    DomainLock& operator=(DomainLock&& other) noexcept;
    DomainLock(const DomainLock&) = delete;
    DomainLock& operator=(const DomainLock&) = delete;
    ~DomainLock();

private:
    static std::optional<DomainLock> lockFile(const std::filesystem::path& lockDir,
                                              const std::filesystem::path& path, bool wait);
    DomainLock(util::Fd fd, std::string path);
    void forget() noexcept;  // out of this process's table of held locks
    util::Fd fd_;
    std::string path_;  // "" once moved from
};

}  // namespace cvirt::state
