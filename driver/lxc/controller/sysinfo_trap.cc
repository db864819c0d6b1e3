// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/controller/sysinfo_trap.h"

#include <fcntl.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/epoll.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "cvirt/error.h"
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

SysinfoTrap::SysinfoTrap(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cgroup,
                         pid_t init)
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), host_(host), cgroup_(cgroup), init_(init) {
    if (!epoll_) throwSystemError(errno, "cannot create the sysinfo trap's epoll descriptor");
}

void SysinfoTrap::add(util::Fd listener) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listener.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listener.get(), &ev) < 0)
        throwSystemError(errno, "cannot watch a sysinfo listener");
    int fd = listener.get();
    listeners_[fd] = std::move(listener);
}

void SysinfoTrap::serve() noexcept {
    epoll_event events[16];
    int n = ::epoll_wait(epoll_.get(), events, 16, 0);
    for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (events[i].events & EPOLLIN)
            answer(fd);
        else if (events[i].events & (EPOLLHUP | EPOLLERR))  // its last process is gone
            listeners_.erase(fd);  // closing it takes it out of the epoll set
    }
}

void SysinfoTrap::answer(int listener) noexcept {
    Notification n;
    if (!n.ok) return;
    if (seccomp_notify_receive(listener, n.req) < 0) return;  // caller gone
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
        if (seccomp_notify_id_valid(listener, n.req->id) != 0) return;
        if (!mem || ::pwrite(mem.get(), &si, sizeof si, static_cast<off_t>(n.req->data.args[0])) !=
                        static_cast<ssize_t>(sizeof si))
            n.resp->error = -EFAULT;
    } catch (const std::exception&) {
        n.resp->error = -EIO;
    }
    seccomp_notify_respond(listener, n.resp);
}

}  // namespace cvirt::lxc
