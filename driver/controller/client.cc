// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/client.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "conf/domain.h"
#include "controller/console.h"
#include "controller/in_process.h"
#include "controller/protocol.h"
#include "cvirt/error.h"
#include "state/domain_lock.h"
#include "state/uri.h"
#include "util/fault.h"
#include "util/fd.h"
#include "util/inherit.h"
#include "util/process.h"
#include "util/stamp.h"
#include "util/stream.h"

namespace cvirt::controller {

void spawn(const std::string& exe, const std::string& uri, const state::DriverPaths& paths,
           const conf::DomainDef& def, int id, int autodestroyFd, ProgramMain inProcess,
           const std::function<void()>& beforeHandOver) {
    // Without exec when this process may (controller/in_process.h): its buffered output must
    // not be written a second time by the child.
    if (inProcess && !inProcessAllowed()) inProcess = nullptr;
    if (inProcess) {
        std::cout.flush();
        std::cerr.flush();
        std::fflush(nullptr);
    }
    std::string xml = conf::formatDomain(def);
    int in[2], ready[2];
    if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(ready, O_CLOEXEC) < 0)
        throwSystemError(errno, "cannot create pipes for the controller");
    util::Fd inRead(in[0]), inWrite(in[1]), readyRead(ready[0]), readyWrite(ready[1]);
    std::string idText = std::to_string(id);
    // The caller's domain lock goes to the controller as well (flock belongs to the open
    // file, which both then hold): a shell that dies from here on leaves the lock held until
    // the controller has finished or undone the start, so no next command sees it halfway.
    int lockFd = state::DomainLock::heldFd(paths.lockDir, def.name);
    ErrnoErrorLine execFailed = errnoErrorLine("cannot execute the controller '" + exe + "'");

    util::stamp("shell:fork");
    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot fork the controller");
    if (pid == 0) {
        // Detach: own session, and a grandchild so the shell never has to reap it.
        ::setsid();
        if (::fork() != 0) _exit(0);
        util::resetSignalsForExec();  // cvirtd's blocked SIGTERM is not the container's
        // Above the numbers dup2 fills below, whatever numbers the pipes and the lock got.
        int readyHigh = ::fcntl(readyWrite.get(), F_DUPFD_CLOEXEC, 10);
        int lockHigh = lockFd >= 0 ? ::fcntl(lockFd, F_DUPFD_CLOEXEC, 10) : -1;
        int watchHigh = autodestroyFd >= 0 ? ::fcntl(autodestroyFd, F_DUPFD_CLOEXEC, 10) : -1;
        ::dup2(inRead.get(), STDIN_FILENO);
        ::dup2(readyHigh, 3);  // dup2 clears close-on-exec
        const char* argv[16] = {exe.c_str(),    "--uri",          uri.c_str(),
                                "--name",       def.name.c_str(), "--id",
                                idText.c_str(), "--ready-fd",     "3"};
        int argc = 9;
        // 4 the lock, 5 the autodestroy descriptor, or closed: nothing else of the caller's
        // reaches the controller (and through it init): a descriptor the shell was started
        // with is host state the container must not see.
        if (lockHigh >= 0 && ::dup2(lockHigh, 4) == 4) {
            argv[argc++] = "--lock-fd";
            argv[argc++] = "4";
        } else {
            ::close(4);
        }
        if (watchHigh >= 0 && ::dup2(watchHigh, 5) == 5) {
            argv[argc++] = "--autodestroy-fd";
            argv[argc++] = "5";
        } else {
            ::close(5);
        }
        util::closeFdsFrom(6);
        if (inProcess) runInProcess(inProcess, argc, const_cast<char**>(argv));
        ::execv(exe.c_str(), const_cast<char**>(argv));
        // Tell the shell why, in the controller's own error line, with async-signal-safe
        // calls only: the line was built before fork but for the errno.
        char digits[12];
        int n = sizeof digits;
        for (int e = errno; e > 0 && n > 0; e /= 10)
            digits[--n] = static_cast<char>('0' + e % 10);
        iovec parts[] = {{execFailed.head.data(), execFailed.head.size()},
                         {digits + n, sizeof digits - static_cast<size_t>(n)},
                         {execFailed.tail.data(), execFailed.tail.size()}};
        [[maybe_unused]] ssize_t w = ::writev(3, parts, 3);
        _exit(127);
    }
    inRead.reset();
    readyWrite.reset();
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    util::fault::killPoint("start:shell-spawned");
    if (beforeHandOver) {
        try {
            beforeHandOver();
        } catch (...) {
            // No XML: the controller exits at once, having made nothing; it holds the ready
            // pipe's write end until then, so its end of file says it is gone.
            inWrite.reset();
            char buf[64];
            for (;;) {
                ssize_t n = ::read(readyRead.get(), buf, sizeof buf);
                if (n <= 0 && !(n < 0 && errno == EINTR)) break;
            }
            throw;
        }
    }
    // A controller that is gone before reading its XML must not kill the shell with SIGPIPE:
    // the write fails with EPIPE instead, and the reply below says why.
    sigset_t pipeSet, oldSet;
    sigemptyset(&pipeSet);
    sigaddset(&pipeSet, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &pipeSet, &oldSet);
    size_t off = 0;
    bool brokenPipe = false;
    while (off < xml.size()) {
        ssize_t n = ::write(inWrite.get(), xml.data() + off, xml.size() - off);
        if (n < 0 && errno == EINTR) continue;
        brokenPipe = n < 0 && errno == EPIPE;
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    if (brokenPipe) {
        timespec zero{};
        while (::sigtimedwait(&pipeSet, nullptr, &zero) == SIGPIPE) {
        }
    }
    ::pthread_sigmask(SIG_SETMASK, &oldSet, nullptr);
    inWrite.reset();
    util::fault::killPoint("start:shell-xml-sent");
    std::string reply;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(readyRead.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
    }
    while (!reply.empty() && reply.back() == '\n')
        reply.pop_back();
    if (reply == "ok") {
        util::fault::killPoint("start:shell-ready");
        return;
    }
    if (auto e = decodeError(reply)) throw *e;  // the controller's, or the failed exec's
    throw Error(ErrorCode::OperationFailed,
                "the controller of '" + def.name + "' exited before the domain started (see " +
                    (paths.logDir / (def.name + ".log")).string() + ")");
}

namespace {

std::string socketPath(const state::DriverPaths& paths, const std::string& name) {
    return state::entryPath(paths.runDir, name, ".sock").string();
}

// A controller answers a request from its poll loop within milliseconds; one that does not
// within this long is stopped (SIGSTOP), wedged or gone.
constexpr long kAnswerMs = 5000;
// A reboot is answered once init runs again (the controller bounds its own waits on the new
// init well below this).
constexpr long kRebootMs = 60000;

// The controller's socket, within `ms`: a stopped controller whose listen queue is full
// would keep a blocking connect(2) waiting forever.
util::Fd connectWithin(const std::string& path, long ms) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw Error(ErrorCode::OperationFailed, "socket path '" + path + "' is too long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    util::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) throwSystemError(errno, "cannot create a socket");
    long deadline = util::monotonicMs() + ms;
    while (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN || util::monotonicMs() >= deadline)
            throwSystemError(errno, "cannot reach the domain's controller at '" + path + "'");
        ::usleep(10000);  // its listen queue is full: a moment for it to accept
    }
    int flags = ::fcntl(fd.get(), F_GETFL);
    ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
    return fd;
}

// Whether `fd` has something to read (a reply, or EOF) within `ms` (< 0: no deadline).
bool readableWithin(int fd, long ms) {
    long deadline = ms < 0 ? -1 : util::monotonicMs() + ms;
    for (;;) {
        long left = deadline < 0 ? -1 : std::max(0L, deadline - util::monotonicMs());
        pollfd p{fd, POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(left));
        if (rc > 0) return true;
        if (rc == 0) return false;
        if (errno != EINTR) throwSystemError(errno, "cannot wait for the domain's controller");
    }
}

Error unresponsive(const std::string& name, std::string_view request, long ms) {
    return Error(ErrorCode::OperationFailed, "the controller of '" + name + "' did not answer '" +
                                                 std::string(request) + "' within " +
                                                 std::to_string(ms / 1000) + " s");
}

// One request line, one reply line, each within its deadline.
std::string requestWithin(const state::DriverPaths& paths, const std::string& name,
                          std::string_view line, long replyMs, util::Fd* keep = nullptr,
                          int passed = -1) {
    util::Fd fd = connectWithin(socketPath(paths, name), kAnswerMs);
    if (passed >= 0)
        sendRequestWithFd(fd.get(), line, passed);
    else
        sendRequest(fd.get(), line);
    if (!readableWithin(fd.get(), replyMs)) throw unresponsive(name, line, replyMs);
    std::string reply = readReply(fd.get());
    if (keep) *keep = std::move(fd);
    return reply;
}

}  // namespace

bool destroy(const state::DriverPaths& paths, const std::string& name, long finishMs) {
    util::Fd fd;
    try {
        fd = connectWithin(socketPath(paths, name), kAnswerMs);
    } catch (const Error& e) {
        if (e.sysErrno() == EAGAIN) return false;  // not accepting: as good as no answer
        throw;
    }
    sendRequest(fd.get(), "destroy");
    util::fault::killPoint("stop:shell-sent");
    // "ok" at once (the container is being killed), then EOF once all is gone — or EOF alone,
    // when the controller finished first or died.
    if (!readableWithin(fd.get(), kAnswerMs)) return false;
    char buf[64];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return true;  // EOF (or the connection broke: it died)
        if (!readableWithin(fd.get(), finishMs)) return false;
    }
}

void shutdown(const state::DriverPaths& paths, const std::string& name) {
    std::string reply = requestWithin(paths, name, "shutdown", kAnswerMs);
    if (auto e = decodeError(reply))
        throw std::move(*e).withContext("cannot shut down '" + name + "'");
    if (reply != "ok")
        throw Error(ErrorCode::OperationFailed, "cannot shut down '" + name + "': " + reply);
}

void reboot(const state::DriverPaths& paths, const std::string& name) {
    call(paths, name, "reboot");  // a reset qemu refused comes back as the controller's error
}

std::string call(const state::DriverPaths& paths, const std::string& name, std::string_view line,
                 int passed) {
    std::string reply = requestWithin(paths, name, line, kRebootMs, nullptr, passed);
    if (auto e = decodeError(reply)) throw std::move(*e).withContext("domain '" + name + "'");
    return reply;
}

util::Fd openConsole(const state::DriverPaths& paths, const std::string& name, bool force,
                     const std::string& devname) {
    util::Fd fd;
    std::string reply = requestWithin(paths, name, consoleRequest(force, devname), kAnswerMs, &fd);
    std::string context = "cannot open the console of '" + name + "'";
    if (auto e = decodeError(reply)) throw std::move(*e).withContext(context);
    if (reply != "ok") throw Error(ErrorCode::OperationInvalid, context + ": " + reply);
    return fd;
}

}  // namespace cvirt::controller
