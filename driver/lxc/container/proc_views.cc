// SPDX-License-Identifier: GPL-3.0-or-later
// The controller's FUSE files over /proc/meminfo, cpuinfo, stat and uptime (the controller's
// side: lxc/controller/proc_fuse.h). The child mounts the filesystem itself, in its own mount
// namespace: the host never sees it, so no stale mount can outlive the container. /dev/fuse is
// opened by the child too, as the kernel wants the connection opened in the user namespace
// that mounts it.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "lxc/container/child.h"
#include "lxc/controller/proc_views.h"
#include "util/mount.h"

namespace cvirt::lxc {

void startProcViews(ChildContext& ctx) {
    util::Fd dev = std::move(ctx.fuseDev);
    if (!dev) {
        int err = ctx.fuseErrno;
        if (err != ENOENT && err != ENODEV && err != ENXIO)
            throwSystemError(err, "cannot open '/dev/fuse' for the container's /proc");
        ctx.sync->sendFd(SyncMsg::ProcViews, -1);  // no FUSE on this host: the host's figures
        return;
    }
    // Made detached (fsmount), where no path is needed yet: the controller answers FUSE's
    // INIT while the root is built, and the files are cloned only once /proc is there.
    util::Fd fs(::fsopen("fuse", FSOPEN_CLOEXEC));
    if (!fs) throwSystemError(errno, "cannot open a FUSE filesystem for the container's /proc");
    auto set = [&](const char* key, const std::string& value) {
        if (::fsconfig(fs.get(), value.empty() ? FSCONFIG_SET_FLAG : FSCONFIG_SET_STRING, key,
                       value.empty() ? nullptr : value.c_str(), 0) < 0)
            throwSystemError(errno, std::string("cannot set FUSE option '") + key +
                                        "' for the container's /proc");
    };
    set("source", "cvirt");
    set("subtype", "cvirt");
    set("fd", std::to_string(dev.get()));
    set("rootmode", "40000");
    set("user_id", "0");
    set("group_id", "0");
    set("allow_other", "");
    set("default_permissions", "");
    if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        throwSystemError(errno, "cannot create the FUSE filesystem for the container's /proc");
    ctx.procViewsMount.reset(
        ::fsmount(fs.get(), FSMOUNT_CLOEXEC,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
    if (!ctx.procViewsMount)
        throwSystemError(errno, "cannot mount the FUSE filesystem for the container's /proc");
    // The controller answers from here on.
    ctx.sync->sendFd(SyncMsg::ProcViews, dev.get());
}

std::vector<ProcView> openProcViews(ChildContext& ctx, const util::DirInRoot& procDir) {
    std::vector<ProcView> views;
    util::Fd mnt = std::move(ctx.procViewsMount);
    if (!mnt) return views;
    // On the /proc directory for a moment: before Linux 6.15 a file of a detached mount
    // cannot be cloned. Detached clones of its files outlive the unmount.
    if (::move_mount(mnt.get(), "", procDir.fd.get(), "",
                     MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throwSystemError(errno, "cannot mount the FUSE filesystem on '" + procDir.path + "'");
    for (const char* name : kProcViewFiles) {
        std::string path = procDir.path + "/" + name;  // each lookup waits for the controller
        util::Fd tree(::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
        if (!tree) throwSystemError(errno, "cannot open the container's view of '" + path + "'");
        views.push_back({name, std::move(tree)});
    }
    if (::umount2(procDir.path.c_str(), MNT_DETACH) < 0)
        throwSystemError(errno, "cannot unmount the FUSE mount on '" + procDir.path + "'");
    return views;
}

void placeProcViews(std::vector<ProcView>& views, const std::string& proc) {
    for (auto& v : views) {
        std::string target = proc + "/" + v.name;
        if (::move_mount(v.tree.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
            throwSystemError(errno, "cannot mount the container's view over '" + target + "'");
        v.tree.reset();
    }
}

}  // namespace cvirt::lxc
