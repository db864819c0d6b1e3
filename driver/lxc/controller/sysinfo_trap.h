// SPDX-License-Identifier: GPL-3.0-or-later
// sysinfo(2) inside a container answered with its own figures (busybox and procps free, top
// and uptime take their totals there): init's processes run under a seccomp filter that sends
// every sysinfo call here (SECCOMP_RET_USER_NOTIF, as LXD's sysinfo interception does); the
// controller writes the container's struct sysinfo (lxc/controller/proc_views.h) into the
// caller and lets the call return 0. A command entered later (exec, lxc-enter-namespace) is
// no child of init: cvirt-lxc-enter loads a filter of its own and the driver hands its
// listener over ("sysinfo-trap" on the control socket), served the same way. Served from the
// controller's loop through one epoll descriptor for them all.
#pragma once

#include <sys/types.h>

#include <map>

#include "cgroup/domain_cgroup.h"
#include "util/fd.h"

namespace cvirt::lxc {

class SysinfoTrap {
public:
    // `host` and `cgroup` outlive this; `init` is the container's init (its uptime). Throws
    // when the epoll descriptor cannot be made.
    SysinfoTrap(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cgroup, pid_t init);

    // Serves the calls of the processes under `listener`'s filter (a seccomp notification
    // descriptor) from now on, until none is left. Throws when it cannot be watched.
    void add(util::Fd listener);
    // Readable when a call waits or a listener lost its last process.
    int fd() const { return epoll_.get(); }
    // Answers the pending calls and lets go of the listeners no process uses any more.
    void serve() noexcept;
    size_t listeners() const { return listeners_.size(); }

private:
    void answer(int listener) noexcept;

    util::Fd epoll_;
    std::map<int, util::Fd> listeners_;  // by descriptor number
    const cgroup::HostLayout& host_;
    const cgroup::DomainCgroup& cgroup_;
    pid_t init_;
};

}  // namespace cvirt::lxc
