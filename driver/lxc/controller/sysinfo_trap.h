// sysinfo(2) inside a container answered with its own figures (busybox and procps free, top
// and uptime take their totals there): init's processes run under a seccomp filter that sends
// every sysinfo call here (SECCOMP_RET_USER_NOTIF, as LXD's sysinfo interception does); the
// controller writes the container's struct sysinfo (lxc/controller/proc_views.h) into the
// caller and lets the call return 0. Served from the controller's loop.
#pragma once

#include <sys/types.h>

#include "cgroup/domain_cgroup.h"
#include "util/fd.h"

namespace cvirt::lxc {

class SysinfoTrap {
public:
    // Takes over `listener` (the filter's notification descriptor, from the child); `host`
    // and `cgroup` outlive this.
    SysinfoTrap(util::Fd listener, const cgroup::HostLayout& host,
                const cgroup::DomainCgroup& cgroup, pid_t init)
        : listener_(std::move(listener)), host_(host), cgroup_(cgroup), init_(init) {}

    int fd() const { return listener_.get(); }
    // Answers the pending call; false once no process runs under the filter any more.
    bool serve(short revents) noexcept;

private:
    util::Fd listener_;
    const cgroup::HostLayout& host_;
    const cgroup::DomainCgroup& cgroup_;
    pid_t init_;
};

}  // namespace cvirt::lxc
