// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/inherit.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "cvirt/error.h"

namespace cvirt::util {

namespace {

bool closeRange(unsigned first, unsigned last, unsigned flags) noexcept {
    return ::syscall(SYS_close_range, first, last, flags) == 0;
}

// Kernels without close_range (before 5.9; CLOSE_RANGE_CLOEXEC before 5.11): one call per
// descriptor the limit allows. Slow, but only there.
void eachFdFrom(int first, int last, bool cloexec) noexcept {
    long max = ::sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = first; fd <= last && fd < max; ++fd)
        cloexec ? ::fcntl(fd, F_SETFD, FD_CLOEXEC) : ::close(fd);
}

}  // namespace

void closeFdsFrom(int first, std::initializer_list<int> keep) noexcept {
    // keep, sorted, without duplicates or numbers below `first`; at most a handful
    int kept[8];
    int n = 0;
    for (int fd : keep) {
        if (fd < first || n == 8 || std::find(kept, kept + n, fd) != kept + n) continue;
        int i = n++;
        for (; i > 0 && kept[i - 1] > fd; --i)  // insertion: a handful at most
            kept[i] = kept[i - 1];
        kept[i] = fd;
    }
    int from = first;
    for (int i = 0; i <= n; ++i) {
        int to = i < n ? kept[i] - 1 : INT_MAX;
        if (from <= to && !closeRange(static_cast<unsigned>(from), static_cast<unsigned>(to), 0))
            eachFdFrom(from, to, false);
        if (i < n) from = kept[i] + 1;
    }
}

void cloexecFdsFrom(int first) noexcept {
    if (!closeRange(static_cast<unsigned>(first), ~0U, CLOSE_RANGE_CLOEXEC))
        eachFdFrom(first, INT_MAX, true);
}

Fd openExecutableReadOnly(const std::string& path) {
    Fd tree(static_cast<int>(
        ::syscall(SYS_open_tree, AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
    if (!tree) throwSystemError(errno, "cannot make a private mount of '" + path + "'");
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        throwSystemError(errno, "cannot make the private mount of '" + path + "' read-only");
    return tree;
}

}  // namespace cvirt::util
