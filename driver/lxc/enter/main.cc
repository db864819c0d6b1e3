// cvirt-lxc-enter: the part of `exec` (lxc-enter-namespace) that crosses into a container
// (see lxc/enter.h). Started by the driver only, from a read-only private mount of this
// program: `cvirt-lxc-enter FLAGS -- COMMAND [ARG...]` with fd 3 the domain XML, fd 4 a pidfd
// of the container's init, fd 5 the status pipe, and the command's environment as its own.
// It joins the namespaces FLAGS names, keeps nothing open but stdio, confines itself as
// init is confined, and only then forks the command into the container's pid namespace.
// A failure is written to fd 5 as "CODE MESSAGE"; the exit status is the command's.
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
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
#include "util/inherit.h"
#include "util/process.h"

using namespace cvirt;

namespace {

constexpr int kXmlFd = 3, kInitFd = 4, kStatusFd = 5;

void report(ErrorCode code, const std::string& text) noexcept {
    std::string msg = std::to_string(static_cast<int>(code)) + " " + text;
    [[maybe_unused]] ssize_t w = ::write(kStatusFd, msg.data(), msg.size());
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
        if (argc < 4 || std::strcmp(argv[2], "--") != 0)
            throw Error(ErrorCode::InvalidArg,
                        "usage: cvirt-lxc-enter FLAGS -- COMMAND (started by the driver only)");
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
