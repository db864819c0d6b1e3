// SPDX-License-Identifier: GPL-3.0-or-later
// The controller's FUSE files over /proc/meminfo, cpuinfo, stat and uptime (the controller's
// side: lxc/controller/proc_fuse.h). The child mounts the filesystem itself, in its own mount
// namespace: the host never sees it, so no stale mount can outlive the container. /dev/fuse is
// opened here too, as the kernel wants the connection opened in the user namespace that
// mounts it.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "lxc/container/child.h"
#include "lxc/controller/proc_views.h"
#include "util/mount.h"

namespace cvirt::lxc {

std::vector<ProcView> openProcViews(ChildContext& ctx, const util::DirInRoot& procDir) {
    std::vector<ProcView> views;
    util::Fd dev = std::move(ctx.fuseDev);
    if (!dev) {
        int err = ctx.fuseErrno;
        if (err != ENOENT && err != ENODEV && err != ENXIO)
            throwSystemError(err, "cannot open '/dev/fuse' for the container's /proc");
        ctx.sync->sendFd(SyncMsg::ProcViews, -1);  // no FUSE on this host: the host's figures
        return views;
    }
    // Mounted on the /proc directory for a moment: no other path is ours to use. Detached
    // clones of its files outlive the unmount.
    std::string options = "fd=" + std::to_string(dev.get()) +
                          ",rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions";
    util::mountFs("cvirt", procDir, "fuse.cvirt", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  options);
    // The controller answers from here on: every lookup below waits for it.
    ctx.sync->sendFd(SyncMsg::ProcViews, dev.get());
    dev.reset();
    for (const char* name : kProcViewFiles) {
        std::string path = procDir.path + "/" + name;
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
