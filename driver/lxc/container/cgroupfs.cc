// SPDX-License-Identifier: GPL-3.0-or-later
// The container's /sys/fs/cgroup: in every hierarchy the host has, the domain's own cgroup,
// bound from the host's mount (as libvirt does) and read-only (so nothing inside can raise
// its own limits). A bind, where a fresh cgroupfs mount in the cgroup namespace would cost
// the kernel a walk over every cgroup of the host (cgroup1_get_tree drains the default
// hierarchy) and of its superblocks: a start with a thousand containers running paid ~10x
// for each. The host's cgroup mounts that came with a bind of /sys are detached first.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "cvirt/error.h"
#include "lxc/container/child.h"
#include "util/file.h"
#include "util/mount.h"
#include "util/stamp.h"

namespace cvirt::lxc {

namespace {

constexpr unsigned long kFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC;

// The domain's cgroup in hierarchy `i`, cloned from the host's mount and placed on `dir`.
void bindLeaf(const ChildContext& ctx, size_t i, const std::string& dir) {
    const std::string& leaf = ctx.cgroupLeaves[i];
    util::Fd tree(
        ::open_tree(ctx.cgroupMounts[i].get(), leaf.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!tree)
        throwSystemError(errno, "cannot open the domain's cgroup '" +
                                    (ctx.cgroups->hierarchies[i].mount / leaf).string() + "'");
    if (::move_mount(tree.get(), "", AT_FDCWD, dir.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throwSystemError(errno, "cannot mount the domain's cgroup on '" + dir + "'");
}

}  // namespace

void openCgroupMounts(ChildContext& ctx) {
    const auto& hs = ctx.cgroups->hierarchies;
    ctx.cgroupLeaves.resize(hs.size());
    std::optional<std::string> own;  // /proc/self/cgroup, read once if needed
    for (size_t i = 0; i < hs.size(); ++i) {
        const cgroup::Hierarchy& h = hs[i];
        ctx.cgroupMounts.emplace_back(::open(h.mount.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!ctx.cgroupMounts.back())
            throwSystemError(errno, "cannot open the host's cgroup '" + h.mount.string() + "'");
        std::string& leaf = ctx.cgroupLeaves[i];
        if (!leaf.empty()) continue;
        // Where the domain has no cgroup of its own (a named hierarchy such as systemd's):
        // ours, inherited from the controller, as a mount in the cgroup namespace would show.
        if (!own) own = util::readFile("/proc/self/cgroup");
        leaf = cgroup::cgroupIn(*own, h);
        while (leaf.starts_with('/'))
            leaf.erase(0, 1);
        if (leaf.empty()) leaf = ".";
    }
}

void mountCgroupFs(const ChildContext& ctx) {
    if (ctx.sysPath.empty()) return;
    const std::string base = ctx.sysPath + "/fs/cgroup";
    struct stat st {};
    if (::stat(base.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) return;  // no sysfs inside
    const cgroup::HostLayout& host = *ctx.cgroups;
    // In a user namespace the host's mounts are locked in place and stay: ours go on top.
    while (::umount2(base.c_str(), MNT_DETACH) == 0) {
    }
    util::mountFs("tmpfs", base, "tmpfs", kFlags, "mode=755,size=64k");
    const auto& hs = host.hierarchies;
    if (host.layout == cgroup::Layout::Unified && hs.size() == 1) {
        bindLeaf(ctx, 0, base);  // over the tmpfs
    } else {
        for (size_t i = 0; i < hs.size(); ++i) {
            const cgroup::Hierarchy& h = hs[i];
            // The host's name for the directory ("memory", "cpu,cpuacct", "unified").
            std::string rel = h.mount.lexically_relative("/sys/fs/cgroup").string();
            if (rel.empty() || rel.starts_with("..") || rel.find('/') != std::string::npos)
                rel = h.mount.filename().string();
            std::string dir = base + "/" + rel;
            if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST)
                throwSystemError(errno, "cannot create '" + dir + "'");
            try {
                bindLeaf(ctx, i, dir);
            } catch (Error& e) {
                throw std::move(e).withContext("cannot mount the container's cgroup '" + rel + "'");
            }
            util::stamp("child:cgroupfs-mounted " + rel);
            // "cpu" → "cpu,cpuacct", as hosts lay co-mounted controllers out
            if (h.controllers.size() > 1)
                for (const auto& c : h.controllers)
                    if (c != rel) (void)::symlink(rel.c_str(), (base + "/" + c).c_str());
        }
    }
    // the tmpfs and every bind on it read-only, in one call
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    if (::mount_setattr(AT_FDCWD, base.c_str(), AT_RECURSIVE, &attr, sizeof attr) < 0)
        throwSystemError(errno, "cannot make '" + base + "' read-only");
}

}  // namespace cvirt::lxc
