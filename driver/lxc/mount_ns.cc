// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/mount_ns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "cvirt/error.h"
#include "util/fd.h"
#include "util/process.h"

namespace cvirt::lxc {

void runInMountNamespace(pid_t initPid, const std::string& domain,
                         const std::function<void()>& work) {
    util::Fd ns(
        ::open(("/proc/" + std::to_string(initPid) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) {
        if (errno == ENOENT)
            throw Error(ErrorCode::OperationInvalid, "domain '" + domain + "' is not running");
        throwSystemError(errno, "cannot open the mount namespace of '" + domain + "'");
    }
    int p[2];
    if (::pipe2(p, O_CLOEXEC) < 0) throwSystemError(errno, "cannot create a pipe");
    util::Fd replyRead(p[0]), replyWrite(p[1]);
    pid_t child = ::fork();
    if (child < 0) throwSystemError(errno, "cannot fork");
    if (child == 0) {
        // "CODE message" on failure, nothing on success; no exception leaves the child.
        std::string reply;
        try {
            if (::setns(ns.get(), CLONE_NEWNS) < 0)
                throwSystemError(errno, "cannot join the mount namespace of '" + domain + "'");
            work();
        } catch (const Error& e) {
            reply = std::to_string(static_cast<int>(e.code())) + " " + e.what();
        } catch (...) {
            reply = std::to_string(static_cast<int>(ErrorCode::Internal)) + " unexpected exception";
        }
        for (size_t off = 0; off < reply.size();) {
            ssize_t n = ::write(replyWrite.get(), reply.data() + off, reply.size() - off);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
        _exit(reply.empty() ? 0 : 1);
    }
    replyWrite.reset();
    std::string reply;
    char buf[512];
    for (ssize_t n; (n = ::read(replyRead.get(), buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        reply.append(buf, static_cast<size_t>(n));
    }
    int status = util::waitExitStatus(child);
    if (!reply.empty()) {
        size_t sp = reply.find(' ');
        int code = std::atoi(reply.substr(0, sp).c_str());
        if (code < 0 || code > static_cast<int>(ErrorCode::HookFailed)) code = 0;
        throw Error(static_cast<ErrorCode>(code),
                    sp == std::string::npos ? reply : reply.substr(sp + 1));
    }
    if (status != 0)
        throw Error(ErrorCode::OperationFailed, "the helper in the mount namespace of '" + domain +
                                                    "' ended with status " +
                                                    std::to_string(status));
}

}  // namespace cvirt::lxc
