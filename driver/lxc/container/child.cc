// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/container/child.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

#include "security/caps.h"
#include "util/fd.h"
#include "util/stamp.h"

namespace cvirt::lxc {

namespace {

void loopbackUp() {
    util::Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s) throwSystemError(errno, "cannot open a socket to bring up loopback");
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) < 0)
        throwSystemError(errno, "cannot read the flags of 'lo'");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) < 0) throwSystemError(errno, "cannot bring up 'lo'");
}

void setUpContainer(ChildContext& ctx) {
    // The container dies with its controller: nothing is left running unsupervised. A
    // controller that died before this prctl sends no signal; the channel says so instead,
    // once our copy of its end is closed (else we would wait on it for ever, holding the
    // ready pipe and the domain lock we inherited).
    util::stamp("child:cloned");
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (ctx.controllerEnd >= 0) ::close(ctx.controllerEnd);
    if (ctx.procViews) {
        ctx.fuseDev.reset(::open("/dev/fuse", O_RDWR | O_CLOEXEC));
        ctx.fuseErrno = errno;
    }
    ctx.sync->send(SyncMsg::ChildReady);
    // With a user namespace nothing can be done before the id maps exist. Without one the
    // controller moves us into the domain cgroup while we build the root (a cgroup
    // migration costs the kernel an RCU grace period); we wait for it before exec.
    if (ctx.userns) ctx.sync->expect(SyncMsg::Continue);

    if (ctx.userns) {
        if (::setresgid(0, 0, 0) < 0)
            throwSystemError(errno, "cannot become gid 0 in the container");
        if (::setresuid(0, 0, 0) < 0)
            throwSystemError(errno, "cannot become uid 0 in the container");
    }
    if (ctx.procViews) startProcViews(ctx);
    util::stamp("child:proc-views-started");
    if (ctx.privateNet) loopbackUp();
    util::stamp("child:loopback-up");
    if (ctx.cgroups) openCgroupMounts(ctx);
    setUpRoot(ctx);
    const std::string& name = ctx.def->name;
    if (ctx.ownUts && ::sethostname(name.data(), name.size()) < 0)
        throwSystemError(errno, "cannot set hostname to '" + name + "'");
}

}  // namespace

void waitForCgroup(const ChildContext& ctx, const std::function<void()>& meanwhile) {
    // The root is built; the controller sets the device filter, then lets us go on.
    util::stamp("child:root-ready");
    ctx.sync->send(SyncMsg::RootReady);
    meanwhile();
    util::stamp("child:prepared");
    ctx.sync->expect(SyncMsg::Continue);  // in the domain cgroup now, devices filtered
    util::stamp("child:continue");
    if (ctx.cgroups) mountCgroupFs(ctx);
    util::stamp("child:cgroupfs-mounted");
    enterRoot(ctx);
    // The container's cgroup root is its own cgroup.
    if (::unshare(CLONE_NEWCGROUP) < 0) throwSystemError(errno, "cannot create a cgroup namespace");
    util::stamp("child:cgroupns");
}

int childMain(void* arg) noexcept {
    auto& ctx = *static_cast<ChildContext*>(arg);
    try {
        setUpContainer(ctx);
        execInit(ctx);
    } catch (const Error& e) {
        ctx.sync->sendFailure(e);
    } catch (const std::exception& e) {
        ctx.sync->sendFailure(Error(ErrorCode::Internal, e.what()));
    } catch (...) {
        ctx.sync->sendFailure(Error(ErrorCode::Internal, "unexpected exception"));
    }
    _exit(127);
}

}  // namespace cvirt::lxc
