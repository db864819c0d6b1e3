// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-file reads and crash-safe writes. Every error names the path.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cvirt::util {

namespace fs = std::filesystem;

// Throws SystemError naming the path.
std::string readFile(const fs::path& path);
// std::nullopt when the file does not exist (or is a /proc file of a process that exited
// while it was read: ESRCH); other failures throw.
std::optional<std::string> readFileIfExists(const fs::path& path);
// The same for a small /proc or /sys file of one record (a cgroup counter, /proc/PID/stat):
// open, one read, close. The kernel hands such a record over whole in the first read when it
// fits the buffer, so a short read is its end; a longer file is read on to its end.
std::optional<std::string> readKernelFileIfExists(const fs::path& path);
// The first `max` bytes of a file (all of it when shorter): open, one read, close; what a
// caller that needs only a file's head pays (a listing reads each live XML's id so).
// std::nullopt when the file does not exist; other failures throw.
std::optional<std::string> readFileHead(const fs::path& path, size_t max);
// The same for `path` relative to the directory open at `dirFd` (openat(2)): a reader of many
// files of one directory spares the kernel the walk down to it each time.
std::optional<std::string> readFileHead(int dirFd, const fs::path& path, size_t max);

// Writes a sibling temp file, fsyncs it, renames it over `path` and fsyncs the directory:
// a crash leaves either the old or the new content, never a torn file.
void writeFileAtomic(const fs::path& path, std::string_view data, unsigned mode = 0600);
// The same rename-over without fsync, for runtime state under /run (tmpfs on a real host):
// readers never see a torn file, and nothing of it needs to survive a host crash.
void writeFileReplace(const fs::path& path, std::string_view data, unsigned mode = 0600);

// A replacement of `path` written ahead: the step that needs space (the temporary file) is
// done, and can fail, before anything is changed; commit() then puts it in place with a
// rename, which needs none. Dropped without commit, the temporary file is removed and `path`
// stays as it was. So a change of kernel state and of its record can be both or neither:
// stage the record, change the kernel, commit (or let the staged file go).
class StagedFile {
public:
    // Throws, naming the directory or the temporary file, with nothing left behind.
    StagedFile(fs::path path, std::string_view data, unsigned mode = 0600, bool durable = false);
    StagedFile(StagedFile&& other) noexcept;
    StagedFile& operator=(StagedFile&&) = delete;
    StagedFile(const StagedFile&) = delete;
    ~StagedFile();
    // The rename (and, if durable, the directory sync). Throws naming both paths.
    void commit();

private:
    fs::path path_;
    std::string tmp_;  // "" once committed or moved from
    bool durable_;
};

// mkdir -p with the given mode for directories it creates.
void makeDirs(const fs::path& dir, unsigned mode = 0755);

// unlink; a missing file is not an error. Returns whether something was removed.
bool removeFile(const fs::path& path);

void fsyncDir(const fs::path& dir);

}  // namespace cvirt::util
