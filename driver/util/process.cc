#include "util/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cvirt/error.h"
#include "util/fd.h"

namespace cvirt::util {

namespace fs = std::filesystem;

std::string helperPath(const std::string& name, const char* envVar) {
    if (const char* env = std::getenv(envVar); env && *env) return env;
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    for (const fs::path& dir :
         {self.parent_path(), fs::path(CVIRT_BUILD_BIN_DIR), fs::path(CVIRT_INSTALL_LIBEXEC_DIR)}) {
        fs::path p = dir / name;
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    throw Error(ErrorCode::OperationFailed,
                "cannot find " + name + " (set " + std::string(envVar) + ")");
}

ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& input) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0)
        throwSystemError(errno, "cannot create pipes for " + argv[0]);
    Fd inR(in[0]), inW(in[1]), outR(out[0]), outW(out[1]), errR(err[0]), errW(err[1]);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot fork " + argv[0]);
    if (pid == 0) {
        ::dup2(inR.get(), 0);
        ::dup2(outW.get(), 1);
        ::dup2(errW.get(), 2);
        ::execvp(args[0], args.data());
        ::dprintf(2, "cannot run %s: %s", args[0], std::strerror(errno));
        _exit(127);
    }
    inR.reset();
    outW.reset();
    errW.reset();
    // Small inputs fit the pipe; write, close, then drain both outputs.
    size_t off = 0;
    while (off < input.size()) {
        ssize_t n = ::write(inW.get(), input.data() + off, input.size() - off);
        if (n <= 0) break;
        off += static_cast<size_t>(n);
    }
    inW.reset();
    ProcessResult r;
    pollfd fds[2] = {{outR.get(), POLLIN, 0}, {errR.get(), POLLIN, 0}};
    int open = 2;
    while (open > 0) {
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            char buf[4096];
            ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                fds[i].fd = -1;
                --open;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace cvirt::util
