// SPDX-License-Identifier: GPL-3.0-or-later
// The controller's FUSE filesystem behind a container's /proc/meminfo, cpuinfo, stat and
// uptime (libvirt-lxc's lxc_fuse.c, lxcfs): one libfuse low-level session on the /dev/fuse
// connection the container's child opened and mounted (it exists only in the container's
// mount namespace, so nothing is left on the host whatever happens). Served from the
// controller's loop, no thread: every open renders the file from the container's cgroup.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "cgroup/domain_cgroup.h"
#include "util/fd.h"

struct fuse_session;

namespace cvirt::lxc {

class ProcFuse {
public:
    // Takes over `dev`; `cgroup` and `host` outlive this. Throws when libfuse cannot start.
    ProcFuse(util::Fd dev, const cgroup::HostLayout& host, const cgroup::DomainCgroup& cgroup,
             pid_t init);
    ProcFuse(const ProcFuse&) = delete;
    ProcFuse& operator=(const ProcFuse&) = delete;
    // Ends the session and closes the connection: a read still pending inside fails
    // (ENOTCONN), none hangs.
    ~ProcFuse();

    int fd() const;
    // Answers one request of the kernel's; false once the connection is gone (the
    // container's mounts went with its last process).
    bool serve() noexcept;
    // The text of kProcViewFiles[i] now. Throws when the cgroup cannot be read.
    std::string render(std::string_view name) const;

private:
    const cgroup::HostLayout& host_;
    const cgroup::DomainCgroup& cgroup_;
    pid_t init_;
    fuse_session* session_ = nullptr;
    void* buf_ = nullptr;  // libfuse's receive buffer, kept across requests
    size_t bufSize_ = 0;
};

}  // namespace cvirt::lxc
