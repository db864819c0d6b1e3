// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/pty.h"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>

#include <cerrno>

#include "cvirt/error.h"

namespace cvirt::controller {

Pty Pty::open() {
    Pty p;
    p.master.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!p.master) throwSystemError(errno, "cannot open a console pty");
    if (::grantpt(p.master.get()) < 0 || ::unlockpt(p.master.get()) < 0)
        throwSystemError(errno, "cannot unlock the console pty");
    char name[128];
    if (::ptsname_r(p.master.get(), name, sizeof name) != 0)
        throwSystemError(errno, "cannot name the console pty");
    p.slavePath = name;
    // Raw on the master side: bytes pass through the proxy untouched.
    termios t{};
    if (::tcgetattr(p.master.get(), &t) == 0) {
        ::cfmakeraw(&t);
        ::tcsetattr(p.master.get(), TCSANOW, &t);
    }
    return p;
}

}  // namespace cvirt::controller
