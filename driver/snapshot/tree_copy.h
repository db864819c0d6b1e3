// SPDX-License-Identifier: GPL-3.0-or-later
// Copies of directory trees, for a container's writable layers: every file copied (reflinked
// where the file system can, else copy_file_range in the kernel), owners, modes, times,
// extended attributes (file capabilities) and device nodes kept, hard links inside the tree
// kept as hard links, symlinks copied as links (never followed), other mounts not entered.
#pragma once

#include <cstdint>
#include <filesystem>

namespace cvirt::snapshot {

namespace fs = std::filesystem;

struct CopyStats {
    uint64_t files = 0, bytes = 0, reflinked = 0;
};

// `to` must not exist; it is created with `from`'s mode and owner. Throws SystemError naming
// the path; what was copied so far stays (the caller removes `to`).
CopyStats copyTree(const fs::path& from, const fs::path& to);

// `dir`'s contents replaced by a copy of `from`'s, under the same path: a copy made beside
// `dir` is swapped in with one renameat2(RENAME_EXCHANGE), so a crash leaves the old tree or
// the new one whole, and the old tree is removed after. Where the two cannot be swapped
// (`dir` is a mount point), it is emptied and filled in place.
CopyStats replaceTree(const fs::path& from, const fs::path& dir);

}  // namespace cvirt::snapshot
