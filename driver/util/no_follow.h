// SPDX-License-Identifier: GPL-3.0-or-later
// Host paths that a container may have written to, opened without following a symbolic link
// in any component: a filesystem source under a volume the container can write could have been
// replaced by a link to any host directory, to be bound at the next start.
#pragma once

#include <string>

#include "util/fd.h"

namespace cvirt::util {

// Opens the absolute `path` one component at a time from "/" (O_NOFOLLOW each), with `flags`
// for the last (O_PATH for something to bind, O_RDWR for an image). Throws ConfigUnsupported
// naming `what` ("filesystem source '/srv/a'") and the component when one is a symbolic link,
// SystemError naming the path for anything else.
Fd openNoFollow(const std::string& path, int flags, const std::string& what);

}  // namespace cvirt::util
