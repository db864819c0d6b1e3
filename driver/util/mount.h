// mount(2) wrappers whose errors name source and target.
#pragma once

#include <string>

namespace cvirt::util {

void mountFs(const std::string& source, const std::string& target, const char* fstype,
             unsigned long flags, const std::string& data = {});
void bindMount(const std::string& source, const std::string& target, bool recursive = true);
// Remounts an existing bind mount read-only, keeping nosuid/nodev/noexec it already had.
void remountReadOnly(const std::string& target);
// mkdir -p for a path that must exist inside a new root; refuses symlinked components so a
// target can never lead outside `root`.
void makeDirsInRoot(const std::string& root, const std::string& relative);
// Creates an empty regular file (bind-mount target) if nothing exists at `path`.
void touchFile(const std::string& path, unsigned mode = 0644);

}  // namespace cvirt::util
