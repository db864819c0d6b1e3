// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/enter.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "lxc/environment.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/inherit.h"
#include "util/process.h"
#include "util/stream.h"

namespace cvirt::lxc {

namespace {

struct NsKind {
    const char* name;
    int type;
};
constexpr NsKind kNamespaces[] = {{"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC},
                                  {"uts", CLONE_NEWUTS},       {"net", CLONE_NEWNET},
                                  {"pid", CLONE_NEWPID},       {"mnt", CLONE_NEWNS},
                                  {"user", CLONE_NEWUSER}};

bool sameFile(const std::string& a, const std::string& b) {
    struct stat x {
    }, y{};
    return ::stat(a.c_str(), &x) == 0 && ::stat(b.c_str(), &y) == 0 && x.st_ino == y.st_ino &&
           x.st_dev == y.st_dev;
}

// The namespaces of `pid` that differ from ours (those shared with the host, such as the
// network without a private one, are not joined: the user namespace cannot be re-joined).
int namespacesToJoin(pid_t pid) {
    int flags = 0;
    for (const NsKind& ns : kNamespaces)
        if (!sameFile(std::string("/proc/self/ns/") + ns.name,
                      "/proc/" + std::to_string(pid) + "/ns/" + ns.name))
            flags |= ns.type;
    return flags;
}

pid_t parentOf(pid_t pid) {
    auto stat = util::readFileIfExists("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return 0;
    size_t close = stat->rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos || close + 4 >= stat->size()) return 0;
    return static_cast<pid_t>(std::atoi(stat->c_str() + close + 4));
}

// A pidfd of the container's init, proven to be it: its parent is the controller, checked
// after the pidfd was taken, so a pid reused meanwhile is refused rather than entered.
util::Fd openInit(const EnterTarget& t, const std::string& name) {
    util::Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, t.initPid, 0)));
    if (!pidfd) {
        if (errno == ESRCH)
            throw Error(ErrorCode::OperationInvalid, "domain '" + name + "' is not running");
        throwSystemError(errno, "cannot open init of '" + name + "'");
    }
    if (t.controllerPid > 0 && parentOf(t.initPid) != t.controllerPid)
        throw Error(ErrorCode::OperationInvalid, "domain '" + name +
                                                     "' is not running (its init, pid " +
                                                     std::to_string(t.initPid) + ", is gone)");
    return pidfd;
}

util::Fd memfdWith(const std::string& text) {
    util::Fd fd(static_cast<int>(::syscall(SYS_memfd_create, "cvirt-domain", MFD_CLOEXEC)));
    if (!fd) throwSystemError(errno, "cannot create a memory file");
    for (size_t off = 0; off < text.size();) {
        ssize_t n = ::write(fd.get(), text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throwSystemError(errno, "cannot write a memory file");
        off += static_cast<size_t>(n);
    }
    if (::lseek(fd.get(), 0, SEEK_SET) < 0) throwSystemError(errno, "cannot rewind a memory file");
    return fd;
}

}  // namespace

int runInside(const EnterTarget& target, const conf::DomainDef& def,
              const std::vector<std::string>& argv, const std::vector<std::string>& env,
              cgroup::DomainCgroup* cgroup) {
    if (argv.empty()) throw Error(ErrorCode::InvalidArg, "no command given");
    for (const auto& e : env)
        checkEnvironmentEntry(e);
    const char* term = std::getenv("TERM");
    std::vector<std::string> environment = containerEnvironment(def, term ? term : "");
    environment.insert(environment.end(), env.begin(), env.end());

    util::Fd program =
        util::openExecutableReadOnly(util::helperPath("cvirt-lxc-enter", "CVIRT_LXC_ENTER"));
    util::Fd xml = memfdWith(conf::formatDomain(def));
    util::Fd init = openInit(target, def.name);
    int join = namespacesToJoin(target.initPid);
    if (::syscall(SYS_pidfd_send_signal, init.get(), 0, nullptr, 0) < 0)  // still the same
        throw Error(ErrorCode::OperationInvalid, "domain '" + def.name + "' is not running");
    // A socket rather than a pipe: the listener of the command's sysinfo filter comes back
    // on it (SCM_RIGHTS).
    int status[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, status) < 0)
        throwSystemError(errno, "cannot create a socket pair");
    util::Fd statusRead(status[0]), statusWrite(status[1]);

    std::string joinText = std::to_string(join);
    std::vector<char*> args{const_cast<char*>("cvirt-lxc-enter")};
    if (target.handSysinfoTrap) args.push_back(const_cast<char*>("--sysinfo-trap"));
    args.insert(args.end(), {joinText.data(), const_cast<char*>("--")});
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : environment)
        envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t helper = ::fork();
    if (helper < 0) throwSystemError(errno, "cannot fork");
    if (helper == 0) {
        // The cgroup first: its paths are the host's. Then fds 3, 4, 5 as the program expects
        // them (moved above the numbers dup2 fills first) and nothing else but stdio.
        auto fail = [&](const char* what, int err) {
            std::string msg = std::to_string(static_cast<int>(ErrorCode::OperationFailed)) + " " +
                              what + ": " + std::strerror(err);
            [[maybe_unused]] ssize_t w = ::write(statusWrite.get(), msg.data(), msg.size());
            _exit(255);
        };
        if (cgroup) {
            try {
                cgroup->attach(::getpid());
            } catch (const Error& e) {
                fail("cannot join the container's cgroup", e.sysErrno() ? e.sysErrno() : EIO);
            }
        }
        int high[4] = {::fcntl(xml.get(), F_DUPFD_CLOEXEC, 10),
                       ::fcntl(init.get(), F_DUPFD_CLOEXEC, 10),
                       ::fcntl(statusWrite.get(), F_DUPFD_CLOEXEC, 10),
                       ::fcntl(program.get(), F_DUPFD_CLOEXEC, 10)};
        for (int i = 0; i < 3; ++i)
            if (high[i] < 0 || ::dup2(high[i], 3 + i) < 0) fail("cannot pass descriptors", errno);
        util::closeFdsFrom(6, {high[3]});
        ::syscall(SYS_execveat, high[3], "", args.data(), envp.data(), AT_EMPTY_PATH);
        fail("cannot execute cvirt-lxc-enter", errno);
    }
    statusWrite.reset();
    program.reset();
    xml.reset();
    init.reset();
    std::string reply;
    if (target.handSysinfoTrap) {
        // Before it forks the command, the program sends its filter's listener ("trap", with
        // none when the kernel has no such filters) and waits for our "ok"; or it failed
        // first and says why. Nothing of the container's runs before that.
        char buf[512];
        util::Fd listener;
        ssize_t n = util::receiveWithFd(statusRead.get(), buf, sizeof buf, listener);
        if (n == 4 && std::memcmp(buf, "trap", 4) == 0) {
            try {
                if (listener) target.handSysinfoTrap(listener.get());
                if (::send(statusRead.get(), "ok", 2, MSG_NOSIGNAL) != 2)
                    throwSystemError(errno, "cannot let the command of '" + def.name + "' run");
            } catch (Error& e) {
                statusRead.reset();  // the program reads EOF and exits, running nothing
                util::waitExitStatus(helper);
                throw std::move(e).withContext("cannot answer the sysinfo calls of the command");
            }
        } else if (n > 0) {
            reply.assign(buf, static_cast<size_t>(n));
        }
    }
    // The program writes its reason before it exits (its child, before the program reaps it),
    // so once it is reaped everything is in the socket. Not read to EOF: the child's copy of
    // the socket, open until it execs, must not let anything inside hold this call open.
    int rc = util::waitExitStatus(helper);
    if (rc != 255 && rc != 127) return rc;
    char buf[512];
    for (ssize_t n; (n = ::recv(statusRead.get(), buf, sizeof buf, MSG_DONTWAIT)) > 0;)
        reply.append(buf, static_cast<size_t>(n));
    if (!reply.empty()) {
        size_t sp = reply.find(' ');
        int code = std::atoi(reply.substr(0, sp).c_str());
        if (code < 0 || code > static_cast<int>(ErrorCode::HookFailed)) code = 0;
        std::string text = sp == std::string::npos ? reply : reply.substr(sp + 1);
        throw Error(static_cast<ErrorCode>(code), text);
    }
    return rc;
}

}  // namespace cvirt::lxc
