// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "cvirt/error.h"
#include "util/fd.h"
#include "util/install_dir.h"
#include "util/stream.h"

namespace cvirt::util {

namespace fs = std::filesystem;

std::string helperPath(const std::string& name, const char* envVar) {
    if (const char* env = std::getenv(envVar); env && *env) return env;
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    // next to the program, PREFIX/libexec of an installed program or libcvirt.so, the build
    // tree, the configured install location
    std::vector<fs::path> dirs{self.parent_path()};
    for (const fs::path& prefix : installPrefixes())
        dirs.push_back(prefix / "libexec");
    dirs.insert(dirs.end(), {fs::path(CVIRT_BUILD_BIN_DIR), fs::path(CVIRT_INSTALL_LIBEXEC_DIR)});
    for (const fs::path& dir : dirs) {
        fs::path p = dir / name;
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    throw Error(ErrorCode::OperationFailed,
                "cannot find " + name + " (set " + std::string(envVar) + ")");
}

int waitExitStatus(pid_t pid) noexcept {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 255;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

namespace {

// Without a pidfd (kernels before 5.3) the loop looks at the child this often.
constexpr int kReapTickMs = 20;
constexpr int kFinalReads = 128;  // of 16 KiB

// SIGPIPE is blocked in this thread while it writes to a child that may have gone away (a
// pipe has no MSG_NOSIGNAL); one raised meanwhile is consumed before the mask is restored,
// so the caller's own disposition never sees it.
class SigpipeGuard {
public:
    SigpipeGuard() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        wasPending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeGuard() {
        int saved = errno;
        sigset_t pending;
        sigpending(&pending);
        if (!wasPending_ && sigismember(&pending, SIGPIPE) == 1) {
            timespec zero{0, 0};
            while (sigtimedwait(&pipe_, nullptr, &zero) < 0 && errno == EINTR) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
        errno = saved;
    }
    SigpipeGuard(const SigpipeGuard&) = delete;
    SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
    sigset_t pipe_, old_;
    bool wasPending_ = false;
};

void setNonBlocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Reads what is there now, at most `maxReads` times (a writer that never stops must not hold
// the loop); closes `fd` at EOF or on an error.
void drain(Fd& fd, std::string& into, int maxReads) {
    for (int i = 0; fd && i < maxReads; ++i) {
        char buf[16384];
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            --i;
        } else {
            if (n == 0 || errno != EAGAIN) fd.reset();
            return;
        }
    }
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void execChild(char* const* args, int in, int out, int err) {
    ::setpgid(0, 0);
    resetSignalsForExec();
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execvp(args[0], args);
    ::dprintf(2, "cannot run %s: %s", args[0], std::strerror(errno));
    _exit(127);
}

}  // namespace

void resetSignalsForExec() noexcept {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s)
        if (s != SIGKILL && s != SIGSTOP) ::sigaction(s, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& opts) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) < 0) throwSystemError(errno, "cannot create pipes for " + argv[0]);
    Fd inR(in[0]), inW(in[1]);
    if (::pipe2(out, O_CLOEXEC) < 0) throwSystemError(errno, "cannot create pipes for " + argv[0]);
    Fd outR(out[0]), outW(out[1]);
    if (::pipe2(err, O_CLOEXEC) < 0) throwSystemError(errno, "cannot create pipes for " + argv[0]);
    Fd errR(err[0]), errW(err[1]);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot fork " + argv[0]);
    if (pid == 0) execChild(args.data(), inR.get(), outW.get(), errW.get());
    ::setpgid(pid, pid);  // also here: the group exists whichever side runs first
    inR.reset();
    outW.reset();
    errW.reset();
    Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    setNonBlocking(outR.get());
    setNonBlocking(errR.get());
    std::optional<SigpipeGuard> noSigpipe;
    if (opts.input.empty()) {
        inW.reset();
    } else {
        setNonBlocking(inW.get());
        noSigpipe.emplace();
    }

    ProcessResult r;
    int status = 0;
    auto reaped = [&](int flags) {
        pid_t w;
        while ((w = ::waitpid(pid, &status, flags)) < 0 && errno == EINTR) {
        }
        return w == pid;
    };
    auto killGroup = [&] {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);  // should the child not have its own group yet
    };
    long deadline = opts.timeoutMs > 0 ? monotonicMs() + opts.timeoutMs : -1;
    size_t written = 0;
    for (;;) {
        pollfd fds[4];
        nfds_t n = 0;
        int iOut = -1, iErr = -1, iIn = -1, iPid = -1;
        if (outR) iOut = static_cast<int>(n), fds[n++] = {outR.get(), POLLIN, 0};
        if (errR) iErr = static_cast<int>(n), fds[n++] = {errR.get(), POLLIN, 0};
        if (inW) iIn = static_cast<int>(n), fds[n++] = {inW.get(), POLLOUT, 0};
        if (pidfd) iPid = static_cast<int>(n), fds[n++] = {pidfd.get(), POLLIN, 0};
        long wait = pidfd ? -1 : kReapTickMs;
        if (deadline >= 0) {
            long left = std::max(0L, deadline - monotonicMs());
            wait = wait < 0 ? left : std::min(wait, left);
        }
        if (::poll(fds, n, static_cast<int>(wait)) < 0 && errno != EINTR) {
            int e = errno;
            killGroup();
            reaped(0);
            throwSystemError(e, "cannot wait for " + argv[0]);
        }
        auto ready = [&](int i, short events) { return i >= 0 && (fds[i].revents & events); };
        if (ready(iOut, POLLIN | POLLHUP | POLLERR)) drain(outR, r.out, 1);
        if (ready(iErr, POLLIN | POLLHUP | POLLERR)) drain(errR, r.err, 1);
        if (ready(iIn, POLLOUT | POLLHUP | POLLERR)) {
            ssize_t w =
                ::write(inW.get(), opts.input.data() + written, opts.input.size() - written);
            if (w > 0) written += static_cast<size_t>(w);
            // EPIPE: the child closed its stdin or is gone; what it did not read is dropped.
            if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == opts.input.size())
                inW.reset();
        }
        if ((!pidfd || ready(iPid, POLLIN)) && reaped(WNOHANG)) break;
        if (deadline >= 0 && monotonicMs() >= deadline) {
            killGroup();
            reaped(0);
            r.timedOut = true;
            break;
        }
    }
    // What the child wrote before it ended (a pipe holds at most 1 MiB); a process it left
    // behind may hold the pipes open, so this does not wait for EOF.
    drain(outR, r.out, kFinalReads);
    drain(errR, r.err, kFinalReads);
    r.termSignal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace cvirt::util
