// SPDX-License-Identifier: GPL-3.0-or-later
#include "snapshot/tree_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::snapshot {

namespace {

class Copier {
public:
    CopyStats stats;

    void copyDir(int fromDir, int toDir, const fs::path& where) {
        DIR* d = ::fdopendir(::dup(fromDir));
        if (!d) throwSystemError(errno, "cannot read directory '" + where.string() + "'");
        std::vector<std::string> names;
        while (dirent* e = ::readdir(d)) {
            std::string_view n = e->d_name;
            if (n != "." && n != "..") names.emplace_back(n);
        }
        ::closedir(d);
        for (const std::string& n : names)
            copyEntry(fromDir, toDir, n, where / n);
    }

    void copyEntry(int fromDir, int toDir, const std::string& name, const fs::path& where) {
        struct stat st {};
        if (::fstatat(fromDir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
            throwSystemError(errno, "cannot stat '" + where.string() + "'");
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
            auto key = std::pair(st.st_dev, st.st_ino);
            if (auto it = links_.find(key); it != links_.end()) {
                if (::linkat(rootTo_, it->second.c_str(), toDir, name.c_str(), 0) < 0)
                    throwSystemError(errno, "cannot link '" + where.string() + "'");
                return;
            }
            links_[key] = fs::relative(where, rootFrom_).string();
        }
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != dev_) {  // another mount: its mount point only
                if (::mkdirat(toDir, name.c_str(), 0700) < 0)
                    throwSystemError(errno, "cannot create directory '" + where.string() + "'");
                util::Fd to(::openat(toDir, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
                setAttrs(to.get(), st, where);
                return;
            }
            util::Fd from(
                ::openat(fromDir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (from.get() < 0) throwSystemError(errno, "cannot open '" + where.string() + "'");
            if (::mkdirat(toDir, name.c_str(), 0700) < 0)
                throwSystemError(errno, "cannot create directory '" + where.string() + "'");
            util::Fd to(::openat(toDir, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (to.get() < 0)
                throwSystemError(errno, "cannot open copy of '" + where.string() + "'");
            copyDir(from.get(), to.get(), where);
            copyXattrs(from.get(), to.get(), where);
            setAttrs(to.get(), st, where);
        } else if (S_ISREG(st.st_mode)) {
            copyFile(fromDir, toDir, name, st, where);
        } else if (S_ISLNK(st.st_mode)) {
            std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
            ssize_t n = ::readlinkat(fromDir, name.c_str(), target.data(), target.size());
            if (n < 0) throwSystemError(errno, "cannot read link '" + where.string() + "'");
            target.resize(static_cast<size_t>(n));
            if (::symlinkat(target.c_str(), toDir, name.c_str()) < 0)
                throwSystemError(errno, "cannot create link '" + where.string() + "'");
            ::fchownat(toDir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
            timespec times[2] = {st.st_atim, st.st_mtim};
            ::utimensat(toDir, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
        } else {
            if (::mknodat(toDir, name.c_str(), st.st_mode, st.st_rdev) < 0)
                throwSystemError(errno, "cannot create node '" + where.string() + "'");
            ::fchownat(toDir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
            ::fchmodat(toDir, name.c_str(), st.st_mode & 07777, 0);
            timespec times[2] = {st.st_atim, st.st_mtim};
            ::utimensat(toDir, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
        }
    }

    void copyFile(int fromDir, int toDir, const std::string& name, const struct stat& st,
                  const fs::path& where) {
        util::Fd from(::openat(fromDir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (from.get() < 0) throwSystemError(errno, "cannot open '" + where.string() + "'");
        util::Fd to(::openat(toDir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (to.get() < 0) throwSystemError(errno, "cannot create copy of '" + where.string() + "'");
        ++stats.files;
        stats.bytes += static_cast<uint64_t>(st.st_size);
        if (st.st_size > 0 && tryReflink_ && ::ioctl(to.get(), FICLONE, from.get()) == 0) {
            ++stats.reflinked;
        } else {
            if (st.st_size > 0) tryReflink_ = false;  // one refusal: the file system has none
            off_t left = st.st_size;
            while (left > 0) {
                ssize_t n = ::copy_file_range(from.get(), nullptr, to.get(), nullptr,
                                              static_cast<size_t>(left), 0);
                if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL)) {
                    readWrite(from.get(), to.get(), where);
                    break;
                }
                if (n < 0) throwSystemError(errno, "cannot copy '" + where.string() + "'");
                if (n == 0) break;  // shrank meanwhile
                left -= n;
            }
        }
        copyXattrs(from.get(), to.get(), where);
        setAttrs(to.get(), st, where);
    }

    static void readWrite(int from, int to, const fs::path& where) {
        char buf[1 << 16];
        ::lseek(from, 0, SEEK_SET);
        ::ftruncate(to, 0);
        ::lseek(to, 0, SEEK_SET);
        for (;;) {
            ssize_t n = ::read(from, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throwSystemError(errno, "cannot read '" + where.string() + "'");
            if (n == 0) return;
            for (ssize_t off = 0; off < n;) {
                ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
                if (w < 0 && errno == EINTR) continue;
                if (w < 0) throwSystemError(errno, "cannot write copy of '" + where.string() + "'");
                off += w;
            }
        }
    }

    static void copyXattrs(int from, int to, const fs::path& where) {
        ssize_t len = ::flistxattr(from, nullptr, 0);
        if (len <= 0) return;
        std::string names(static_cast<size_t>(len), '\0');
        len = ::flistxattr(from, names.data(), names.size());
        if (len <= 0) return;
        names.resize(static_cast<size_t>(len));
        for (size_t at = 0; at < names.size();) {
            std::string name = names.c_str() + at;
            at += name.size() + 1;
            ssize_t vlen = ::fgetxattr(from, name.c_str(), nullptr, 0);
            if (vlen < 0) continue;
            std::string value(static_cast<size_t>(vlen), '\0');
            vlen = ::fgetxattr(from, name.c_str(), value.data(), value.size());
            if (vlen < 0) continue;
            if (::fsetxattr(to, name.c_str(), value.data(), static_cast<size_t>(vlen), 0) < 0 &&
                errno != ENOTSUP && errno != EPERM)
                throwSystemError(
                    errno, "cannot copy attribute '" + name + "' of '" + where.string() + "'");
        }
    }

    static void setAttrs(int fd, const struct stat& st, const fs::path& where) {
        if (::fchown(fd, st.st_uid, st.st_gid) < 0)
            throwSystemError(errno, "cannot set the owner of the copy of '" + where.string() + "'");
        // after chown, which clears set-id bits
        if (::fchmod(fd, st.st_mode & 07777) < 0)
            throwSystemError(errno, "cannot set the mode of the copy of '" + where.string() + "'");
        timespec times[2] = {st.st_atim, st.st_mtim};
        ::futimens(fd, times);
    }

    CopyStats run(const fs::path& from, const fs::path& to) {
        rootFrom_ = from;
        util::Fd src(::open(from.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (src.get() < 0) throwSystemError(errno, "cannot open '" + from.string() + "'");
        struct stat st {};
        if (::fstat(src.get(), &st) < 0)
            throwSystemError(errno, "cannot stat '" + from.string() + "'");
        dev_ = st.st_dev;
        if (::mkdir(to.c_str(), 0700) < 0 && errno != EEXIST)
            throwSystemError(errno, "cannot create directory '" + to.string() + "'");
        util::Fd dst(::open(to.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dst.get() < 0) throwSystemError(errno, "cannot open '" + to.string() + "'");
        rootTo_ = dst.get();
        copyDir(src.get(), dst.get(), from);
        copyXattrs(src.get(), dst.get(), from);
        setAttrs(dst.get(), st, from);
        return stats;
    }

private:
    fs::path rootFrom_;
    int rootTo_ = -1;
    dev_t dev_ = 0;
    bool tryReflink_ = true;
    std::map<std::pair<dev_t, ino_t>, std::string> links_;  // first copy of each hard link
};

void removeContents(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        fs::remove_all(e.path(), ec);
        if (ec) throwSystemError(ec.value(), "cannot remove '" + e.path().string() + "'");
    }
    if (ec) throwSystemError(ec.value(), "cannot read directory '" + dir.string() + "'");
}

}  // namespace

CopyStats copyTree(const fs::path& from, const fs::path& to) {
    if (fs::exists(fs::symlink_status(to)))
        throwSystemError(EEXIST, "cannot copy into '" + to.string() + "'");
    return Copier().run(from, to);
}

CopyStats replaceTree(const fs::path& from, const fs::path& dir) {
    fs::path target = dir.lexically_normal();
    if (!target.has_filename()) target = target.parent_path();
    fs::path sibling = target.parent_path() / ("." + target.filename().string() + ".cvirt-revert");
    std::error_code ec;
    fs::remove_all(sibling, ec);  // left by a revert that died
    CopyStats stats;
    bool swapped = false;
    try {
        stats = Copier().run(from, sibling);
        if (::renameat2(AT_FDCWD, sibling.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0)
            swapped = true;
        else if (errno != EBUSY && errno != EXDEV && errno != EINVAL)
            throwSystemError(errno,
                             "cannot put the reverted tree in place of '" + target.string() + "'");
    } catch (const Error&) {
        fs::remove_all(sibling, ec);
        throw;
    }
    fs::remove_all(sibling, ec);  // the old tree, or the unused copy
    if (swapped) return stats;
    // a mount point: emptied and filled in place
    removeContents(target);
    return Copier().run(from, target);
}

}  // namespace cvirt::snapshot
