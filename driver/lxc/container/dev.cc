// SPDX-License-Identifier: GPL-3.0-or-later
// A private /dev: tmpfs with the standard nodes, a new devpts instance, the console bound
// to the controller's pty, the usual links, and the <hostdev> storage and misc nodes at their
// host paths. No other host device is visible.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "lxc/container/child.h"
#include "util/fd.h"
#include "util/mount.h"

namespace cvirt::lxc {

namespace {

// The standard nodes, made as the host has them.
constexpr const char* kNodes[] = {"null", "zero", "full", "random", "urandom", "tty"};

void symlinkOrThrow(const char* target, const std::string& link) {
    if (::symlink(target, link.c_str()) < 0)
        throwSystemError(errno, "cannot create '" + link + "'");
}

// A handle on a host file that stays usable once a new /dev hides it (the container may
// share the host's root, where /dev is about to be covered).
util::Fd holdPath(const std::string& path) {
    util::Fd fd(::open(path.c_str(), O_PATH | O_CLOEXEC));
    if (!fd) throwSystemError(errno, "cannot open '" + path + "'");
    return fd;
}

// The host's device node `host` made again at `path`: mknod with its type, numbers and mode,
// or, in a user namespace where mknod is refused, the host's node bound over an empty file.
void installNode(const ChildContext& ctx, const util::Fd& host, const std::string& hostPath,
                 const std::string& path) {
    struct stat st {};
    if (::fstat(host.get(), &st) < 0) throwSystemError(errno, "cannot stat '" + hostPath + "'");
    if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
        throw Error(ErrorCode::InvalidArg, "'" + hostPath + "' is not a device node");
    if (ctx.userns) {
        util::touchFile(path, st.st_mode & 07777);
        util::bindMount(util::procPath(host), path, false);
        return;
    }
    if (::mknod(path.c_str(), st.st_mode, st.st_rdev) < 0)
        throwSystemError(errno, "cannot create device node '" + path + "'");
    ::chmod(path.c_str(), st.st_mode & 07777);  // umask
}

}  // namespace

void setUpDev(const ChildContext& ctx, const std::string& root) {
    util::DirInRoot devDir = util::makeDirsInRoot(root, "/dev");
    const std::string& dev = devDir.path;
    std::vector<util::Fd> consoles;
    for (const auto& path : ctx.consolePaths)
        consoles.push_back(holdPath(path));
    // Held before the new /dev covers the host's (the root may be the host's own).
    std::vector<std::pair<std::string, util::Fd>> nodes;
    for (const char* name : kNodes) {
        std::string host = std::string("/dev/") + name;
        nodes.emplace_back(host, holdPath(host));
    }
    for (const auto& h : ctx.def->hostdevs)
        if (h.type != conf::HostdevCapsType::Net) nodes.emplace_back(h.source, holdPath(h.source));
    util::mountFs("devfs", devDir, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k");

    // in the new tmpfs: "/dev/x/y" below `dev`, made by us, no links
    for (const auto& [host, fd] : nodes) {
        std::string rel = host.substr(std::string("/dev").size());
        util::DirInRoot parent = util::makeDirsInRoot(dev, rel.substr(0, rel.rfind('/')));
        installNode(ctx, fd, host, parent.path + rel.substr(rel.rfind('/')));
    }

    std::string pts = dev + "/pts";
    if (::mkdir(pts.c_str(), 0755) < 0) throwSystemError(errno, "cannot create '" + pts + "'");
    util::mountFs("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
                  "newinstance,ptmxmode=0666,mode=0620");
    symlinkOrThrow("pts/ptmx", dev + "/ptmx");

    for (size_t i = 0; i < consoles.size(); ++i) {
        std::string tty = dev + "/tty" + std::to_string(i + 1);
        util::touchFile(tty, 0600);
        util::bindMount(util::procPath(consoles[i]), tty, false);
    }
    std::string consolePath = dev + "/console";
    util::touchFile(consolePath, 0600);
    util::bindMount(util::procPath(consoles.at(0)), consolePath, false);

    std::string shm = dev + "/shm";
    if (::mkdir(shm.c_str(), 01777) < 0) throwSystemError(errno, "cannot create '" + shm + "'");
    util::mountFs("shm", shm, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");

    symlinkOrThrow("/proc/self/fd", dev + "/fd");
    symlinkOrThrow("/proc/self/fd/0", dev + "/stdin");
    symlinkOrThrow("/proc/self/fd/1", dev + "/stdout");
    symlinkOrThrow("/proc/self/fd/2", dev + "/stderr");
}

}  // namespace cvirt::lxc
