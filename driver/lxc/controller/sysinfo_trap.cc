#include "lxc/controller/sysinfo_trap.h"

#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "lxc/controller/container_counters.h"
#include "lxc/controller/proc_views.h"

namespace cvirt::lxc {

namespace {

struct Notification {
    Notification() { ok = seccomp_notify_alloc(&req, &resp) == 0; }
    ~Notification() {
        if (ok) seccomp_notify_free(req, resp);
    }
    Notification(const Notification&) = delete;
    Notification& operator=(const Notification&) = delete;
    seccomp_notif* req = nullptr;
    seccomp_notif_resp* resp = nullptr;
    bool ok = false;
};

}  // namespace

bool SysinfoTrap::serve(short revents) noexcept {
    if (!(revents & POLLIN)) return !(revents & (POLLHUP | POLLERR | POLLNVAL));
    Notification n;
    if (!n.ok) return true;
    if (seccomp_notify_receive(listener_.get(), n.req) < 0) return true;  // caller gone
    n.resp->id = n.req->id;
    n.resp->error = 0;
    n.resp->val = 0;
    n.resp->flags = 0;
    try {
        struct sysinfo host {};
        ::sysinfo(&host);
        struct sysinfo si = sysinfoView(host, readMemory(host_, cgroup_), secondsSinceStart(init_),
                                        cgroup_.stats().pids);
        // Through /proc/PID/mem, checked still to be the caller once open: a pid reused in
        // between gets nothing written.
        util::Fd mem(
            ::open(("/proc/" + std::to_string(n.req->pid) + "/mem").c_str(), O_WRONLY | O_CLOEXEC));
        if (seccomp_notify_id_valid(listener_.get(), n.req->id) != 0) return true;
        if (!mem || ::pwrite(mem.get(), &si, sizeof si, static_cast<off_t>(n.req->data.args[0])) !=
                        static_cast<ssize_t>(sizeof si))
            n.resp->error = -EFAULT;
    } catch (const std::exception&) {
        n.resp->error = -EIO;
    }
    seccomp_notify_respond(listener_.get(), n.resp);
    return true;
}

}  // namespace cvirt::lxc
