// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::util {

namespace {

// What a reader knows of the file before it opens it.
enum class Kind {
    Any,     // a state file, or anything
    Record,  // one kernel record (readKernelFileIfExists)
};

std::optional<std::string> readImpl(const fs::path& path, bool missingOk, Kind kind = Kind::Any) {
    // A /proc/PID file of a process that exits meanwhile fails with ESRCH: gone, like ENOENT.
    auto gone = [&] { return missingOk && (errno == ENOENT || errno == ESRCH); };
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (gone()) return std::nullopt;
        throwSystemError(errno, "cannot read '" + path.string() + "'");
    }
    std::string data;
    struct stat st {};
    // A regular file is read to the size it had when opened, without a last read to find its
    // end (state files are replaced by rename, never changed in place); /proc and /sys files
    // report no true size and are read to their end.
    // A kernel record needs neither: a read that does not fill the buffer returned all of it.
    size_t size =
        kind == Kind::Any && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
            ? static_cast<size_t>(st.st_size)
            : 0;
    data.reserve(size);
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (gone()) return std::nullopt;
            throwSystemError(errno, "cannot read '" + path.string() + "'");
        }
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
        if (size && data.size() >= size) break;
        if (kind == Kind::Record && static_cast<size_t>(n) < sizeof buf) break;
    }
    return data;
}

void writeAll(int fd, std::string_view data, const fs::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throwSystemError(errno, "cannot write '" + path.string() + "'");
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

std::string readFile(const fs::path& path) {
    return *readImpl(path, false);
}

std::optional<std::string> readFileIfExists(const fs::path& path) {
    return readImpl(path, true);
}

std::optional<std::string> readKernelFileIfExists(const fs::path& path) {
    return readImpl(path, true, Kind::Record);
}

std::optional<std::string> readFileHead(const fs::path& path, size_t max) {
    return readFileHead(AT_FDCWD, path, max);
}

std::optional<std::string> readFileHead(int dirFd, const fs::path& path, size_t max) {
    Fd fd(::openat(dirFd, path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throwSystemError(errno, "cannot read '" + path.string() + "'");
    }
    std::string data(max, '\0');
    ssize_t n;
    do
        n = ::read(fd.get(), data.data(), max);
    while (n < 0 && errno == EINTR);
    if (n < 0) throwSystemError(errno, "cannot read '" + path.string() + "'");
    data.resize(static_cast<size_t>(n));
    return data;
}

void fsyncDir(const fs::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) < 0)
        throwSystemError(errno, "cannot sync directory '" + dir.string() + "'");
}

StagedFile::StagedFile(fs::path path, std::string_view data, unsigned mode, bool durable)
    : path_(std::move(path)), durable_(durable) {
    fs::path dir = path_.parent_path();
    if (dir.empty()) dir = ".";
    std::string tmpl = (dir / ("." + path_.filename().string() + ".XXXXXX")).string();
    int raw = ::mkostemp(tmpl.data(), O_CLOEXEC);
    if (raw < 0)
        throwSystemError(errno, "cannot create a temporary file in '" + dir.string() + "'");
    Fd fd(raw);
    try {
        if (::fchmod(fd.get(), mode) < 0) throwSystemError(errno, "cannot chmod '" + tmpl + "'");
        writeAll(fd.get(), data, tmpl);
        if (durable && ::fsync(fd.get()) < 0) throwSystemError(errno, "cannot sync '" + tmpl + "'");
    } catch (...) {
        ::unlink(tmpl.c_str());
        throw;
    }
    tmp_ = std::move(tmpl);
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : path_(std::move(other.path_)),
      tmp_(std::exchange(other.tmp_, {})),
      durable_(other.durable_) {}

StagedFile::~StagedFile() {
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
}

void StagedFile::commit() {
    if (::rename(tmp_.c_str(), path_.c_str()) < 0)
        throwSystemError(errno, "cannot rename '" + tmp_ + "' to '" + path_.string() + "'");
    tmp_.clear();
    if (durable_) fsyncDir(path_.parent_path().empty() ? fs::path(".") : path_.parent_path());
}

void writeFileAtomic(const fs::path& path, std::string_view data, unsigned mode) {
    StagedFile(path, data, mode, true).commit();
}

void writeFileReplace(const fs::path& path, std::string_view data, unsigned mode) {
    StagedFile(path, data, mode, false).commit();
}

void makeDirs(const fs::path& dir, unsigned mode) {
    if (dir.empty()) return;
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            throw Error(ErrorCode::OperationFailed, "'" + dir.string() + "' is not a directory");
        return;
    }
    makeDirs(dir.parent_path() == dir ? fs::path{} : dir.parent_path(), mode);
    if (::mkdir(dir.c_str(), mode) < 0 && errno != EEXIST)
        throwSystemError(errno, "cannot create directory '" + dir.string() + "'");
}

bool removeFile(const fs::path& path) {
    if (::unlink(path.c_str()) == 0) return true;
    if (errno == ENOENT) return false;
    throwSystemError(errno, "cannot remove '" + path.string() + "'");
}

}  // namespace cvirt::util
