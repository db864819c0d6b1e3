// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/container/made_dirs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>

#include "util/fd.h"

namespace cvirt::lxc {

namespace {

std::vector<std::string> componentsOf(const std::string& path) {
    std::vector<std::string> out;
    for (size_t b = 0; b < path.size();) {
        size_t e = path.find('/', b);
        if (e == std::string::npos) e = path.size();
        std::string part = path.substr(b, e - b);
        if (!part.empty() && part != ".") out.push_back(std::move(part));
        b = e + 1;
    }
    return out;
}

// A directory below `dir`, never through a symbolic link.
util::Fd openDir(const util::Fd& dir, const std::string& name) {
    return util::Fd(
        ::openat(dir.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

}  // namespace

void MadeDirs::note(const std::string& target) {
    Made m{componentsOf(target), 0};
    util::Fd cur(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!cur) return;
    for (; m.first < m.parts.size(); ++m.first) {
        util::Fd next = openDir(cur, m.parts[m.first]);
        if (!next) {
            if (errno == ENOENT) made_.push_back(std::move(m));
            return;  // there, but a link or no directory: nothing to note
        }
        cur = std::move(next);
    }
}

MadeDirs::~MadeDirs() {
    if (kept_) return;
    for (auto it = made_.rbegin(); it != made_.rend(); ++it) {
        // Down to the deepest directory made, then up through '..' (one descriptor at a
        // time: a target may be 2,000 directories deep).
        util::Fd cur(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        size_t depth = 0;
        while (cur && depth < it->parts.size()) {
            util::Fd next = openDir(cur, it->parts[depth]);
            if (!next) break;
            cur = std::move(next);
            ++depth;
        }
        while (cur && depth > it->first) {
            // The parent first: once detached, a mount's root has none.
            util::Fd parent(::openat(cur.get(), "..", O_PATH | O_DIRECTORY | O_CLOEXEC));
            // A mount the failed start put there would keep the directory busy.
            ::umount2(util::procPath(cur).c_str(), MNT_DETACH);
            --depth;
            if (!parent || ::unlinkat(parent.get(), it->parts[depth].c_str(), AT_REMOVEDIR) < 0)
                break;  // not empty, or no longer ours: it stays
            cur = std::move(parent);
        }
    }
}

}  // namespace cvirt::lxc
