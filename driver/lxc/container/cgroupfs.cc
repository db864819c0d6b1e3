// SPDX-License-Identifier: GPL-3.0-or-later
// The container's /sys/fs/cgroup: every hierarchy the host has, mounted afresh from inside
// the cgroup namespace (so each one's root is the domain's own cgroup) and read-only (so
// nothing inside can raise its own limits). The host's cgroup mounts that came with a bind
// of /sys are detached first.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "cvirt/error.h"
#include "lxc/container/child.h"
#include "util/mount.h"
#include "util/stamp.h"

namespace cvirt::lxc {

namespace {

constexpr unsigned long kFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
const std::string kBase = "/sys/fs/cgroup";

// What follows "-o": "memory", "cpu,cpuacct", "none,name=systemd", "hugetlb,name=x".
std::string v1Options(const cgroup::Hierarchy& h) {
    std::string opts;
    for (const auto& c : h.controllers)
        opts += (opts.empty() ? "" : ",") + c;
    if (!h.name.empty()) opts += (opts.empty() ? "none,name=" : ",name=") + h.name;
    return opts;
}

// Read-only from the start: MS_RDONLY on a new mount of an existing hierarchy makes that
// mount read-only (the superblock is the host's, shared, and stays as it is), one call where
// a mount and a read-only remount were two (and a statvfs).
void mountHierarchy(const cgroup::Hierarchy& h, const std::string& dir) {
    if (h.unified)
        util::mountFs("cgroup2", dir, "cgroup2", kFlags | MS_RDONLY);
    else
        util::mountFs("cgroup", dir, "cgroup", kFlags | MS_RDONLY, v1Options(h));
}

}  // namespace

void mountCgroupFs(const cgroup::HostLayout& host) {
    struct stat st {};
    if (::stat(kBase.c_str(), &st) < 0 || !S_ISDIR(st.st_mode)) return;  // no sysfs inside
    // In a user namespace the host's mounts are locked in place and stay: ours go on top.
    while (::umount2(kBase.c_str(), MNT_DETACH) == 0) {
    }
    util::mountFs("tmpfs", kBase, "tmpfs", kFlags, "mode=755,size=64k");
    if (host.layout == cgroup::Layout::Unified && host.hierarchies.size() == 1) {
        // over the tmpfs: cgroup2 straight on the host's cgroup2 would be refused (EBUSY)
        mountHierarchy(host.hierarchies.front(), kBase);
        return;
    }
    for (const auto& h : host.hierarchies) {
        // The host's name for the directory ("memory", "cpu,cpuacct", "unified", "systemd").
        std::string rel = h.mount.lexically_relative(kBase).string();
        if (rel.empty() || rel.starts_with("..") || rel.find('/') != std::string::npos)
            rel = h.mount.filename().string();
        std::string dir = kBase + "/" + rel;
        if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST)
            throwSystemError(errno, "cannot create '" + dir + "'");
        try {
            mountHierarchy(h, dir);
        } catch (Error& e) {
            throw std::move(e).withContext("cannot mount the container's cgroup '" + rel + "'");
        }
        util::stamp("child:cgroupfs-mounted " + rel);
        // "cpu" → "cpu,cpuacct", as hosts lay co-mounted controllers out
        if (h.controllers.size() > 1)
            for (const auto& c : h.controllers)
                if (c != rel) (void)::symlink(rel.c_str(), (kBase + "/" + c).c_str());
    }
    util::mountFs("", kBase, nullptr, MS_REMOUNT | MS_RDONLY | kFlags, "mode=755,size=64k");
}

}  // namespace cvirt::lxc
