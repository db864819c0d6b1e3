// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-lxc-enter: the part of `exec` (lxc-enter-namespace) that crosses into a container
// (see lxc/enter.h). Started by the driver only, from a read-only private mount of this
// program: `cvirt-lxc-enter [--sysinfo-trap] FLAGS -- COMMAND [ARG...]` with fd 3 the domain
// XML, fd 4 a pidfd of the container's init, fd 5 the status socket (SOCK_SEQPACKET), and the
// command's environment as its own. It joins the namespaces FLAGS names, keeps nothing open
// but stdio, with --sysinfo-trap loads the sysinfo filter and sends "trap" with its listener
// on fd 5 and waits for "ok" there, confines itself as init is confined, and only then forks
// the command into the container's pid namespace. A failure is written to fd 5 as
// "CODE MESSAGE"; the exit status is the command's.
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "security/caps.h"
#include "security/confine.h"
#include "security/seccomp.h"
#include "util/inherit.h"
#include "util/process.h"
#include "util/stream.h"

using namespace cvirt;

namespace {

constexpr int kXmlFd = 3, kInitFd = 4, kStatusFd = 5;

void report(ErrorCode code, const std::string& text) noexcept {
    std::string msg = std::to_string(static_cast<int>(code)) + " " + text;
    ::send(kStatusFd, msg.data(), msg.size(), MSG_NOSIGNAL);  // the driver may be gone
}

// The filter init's processes have too: the listener to the driver, which hands it to the
// controller and answers "ok" once the controller serves it. Anything else (EOF: the
// controller refused) stops us here, before anything runs inside.
void trapSysinfo(const std::string& name) {
    util::Fd listener = security::trapSysinfo();
    if (util::sendWithFd(kStatusFd, "trap", 4, listener.get()) != 4)
        throwSystemError(errno, "cannot hand over the sysinfo listener of '" + name + "'");
    listener.reset();
    char ack[8];
    ssize_t n;
    while ((n = ::recv(kStatusFd, ack, sizeof ack, 0)) < 0 && errno == EINTR) {
    }
    if (n != 2 || std::memcmp(ack, "ok", 2) != 0)
        throw Error(ErrorCode::OperationFailed,
                    "the sysinfo calls of the command in '" + name + "' would go unanswered");
}

std::string readAll(int fd) {
    std::string out;
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throwSystemError(errno, "cannot read the domain XML");
        if (n == 0) return out;
        out.append(buf, static_cast<size_t>(n));
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        bool trap = argc > 1 && std::strcmp(argv[1], "--sysinfo-trap") == 0;
        if (trap) {
            --argc;
            ++argv;
        }
        if (argc < 4 || std::strcmp(argv[2], "--") != 0)
            throw Error(ErrorCode::InvalidArg,
                        "usage: cvirt-lxc-enter [--sysinfo-trap] FLAGS -- "
                        "COMMAND (started by the driver only)");
        int flags = std::atoi(argv[1]);
        conf::DomainDef def =
            conf::parseDomain(readAll(kXmlFd), {.filename = "domain", .validateSchema = false});
        // One call, through the pidfd: every namespace of that very process or none.
        if (flags != 0 && ::setns(kInitFd, flags) < 0)
            throwSystemError(errno, "cannot enter the namespaces of '" + def.name + "'");
        util::closeFdsFrom(3, {kStatusFd});
        ::fcntl(kStatusFd, F_SETFD, FD_CLOEXEC);  // the command's exec closes it: EOF
        if (::chdir("/") < 0) throwSystemError(errno, "cannot enter '/' in '" + def.name + "'");
        if ((flags & CLONE_NEWUSER) && (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0))
            throwSystemError(errno, "cannot become root in '" + def.name + "'");
        // Not dumpable: without CAP_SYS_PTRACE in the host's user namespace nothing inside can
        // trace the child or open its /proc files before it has exec'd.
        if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
            throwSystemError(errno, "cannot make the enter process non-dumpable");
        // Before confine drops CAP_SYS_ADMIN, as for init (lxc/container/init_exec.cc).
        if (trap) trapSysinfo(def.name);
        security::confine(def, security::capsToDrop(def));

        pid_t child = ::fork();
        if (child < 0) throwSystemError(errno, "cannot fork in '" + def.name + "'");
        if (child == 0) {
            ::execvp(argv[3], argv + 3);  // the environment is the one we were given
            int err = errno;
            report(ErrorCode::OperationFailed, "cannot execute '" + std::string(argv[3]) +
                                                   "' in '" + def.name +
                                                   "': " + std::strerror(err));
            _exit(127);
        }
        ::close(kStatusFd);
        return util::waitExitStatus(child);
    } catch (const Error& e) {
        report(e.code(), e.what());
        return 255;
    } catch (const std::exception& e) {
        report(ErrorCode::Internal, e.what());
        return 255;
    }
}
