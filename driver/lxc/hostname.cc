// SPDX-License-Identifier: GPL-3.0-or-later
// domhostname of a container: the name its UTS namespace has now (init, or a program inside,
// may have changed the one cvirt set), read by a child that joins that namespace alone.
#include <fcntl.h>
#include <sched.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "cvirt/error.h"
#include "lxc/backend.h"
#include "util/fd.h"

namespace cvirt::lxc {

std::string LxcBackend::hostname(const state::LiveDomain& d) {
    util::Fd init = d.init.open();
    if (!init) throw Error(ErrorCode::OperationInvalid, "domain '" + d.name + "' is not running");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) throwSystemError(errno, "cannot create a pipe");
    util::Fd readEnd(fds[0]), writeEnd(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot fork");
    if (pid == 0) {
        // only async-signal-safe calls: the parent may have threads
        struct utsname u;
        if (::setns(init.get(), CLONE_NEWUTS) < 0 || ::uname(&u) < 0) ::_exit(1);
        ssize_t n = ::write(writeEnd.get(), u.nodename, ::strlen(u.nodename));
        ::_exit(n < 0 ? 1 : 0);
    }
    writeEnd.reset();
    std::string name;
    char buf[256];
    for (ssize_t n; (n = ::read(readEnd.get(), buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        name.append(buf, static_cast<size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw Error(ErrorCode::OperationFailed,
                    "cannot read the hostname of domain '" + d.name + "' in its UTS namespace");
    return name;
}

}  // namespace cvirt::lxc
