// Per-domain exclusive lock (flock on <lockDir>/<name>.lock). Mutating calls take it for the
// whole lock → load → check → act → persist sequence; readers never lock. Released by the
// destructor, and by the kernel if the process dies.
#pragma once

#include <filesystem>
#include <string_view>

#include "util/fd.h"

namespace cvirt::state {

class DomainLock {
public:
    // Blocks until the lock is held. Throws SystemError naming the lock file.
    static DomainLock acquire(const std::filesystem::path& lockDir, std::string_view domain);
    // The driver's own lock `lockDir`/.`what`.lock (a name no domain can have), e.g. "id".
    static DomainLock acquireDriver(const std::filesystem::path& lockDir, std::string_view what);
    DomainLock(DomainLock&&) noexcept = default;
    DomainLock& operator=(DomainLock&&) noexcept = default;

private:
    static DomainLock lockFile(const std::filesystem::path& lockDir,
                               const std::filesystem::path& path);
    explicit DomainLock(util::Fd fd) : fd_(std::move(fd)) {}
    util::Fd fd_;
};

}  // namespace cvirt::state
