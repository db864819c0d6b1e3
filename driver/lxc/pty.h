// Owner of a pty master opened on the host's /dev/ptmx; the slave path is bound to the
// container's /dev/console.
#pragma once

#include <string>

#include "util/fd.h"

namespace cvirt::lxc {

struct Pty {
    util::Fd master;
    std::string slavePath;
    static Pty open();  // throws SystemError
};

}  // namespace cvirt::lxc
