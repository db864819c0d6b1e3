// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/import/extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <set>

#include "cvirt/error.h"
#include "storage/archive_path.h"
#include "util/fd.h"

namespace cvirt::storage::import {

namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

ArchivePtr openArchive(const std::string& path) {
    ArchivePtr a(archive_read_new(), archive_read_free);
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
        throw Error(ErrorCode::OperationFailed,
                    "cannot read archive '" + path + "': " + archive_error_string(a.get()));
    return a;
}

[[noreturn]] void streamError(archive* a, const std::string& path, const std::string& member) {
    const char* why = archive_error_string(a);
    throw Error(ErrorCode::OperationFailed,
                "archive '" + path + "' is truncated or corrupt" +
                    (member.empty() ? "" : " at member '" + member + "'") + ": " +
                    (why ? why : "read error"));
}

std::string joined(const std::vector<std::string>& parts, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i)
        s += (i ? "/" : "") + parts[i];
    return s.empty() ? "." : s;
}

// The names in the open directory `dir` (but "." and "..").
std::vector<std::string> entriesOf(int dir) {
    std::vector<std::string> names;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(::fcntl(dir, F_DUPFD_CLOEXEC, 3)),
                                          ::closedir);
    if (!d) throwSystemError(errno, "cannot read a directory");
    ::rewinddir(d.get());
    while (dirent* e = ::readdir(d.get())) {
        std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    return names;
}

// Removes `name` in directory `dir`, a whole tree when it is a directory, following no link.
void removeAt(int dir, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) return;
    if (S_ISDIR(st.st_mode)) {
        util::Fd sub(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub) {
            for (const auto& n : entriesOf(sub.get()))
                removeAt(sub.get(), n);
        }
        if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) < 0)
            throwSystemError(errno, "cannot remove '" + name + "'");
        return;
    }
    if (::unlinkat(dir, name.c_str(), 0) < 0)
        throwSystemError(errno, "cannot remove '" + name + "'");
}

class Extractor {
public:
    Extractor(int root, const std::string& path, const ExtractOptions& opts)
        : root_(root), path_(path), opts_(opts) {}

    void run() {
        ArchivePtr a = openArchive(path_);
        archive_entry* e = nullptr;
        for (;;) {
            int r = archive_read_next_header(a.get(), &e);
            if (r == ARCHIVE_EOF) break;
            if (r < ARCHIVE_WARN) streamError(a.get(), path_, "");
            member_ = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
            one(a.get(), e);
        }
    }

private:
    [[noreturn]] void refuse(const std::string& why) const {
        throw Error(ErrorCode::InvalidArg,
                    "archive '" + path_ + "': member '" + member_ + "' " + why);
    }

    // The directory holding parts[0..n), made where missing (0755), entered without
    // following a link.
    util::Fd enter(const std::vector<std::string>& parts, size_t n, bool create = true) {
        util::Fd dir(::fcntl(root_, F_DUPFD_CLOEXEC, 3));
        for (size_t i = 0; i < n; ++i) {
            const char* c = parts[i].c_str();
            util::Fd next(::openat(dir.get(), c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!next && errno == ENOENT && create) {
                if (::mkdirat(dir.get(), c, 0755) < 0 && errno != EEXIST)
                    throwSystemError(errno, "cannot create '" + joined(parts, i + 1) + "'");
                created_.insert(joined(parts, i + 1));
                next.reset(::openat(dir.get(), c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            }
            if (!next) {
                if (errno == ELOOP || errno == ENOTDIR)
                    refuse("goes through '" + joined(parts, i + 1) +
                           "', which is not a directory (a link?)");
                throwSystemError(errno, "cannot open '" + joined(parts, i + 1) + "'");
            }
            dir = std::move(next);
        }
        return dir;
    }

    void owner(int dir, const std::string& name, archive_entry* e, bool link) {
        if (::fchownat(dir, name.c_str(), static_cast<uid_t>(archive_entry_uid(e)),
                       static_cast<gid_t>(archive_entry_gid(e)), AT_SYMLINK_NOFOLLOW) < 0)
            throwSystemError(errno, "cannot set the owner of '" + member_ + "'");
        if (link) return;
        if (::fchmodat(dir, name.c_str(), archive_entry_perm(e), 0) < 0)
            throwSystemError(errno, "cannot set the mode of '" + member_ + "'");
        timespec t[2] = {{archive_entry_mtime(e), archive_entry_mtime_nsec(e)},
                         {archive_entry_mtime(e), archive_entry_mtime_nsec(e)}};
        ::utimensat(dir, name.c_str(), t, AT_SYMLINK_NOFOLLOW);
    }

    // Whiteouts of a layer; true when `name` was one.
    bool whiteout(int dir, const std::vector<std::string>& parts, const std::string& name) {
        if (!opts_.layer || name.rfind(kWhiteoutPrefix, 0) != 0) return false;
        std::string dirPath = joined(parts, parts.size() - 1);
        if (name == kOpaqueWhiteout) {
            // what lower layers put in this directory goes; this layer's own entries stay
            for (const auto& n : entriesOf(dir))
                if (!created_.count(dirPath == "." ? n : dirPath + "/" + n)) removeAt(dir, n);
            return true;
        }
        std::string victim = name.substr(kWhiteoutPrefix.size());
        if (victim.empty() || victim == "." || victim == "..") refuse("is a bad whiteout");
        removeAt(dir, victim);
        return true;
    }

    void one(archive* a, archive_entry* e) {
        std::vector<std::string> parts;
        try {
            parts = memberPath(member_);
        } catch (const Error&) {
            refuse(member_.empty()     ? "has an empty name"
                   : member_[0] == '/' ? "has an absolute path"
                                       : "has a '..' component");
        }
        mode_t type = archive_entry_filetype(e);
        if (parts.empty()) {  // the root itself: its owner and mode
            if (type != AE_IFDIR) refuse("makes the root something else than a directory");
            owner(root_, ".", e, false);
            return;
        }
        util::Fd dir = enter(parts, parts.size() - 1);
        const std::string& name = parts.back();
        std::string full = joined(parts, parts.size());
        if (whiteout(dir.get(), parts, name)) return;
        const char* hardlink = archive_entry_hardlink(e);
        if (hardlink) {
            std::vector<std::string> target;
            try {
                target = memberPath(hardlink);
            } catch (const Error&) {
                refuse("is a hard link to '" + std::string(hardlink) + "', outside the volume");
            }
            if (target.empty()) refuse("is a hard link to the root");
            util::Fd tdir = enter(target, target.size() - 1, false);
            struct stat st {};
            if (::fstatat(tdir.get(), target.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
                S_ISDIR(st.st_mode))
                refuse("is a hard link to '" + std::string(hardlink) +
                       "', which is no file of the volume");
            removeAt(dir.get(), name);
            if (::linkat(tdir.get(), target.back().c_str(), dir.get(), name.c_str(), 0) < 0)
                throwSystemError(errno, "cannot link '" + member_ + "'");
            created_.insert(full);
            return;
        }
        struct stat existing {};
        bool exists = ::fstatat(dir.get(), name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
        switch (type) {
            case AE_IFDIR:
                if (exists && !S_ISDIR(existing.st_mode)) removeAt(dir.get(), name), exists = false;
                if (!exists && ::mkdirat(dir.get(), name.c_str(), 0700) < 0)
                    throwSystemError(errno, "cannot create '" + member_ + "'");
                owner(dir.get(), name, e, false);
                break;
            case AE_IFREG: {
                if (exists) removeAt(dir.get(), name);
                util::Fd f(::openat(dir.get(), name.c_str(),
                                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
                if (!f) throwSystemError(errno, "cannot create '" + member_ + "'");
                const void* buf = nullptr;
                size_t size = 0;
                la_int64_t offset = 0;
                for (;;) {
                    int r = archive_read_data_block(a, &buf, &size, &offset);
                    if (r == ARCHIVE_EOF) break;
                    if (r < ARCHIVE_WARN) streamError(a, path_, member_);
                    for (size_t done = 0; done < size;) {
                        ssize_t w = ::pwrite(f.get(), static_cast<const char*>(buf) + done,
                                             size - done, static_cast<off_t>(offset + done));
                        if (w < 0) throwSystemError(errno, "cannot write '" + member_ + "'");
                        done += static_cast<size_t>(w);
                    }
                }
                if (::ftruncate(f.get(), archive_entry_size(e)) < 0)
                    throwSystemError(errno, "cannot size '" + member_ + "'");
                owner(dir.get(), name, e, false);
                break;
            }
            case AE_IFLNK: {
                const char* target = archive_entry_symlink(e);
                if (!target || !linkStaysInside(parts, target))
                    refuse("is a link to '" + std::string(target ? target : "") +
                           "', outside the volume");
                if (exists) removeAt(dir.get(), name);
                if (::symlinkat(target, dir.get(), name.c_str()) < 0)
                    throwSystemError(errno, "cannot create link '" + member_ + "'");
                owner(dir.get(), name, e, true);
                break;
            }
            case AE_IFIFO:
                if (exists) removeAt(dir.get(), name);
                if (::mknodat(dir.get(), name.c_str(), S_IFIFO | 0600, 0) < 0)
                    throwSystemError(errno, "cannot create '" + member_ + "'");
                owner(dir.get(), name, e, false);
                break;
            case AE_IFCHR:
            case AE_IFBLK:
                refuse("is a device node (a container gets its own /dev)");
            default:
                refuse("is of a type that cannot be imported");
        }
        created_.insert(full);
    }

    int root_;
    std::string path_;
    ExtractOptions opts_;
    std::string member_;
    std::set<std::string> created_;  // by this archive: an opaque whiteout keeps them
};

}  // namespace

void extractArchive(const std::string& archive, int root, const ExtractOptions& opts) {
    Extractor(root, archive, opts).run();
}

std::vector<std::string> memberNames(const std::string& path) {
    ArchivePtr a = openArchive(path);
    archive_entry* e = nullptr;
    std::vector<std::string> out;
    for (;;) {
        int r = archive_read_next_header(a.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) streamError(a.get(), path, "");
        std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
        while (name.rfind("./", 0) == 0)
            name = name.substr(2);
        out.push_back(name);
        if (archive_read_data_skip(a.get()) < ARCHIVE_WARN) streamError(a.get(), path, name);
    }
    return out;
}

}  // namespace cvirt::storage::import
