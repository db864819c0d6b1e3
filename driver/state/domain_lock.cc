#include "state/domain_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

#include "cvirt/error.h"
#include "state/uri.h"
#include "util/file.h"

namespace cvirt::state {

DomainLock DomainLock::acquire(const std::filesystem::path& lockDir, std::string_view domain) {
    return lockFile(lockDir, entryPath(lockDir, domain, ".lock"));
}

DomainLock DomainLock::acquireDriver(const std::filesystem::path& lockDir, std::string_view what) {
    return lockFile(
        lockDir,
        entryPath(lockDir, what, ".lock").replace_filename("." + std::string(what) + ".lock"));
}

DomainLock DomainLock::lockFile(const std::filesystem::path& lockDir,
                                const std::filesystem::path& path) {
    util::makeDirs(lockDir, 0700);
    util::Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throwSystemError(errno, "cannot open lock file '" + path.string() + "'");
    while (::flock(fd.get(), LOCK_EX) < 0) {
        if (errno != EINTR) throwSystemError(errno, "cannot lock '" + path.string() + "'");
    }
    return DomainLock(std::move(fd));
}

}  // namespace cvirt::state
