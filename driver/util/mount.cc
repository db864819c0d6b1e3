// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::util {

namespace {

void doMount(const std::string& source, const std::string& target, const std::string& shown,
             const char* fstype, unsigned long flags, const std::string& data) {
    if (::mount(source.c_str(), target.c_str(), fstype, flags,
                data.empty() ? nullptr : data.c_str()) == 0)
        return;
    if (flags & MS_BIND)
        throwSystemError(errno, "cannot bind mount '" + source + "' on '" + shown + "'");
    throwSystemError(errno, "cannot mount " + std::string(fstype ? fstype : "") + " '" + source +
                                "' on '" + shown + "'");
}

void doBind(const std::string& source, const std::string& target, const std::string& shown,
            bool recursive) {
    doMount(source, target, shown, nullptr, MS_BIND | (recursive ? MS_REC : 0), {});
}

// One component at a time, each opened with RESOLVE_IN_ROOT from the root's descriptor.
// Returns an empty Fd when the kernel has no openat2.
Fd openInRoot(const Fd& rootFd, const std::string& rel) {
    open_how how{};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    // EAGAIN: a rename or mount elsewhere on the system raced a ".." step, and the kernel
    // asks for another try.
    for (int attempt = 0;; ++attempt) {
        Fd fd(
            static_cast<int>(::syscall(SYS_openat2, rootFd.get(), rel.c_str(), &how, sizeof how)));
        if (fd || errno != EAGAIN || attempt == 1000) return fd;
    }
}

std::string realPath(const Fd& fd, const std::string& shown) {
    char buf[PATH_MAX];
    ssize_t n = ::readlink(procPath(fd).c_str(), buf, sizeof buf - 1);
    if (n < 0) throwSystemError(errno, "cannot resolve '" + shown + "'");
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

void mountFs(const std::string& source, const std::string& target, const char* fstype,
             unsigned long flags, const std::string& data) {
    doMount(source, target, target, fstype, flags, data);
}

void bindMount(const std::string& source, const std::string& target, bool recursive) {
    doBind(source, target, target, recursive);
}

void mountFs(const std::string& source, const DirInRoot& dir, const char* fstype,
             unsigned long flags, const std::string& data) {
    doMount(source, procPath(dir.fd), dir.path, fstype, flags, data);
}

void bindMount(const std::string& source, const DirInRoot& dir, bool recursive) {
    doBind(source, procPath(dir.fd), dir.path, recursive);
}

DirInRoot makeDirsInRoot(const std::string& root, const std::string& relative) {
    std::string top = root.empty() ? "/" : root;
    Fd rootFd(::open(top.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!rootFd) throwSystemError(errno, "cannot open '" + top + "'");
    Fd cur(::dup(rootFd.get()));
    if (!cur) throwSystemError(errno, "cannot open '" + top + "'");
    std::string rel;             // resolved so far, relative to the root
    std::string literal = root;  // the same, unresolved (the fallback and messages)
    size_t i = 0;
    while (i < relative.size()) {
        while (i < relative.size() && relative[i] == '/')
            ++i;
        size_t j = relative.find('/', i);
        if (j == std::string::npos) j = relative.size();
        if (j == i) break;
        std::string part = relative.substr(i, j - i);
        i = j;
        if (part == ".") continue;
        if (part == "..")
            throw Error(ErrorCode::ConfigUnsupported,
                        "path '" + relative + "' leaves the container root");
        rel += (rel.empty() ? "" : "/") + part;
        literal += "/" + part;
        Fd next = openInRoot(rootFd, rel);
        if (!next && errno == ENOENT) {
            // Made where the resolved parent is; a dangling link fails with EEXIST below.
            if (::mkdirat(cur.get(), part.c_str(), 0755) < 0 && errno != EEXIST)
                throwSystemError(errno, "cannot create '" + literal + "'");
            next = openInRoot(rootFd, rel);
        }
        if (!next && errno == ENOSYS) {
            // Before openat2: no resolving, links are refused.
            struct stat st {};
            if (::fstatat(cur.get(), part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode))
                throw Error(ErrorCode::ConfigUnsupported, "mount target '" + relative +
                                                              "' goes through a symbolic link ('" +
                                                              literal + "')");
            if (::mkdirat(cur.get(), part.c_str(), 0755) < 0 && errno != EEXIST)
                throwSystemError(errno, "cannot create '" + literal + "'");
            next = Fd(
                ::openat(cur.get(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        }
        if (!next) {
            if (errno == ENOTDIR)
                throw Error(ErrorCode::ConfigUnsupported, "'" + literal + "' is not a directory");
            if (errno == ENOENT || errno == EEXIST)
                throw Error(ErrorCode::ConfigUnsupported,
                            "mount target '" + relative + "': '" + literal +
                                "' is a symbolic link to nothing inside the root");
            throwSystemError(errno, "cannot open '" + literal + "'");
        }
        cur = std::move(next);
    }
    std::string path = realPath(cur, literal);
    return {std::move(cur), std::move(path)};
}

void remountReadOnly(const std::string& target) {
    struct statvfs sv {};
    unsigned long keep = 0;
    if (::statvfs(target.c_str(), &sv) == 0) {
        if (sv.f_flag & ST_NOSUID) keep |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV) keep |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
    }
    if (::mount("", target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | keep, nullptr) < 0)
        throwSystemError(errno, "cannot make '" + target + "' read-only");
}

void touchFile(const std::string& path, unsigned mode) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode));
    if (!fd) throwSystemError(errno, "cannot create '" + path + "'");
}

}  // namespace cvirt::util
