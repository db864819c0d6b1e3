// SPDX-License-Identifier: GPL-3.0-or-later
// Owner of a pty master opened on the host's /dev/ptmx (raw); the slave path becomes a
// container's /dev/console or a VM's serial port.
#pragma once

#include <string>

#include "util/fd.h"

namespace cvirt::controller {

struct Pty {
    util::Fd master;
    std::string slavePath;
    static Pty open();  // throws SystemError
};

}  // namespace cvirt::controller
