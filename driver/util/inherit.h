// SPDX-License-Identifier: GPL-3.0-or-later
// What a new program inherits from its parent: nothing but the descriptors meant to pass.
// A descriptor the caller left open (`cvirsh start 7</some/host/dir`) would otherwise reach
// the controller and then a container's init, where /proc/1/fd/7/.. walks the host.
#pragma once

#include <initializer_list>
#include <string>

#include "util/fd.h"

namespace cvirt::util {

// Closes every descriptor numbered `first` or above except those in `keep`. Safe between
// fork and exec (close_range(2), no allocation); never fails.
void closeFdsFrom(int first, std::initializer_list<int> keep = {}) noexcept;

// Marks every descriptor numbered `first` or above close-on-exec: whatever a process opened
// without O_CLOEXEC ends at its next execve. Safe between fork and exec; never fails.
void cloexecFdsFrom(int first) noexcept;

// An O_PATH descriptor of the executable `path` on a private, detached, read-only bind mount
// of it (open_tree + mount_setattr). A process started from it (execveat AT_EMPTY_PATH) has a
// /proc/PID/exe that cannot be opened for writing, so nothing that can see the process (a
// container it runs in) can rewrite the host's binary through it. Throws naming the path.
Fd openExecutableReadOnly(const std::string& path);

}  // namespace cvirt::util
