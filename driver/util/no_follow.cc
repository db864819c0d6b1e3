// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/no_follow.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "cvirt/error.h"

namespace cvirt::util {

namespace {

[[noreturn]] void refuseLink(const std::string& what, const std::string& path,
                             const std::string& link) {
    throw Error(ErrorCode::ConfigUnsupported,
                (link == path ? what : what + ": '" + link + "'") +
                    " is a symbolic link (not followed: a container could have planted it; name "
                    "the path it leads to)");
}

}  // namespace

Fd openNoFollow(const std::string& path, int flags, const std::string& what) {
    if (path.empty() || path[0] != '/')
        throw Error(ErrorCode::ConfigUnsupported, what + ": not an absolute path");
    Fd cur(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!cur) throwSystemError(errno, "cannot open '/'");
    std::string walked;  // the components opened so far, for messages
    size_t i = 0;
    while (true) {
        while (i < path.size() && path[i] == '/')
            ++i;
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        std::string part = path.substr(i, j - i);
        i = j;
        size_t rest = path.find_first_not_of('/', i);
        bool last = rest == std::string::npos;
        if (part.empty() || part == ".") {
            if (!last) continue;
            part.assign(1, '.');  // "/" itself, or a path ending in "/."
        } else {
            walked.append("/").append(part);  // not "/" + part: GCC 12 -Wrestrict false positive
        }
        // O_PATH|O_NOFOLLOW opens a link itself rather than where it leads, so the check
        // below sees what was opened: no window for a swap between a look and the open.
        int how = last && !(flags & O_PATH) ? flags | O_NOFOLLOW | O_CLOEXEC
                                            : O_PATH | O_NOFOLLOW | O_CLOEXEC;
        Fd next(::openat(cur.get(), part.c_str(), how));
        if (!next) {
            if (errno == ELOOP) refuseLink(what, path, walked);
            throwSystemError(errno, what + ": cannot open '" + walked + "'");
        }
        struct stat st {};
        if (::fstat(next.get(), &st) < 0) throwSystemError(errno, "cannot stat '" + walked + "'");
        if (S_ISLNK(st.st_mode)) refuseLink(what, path, walked);
        if (!last && !S_ISDIR(st.st_mode))
            throwSystemError(ENOTDIR, what + ": cannot open '" + walked + "'");
        cur = std::move(next);
        if (last) break;
    }
    if ((flags & O_DIRECTORY)) {
        struct stat st {};
        if (::fstat(cur.get(), &st) == 0 && !S_ISDIR(st.st_mode))
            throwSystemError(ENOTDIR, what + ": cannot open '" + path + "'");
    }
    return cur;
}

}  // namespace cvirt::util
