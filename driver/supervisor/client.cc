#include "supervisor/client.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "state/domain_lock.h"
#include "state/uri.h"
#include "supervisor/protocol.h"
#include "util/fault.h"
#include "util/fd.h"
#include "util/inherit.h"

namespace cvirt::supervisor {

void spawn(const std::string& exe, const std::string& uri, const state::DriverPaths& paths,
           const conf::DomainDef& def, int id) {
    std::string xml = conf::formatDomain(def);
    int in[2], ready[2];
    if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(ready, O_CLOEXEC) < 0)
        throwSystemError(errno, "cannot create pipes for the controller");
    util::Fd inRead(in[0]), inWrite(in[1]), readyRead(ready[0]), readyWrite(ready[1]);
    std::string idText = std::to_string(id);
    // The caller's domain lock goes to the supervisor as well (flock belongs to the open
    // file, which both then hold): a shell that dies from here on leaves the lock held until
    // the supervisor has finished or undone the start, so no next command sees it halfway.
    int lockFd = state::DomainLock::heldFd(paths.lockDir, def.name);

    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot fork the controller");
    if (pid == 0) {
        // Detach: own session, and a grandchild so the shell never has to reap it.
        ::setsid();
        if (::fork() != 0) _exit(0);
        // Above the numbers dup2 fills below, whatever numbers the pipes and the lock got.
        int readyHigh = ::fcntl(readyWrite.get(), F_DUPFD_CLOEXEC, 10);
        int lockHigh = lockFd >= 0 ? ::fcntl(lockFd, F_DUPFD_CLOEXEC, 10) : -1;
        ::dup2(inRead.get(), STDIN_FILENO);
        ::dup2(readyHigh, 3);  // dup2 clears close-on-exec
        if (lockHigh >= 0) ::dup2(lockHigh, 4);
        // Nothing else of the caller's reaches the controller (and through it init): a
        // descriptor the shell was started with is host state the container must not see.
        util::closeFdsFrom(lockHigh >= 0 ? 5 : 4);
        const char* argv[] = {exe.c_str(),
                              "--uri",
                              uri.c_str(),
                              "--name",
                              def.name.c_str(),
                              "--id",
                              idText.c_str(),
                              "--ready-fd",
                              "3",
                              lockHigh >= 0 ? "--lock-fd" : nullptr,
                              "4",
                              nullptr};
        ::execv(exe.c_str(), const_cast<char**>(argv));
        // Tell the shell why, with async-signal-safe calls only: "exec-failed ERRNO".
        char msg[32] = "exec-failed ";
        size_t len = 12;
        char digits[12];
        int n = 0;
        for (int e = errno; e > 0 && n < 11; e /= 10)
            digits[n++] = static_cast<char>('0' + e % 10);
        while (n > 0)
            msg[len++] = digits[--n];
        [[maybe_unused]] ssize_t w = ::write(3, msg, len);
        _exit(127);
    }
    inRead.reset();
    readyWrite.reset();
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    util::fault::killPoint("start:shell-spawned");
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
    if (reply.starts_with("exec-failed "))
        throwSystemError(std::atoi(reply.c_str() + 12),
                         "cannot execute the controller '" + exe + "'");
    if (reply.rfind("error ", 0) == 0) {
        std::string rest = reply.substr(6);
        size_t sp = rest.find(' ');
        int code = std::atoi(rest.substr(0, sp).c_str());
        throw Error(static_cast<ErrorCode>(code),
                    sp == std::string::npos ? rest : rest.substr(sp + 1));
    }
    throw Error(ErrorCode::OperationFailed,
                "the controller of '" + def.name + "' exited before the domain started (see " +
                    (paths.logDir / (def.name + ".log")).string() + ")");
}

namespace {
std::string socketPath(const state::DriverPaths& paths, const std::string& name) {
    return state::entryPath(paths.runDir, name, ".sock").string();
}
}  // namespace

void destroy(const state::DriverPaths& paths, const std::string& name) {
    util::Fd fd = connect(socketPath(paths, name));
    sendRequest(fd.get(), "destroy");
    util::fault::killPoint("stop:shell-sent");
    readReply(fd.get());  // returns at close: all is gone, or the supervisor died
}

void shutdown(const state::DriverPaths& paths, const std::string& name) {
    util::Fd fd = connect(socketPath(paths, name));
    std::string reply = request(fd.get(), "shutdown");
    if (reply != "ok")
        throw Error(ErrorCode::OperationFailed, "cannot shut down '" + name + "': " + reply);
}

void reboot(const state::DriverPaths& paths, const std::string& name) {
    util::Fd fd = connect(socketPath(paths, name));
    request(fd.get(), "reboot");
}

std::string call(const state::DriverPaths& paths, const std::string& name, std::string_view line) {
    util::Fd fd = connect(socketPath(paths, name));
    return request(fd.get(), line);
}

util::Fd openConsole(const state::DriverPaths& paths, const std::string& name, bool force) {
    util::Fd fd = connect(socketPath(paths, name));
    std::string reply = request(fd.get(), force ? "console force" : "console");
    if (reply != "ok")
        throw Error(ErrorCode::OperationInvalid,
                    "cannot open the console of '" + name +
                        "': " + (reply.rfind("error ", 0) == 0 ? reply.substr(6) : reply));
    return fd;
}

}  // namespace cvirt::supervisor
