// SPDX-License-Identifier: GPL-3.0-or-later
// Work done inside a running container's mount namespace (attach-device, detach-device of
// filesystems and host devices): a child process joins the mount namespace of the container's
// init, where its root and paths are the container's, and runs the work there.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace cvirt::lxc {

// Runs `work` in a child that joined the mount namespace of `initPid` (whose root is then the
// container's root). Descriptors opened before the call (open_tree clones) are usable in it.
// Throws the Error `work` threw, with its code and message; OperationInvalid naming
// `domain` when init is gone.
void runInMountNamespace(pid_t initPid, const std::string& domain,
                         const std::function<void()>& work);

}  // namespace cvirt::lxc
