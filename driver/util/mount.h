// SPDX-License-Identifier: GPL-3.0-or-later
// mount(2) wrappers whose errors name source and target.
#pragma once

#include <string>

#include "util/fd.h"

namespace cvirt::util {

// A directory inside a new root, made as needed, every component of it (symbolic links too)
// resolved as if `root` were `/` (openat2 RESOLVE_IN_ROOT): a link in the root's tree can
// never lead a mount outside it. Without openat2 (before Linux 5.6) a symlinked component
// is refused instead.
struct DirInRoot {
    Fd fd;             // O_PATH, what the mount goes on
    std::string path;  // where that is on the host, for messages and later remounts
};
DirInRoot makeDirsInRoot(const std::string& root, const std::string& relative);

void mountFs(const std::string& source, const std::string& target, const char* fstype,
             unsigned long flags, const std::string& data = {});
void bindMount(const std::string& source, const std::string& target, bool recursive = true);
// The same on a directory held open: the kernel mounts on what the descriptor names, so no
// component can be swapped for a link in between; messages name `dir.path`.
void mountFs(const std::string& source, const DirInRoot& dir, const char* fstype,
             unsigned long flags, const std::string& data = {});
void bindMount(const std::string& source, const DirInRoot& dir, bool recursive = true);
// Remounts an existing bind mount read-only, keeping nosuid/nodev/noexec it already had.
void remountReadOnly(const std::string& target);
// Creates an empty regular file (bind-mount target) if nothing exists at `path`.
void touchFile(const std::string& path, unsigned mode = 0644);

}  // namespace cvirt::util
