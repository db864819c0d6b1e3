// SPDX-License-Identifier: GPL-3.0-or-later
// The container side of clone(): everything between the new namespaces and execve(init).
// Runs as pid 1 of the new pid namespace; reports failure through the sync channel.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cgroup/layout.h"
#include "conf/domain_def.h"
#include "lxc/sync.h"
#include "util/fd.h"
#include "util/mount.h"

namespace cvirt::lxc {

struct ChildContext {
    const conf::DomainDef* def = nullptr;
    // where a root on a block device (an image's loop or nbd device) is mounted, on the host
    // side: made by the controller, mounted in the container's mount namespace only
    std::string imageRoot;
    SyncChannel* sync = nullptr;
    // The controller's end of `sync`, inherited through clone(): closed first thing, so that
    // the child sees EOF (and gives up) once the controller is gone.
    int controllerEnd = -1;
    // host paths of the consoles' pty slaves (/dev/pts/N): the first is /dev/console and
    // /dev/tty1, console I /dev/ttyI+1 (libvirt's lxcContainerSetupDevices)
    std::vector<std::string> consolePaths;
    bool userns = false;      // uid/gid maps are written by the controller first
    bool privateNet = false;  // bring loopback up
    bool ownUts = true;       // false: shares another's (hostname kept)
    const cgroup::HostLayout* cgroups = nullptr;  // the host's hierarchies, for /sys/fs/cgroup
    // The domain's cgroup in each of them (same order), relative to its mount; "" for none.
    std::vector<std::string> cgroupLeaves;
    // Each hierarchy's mount (same order), held by the child from its start: the binds of the
    // leaves come after a sysfs may cover the host's /sys (a container without a root).
    std::vector<util::Fd> cgroupMounts;
    // Set by setUpRoot: the new root ("" = the host's, no pivot), its /sys on the host side
    // ("" = none), and whether it is read-only once entered.
    std::string root;
    std::string sysPath;
    bool pivot = false;
    bool readonlyRoot = false;
    bool procViews = true;  // /proc/meminfo etc. from the controller (a ProcViews message)
    // /dev/fuse, opened by the child first thing: before it sits in the domain cgroup (whose
    // device filter a restart finds in place) and in its user namespace (the kernel wants the
    // connection opened in the namespace that mounts it). Empty: fuseErrno says why.
    util::Fd fuseDev;
    int fuseErrno = 0;
    util::Fd procViewsMount;  // the FUSE filesystem, detached (startProcViews)
};

// clone() entry point. Never returns: execs init or _exit(127).
int childMain(void* arg) noexcept;

// Steps, in order (each throws Error naming what failed):
void setUpRoot(ChildContext& ctx);        // rootfs.cc: mounts, /proc, /sys (not yet entered)
void enterRoot(const ChildContext& ctx);  // rootfs.cc: pivot_root into it
void setUpDev(const ChildContext& ctx, const std::string& root);  // dev.cc: /dev before pivot
[[noreturn]] void execInit(const ChildContext& ctx);              // init_exec.cc
// Reports the root built, waits until the controller has placed us in the domain cgroup and
// set its device filter, binds the cgroups into the root, enters it and unshares the cgroup
// namespace (child.cc). Called by execInit before anything of the container runs.
// `meanwhile` runs while the controller works: what the child can prepare then costs the
// start nothing.
void waitForCgroup(const ChildContext& ctx, const std::function<void()>& meanwhile);
// cgroupfs.cc: each host hierarchy's mount held open (ctx.cgroupMounts), first thing.
void openCgroupMounts(ChildContext& ctx);
// /sys/fs/cgroup inside: each host hierarchy rooted at the domain's cgroup, read-only
// (cgroupfs.cc). Called once the cgroup exists, before the root is entered.
void mountCgroupFs(const ChildContext& ctx);

// One file of the controller's FUSE filesystem, cloned and not yet mounted anywhere.
struct ProcView {
    std::string name;  // "meminfo": goes over /proc/meminfo
    util::Fd tree;     // open_tree(OPEN_TREE_CLONE)
};
// proc_views.cc, before the root is built: mounts the FUSE filesystem detached (on
// ctx.fuseDev, which it closes, into ctx.procViewsMount) and sends the connection to the
// controller (ProcViews, with no descriptor when the host has no FUSE). Throws.
void startProcViews(ChildContext& ctx);
// Before /proc is mounted on `procDir`: clones each served file of ctx.procViewsMount (none
// without one), which it closes. Throws.
std::vector<ProcView> openProcViews(ChildContext& ctx, const util::DirInRoot& procDir);
// Once /proc is mounted at `proc`: each view over its file there.
void placeProcViews(std::vector<ProcView>& views, const std::string& proc);

}  // namespace cvirt::lxc
