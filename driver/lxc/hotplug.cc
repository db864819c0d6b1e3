// SPDX-License-Identifier: GPL-3.0-or-later
// attach-device / detach-device on a running container: a <filesystem> is a host directory
// cloned here (open_tree) and moved into the container's mount namespace at its target; a
// <hostdev> storage or misc device is a node in the container's /dev, made as at start
// (container/dev.cc), and an entry in its device whitelist, as libvirt-lxc's
// lxcDomainAttachDeviceHostdevStorageLive/MiscLive do.
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "cgroup/devices.h"
#include "cvirt/error.h"
#include "lxc/backend.h"
#include "lxc/mount_ns.h"
#include "util/fd.h"
#include "util/mount.h"

namespace cvirt::lxc {

namespace {

// A detached copy of the host's tree at `source` (recursive), read-only when asked.
util::Fd cloneTree(const std::string& source, bool readonly, bool recursive) {
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
    util::Fd tree(static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, source.c_str(), flags)));
    if (!tree) throwSystemError(errno, "cannot clone the mount of '" + source + "'");
    if (readonly) {
        mount_attr attr{};
        attr.attr_set = MOUNT_ATTR_RDONLY;
        if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
                      sizeof attr) < 0)
            throwSystemError(errno, "cannot make the mount of '" + source + "' read-only");
    }
    return tree;
}

// In the container's mount namespace: the clone goes on what `target` names.
void moveInto(const util::Fd& tree, const util::Fd& target, const std::string& shown) {
    if (::syscall(SYS_move_mount, tree.get(), "", target.get(), "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throwSystemError(errno, "cannot mount on '" + shown + "' in the container");
}

// The host uid and gid the container's root is (its own root without an idmap).
std::pair<uid_t, gid_t> containerRoot(const conf::DomainDef& def) {
    auto map = [](const std::vector<conf::IdmapRange>& ranges) -> unsigned {
        for (const auto& r : ranges)
            if (r.start == 0) return static_cast<unsigned>(r.target);
        return 0;
    };
    return {map(def.idmap.uid), map(def.idmap.gid)};
}

// The file ids of the calling (helper) process become the container's root.
void actAsContainerRoot(const conf::DomainDef& live);

// In the container's mount namespace, whose root is the container's (so no link leads out
// of it): the directory `path`, made as needed, as a descriptor. Where the container's user
// namespace owns the filesystem (its /dev, a tmpfs of its own) the host's root has no id
// there (EOVERFLOW): the rest is made as the container's root.
util::Fd makeDirs(const std::string& path, const conf::DomainDef& live) {
    std::string sofar;
    for (size_t i = 0; i < path.size();) {
        size_t j = path.find('/', i + 1);
        if (j == std::string::npos) j = path.size();
        sofar += path.substr(i, j - i);
        i = j;
        if (sofar.find_first_not_of('/') == std::string::npos) continue;
        if (sofar.ends_with("/..") || sofar.ends_with("/."))
            throw Error(ErrorCode::ConfigUnsupported, "path '" + path + "' is not canonical");
        int rc = ::mkdir(sofar.c_str(), 0755);
        if (rc < 0 && errno == EOVERFLOW && !live.idmap.empty()) {
            actAsContainerRoot(live);
            rc = ::mkdir(sofar.c_str(), 0755);
        }
        if (rc < 0 && errno != EEXIST)
            throwSystemError(errno, "cannot create '" + sofar + "' in the container");
    }
    util::Fd dir(::open(path.empty() ? "/" : path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throwSystemError(errno, "cannot open '" + path + "' in the container");
    return dir;
}

// The file ids of the calling (helper) process become the container's root.
void actAsContainerRoot(const conf::DomainDef& live) {
    auto [uid, gid] = containerRoot(live);
    ::setfsgid(gid);
    ::setfsuid(uid);
}

struct HostNode {
    struct stat st {};
    cgroup::DeviceRule rule;
};

// libvirt's checks of a <hostdev mode='capabilities'> source and its words.
HostNode hostNode(const conf::Hostdev& h) {
    if (h.type == conf::HostdevCapsType::Net)
        throw Error(ErrorCode::ConfigUnsupported, "Unsupported host device type net");
    HostNode n;
    if (::stat(h.source.c_str(), &n.st) < 0)
        throwSystemError(errno, "Unable to access " + h.source);
    bool storage = h.type == conf::HostdevCapsType::Storage;
    if (storage ? !S_ISBLK(n.st.st_mode) : !S_ISCHR(n.st.st_mode))
        throw Error(ErrorCode::ConfigUnsupported, "Hostdev source " + h.source + " must be a " +
                                                      (storage ? "block" : "character") +
                                                      " device");
    n.rule = {storage ? 'b' : 'c', static_cast<long>(major(n.st.st_rdev)),
              static_cast<long>(minor(n.st.st_rdev)), "rwm"};
    return n;
}

// The container's whitelist with and without one host device.
std::vector<cgroup::DeviceRule> rulesWith(const conf::DomainDef& live, const conf::Hostdev* extra,
                                          const conf::Hostdev* without) {
    conf::DomainDef def = live;
    if (extra) def.hostdevs.push_back(*extra);
    if (without)
        for (auto it = def.hostdevs.end(); it != def.hostdevs.begin();)
            if (*--it == *without) {
                def.hostdevs.erase(it);
                break;
            }
    return cgroup::deviceRules(def);
}

void attachFilesystem(const state::LiveDomain& d, const conf::DomainDef& live,
                      const conf::Filesystem& fs) {
    if (fs.type != conf::FsType::Mount && fs.type != conf::FsType::Bind)
        throw Error(ErrorCode::ConfigUnsupported,
                    "filesystem type '" + std::string(conf::kFsTypeNames.name(fs.type)) +
                        "' cannot be attached to a running container (only 'mount' and 'bind')");
    util::Fd tree = cloneTree(fs.source, fs.readonly, true);
    runInMountNamespace(d.initPid, d.name,
                        [&] { moveInto(tree, makeDirs(fs.target, live), fs.target); });
}

void detachFilesystem(const state::LiveDomain& d, const conf::Filesystem& fs) {
    runInMountNamespace(d.initPid, d.name, [&] {
        if (::umount2(fs.target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
            throwSystemError(errno, "cannot unmount '" + fs.target + "' in the container");
    });
}

void attachHostdev(const state::LiveDomain& d, const conf::DomainDef& live,
                   cgroup::DomainCgroup& cg, const conf::Hostdev& h) {
    HostNode node = hostNode(h);
    std::vector<cgroup::DeviceRule> before = rulesWith(live, nullptr, &h);
    std::vector<cgroup::DeviceRule> after = rulesWith(live, nullptr, nullptr);
    cg.changeDevices(before, after);
    bool userns = !live.idmap.empty();
    auto [uid, gid] = containerRoot(live);
    // In a user namespace the kernel ignores nodes on the container's /dev: the host's node is
    // bound there instead, as at start.
    util::Fd tree;
    try {
        if (userns) tree = cloneTree(h.source, false, false);
        size_t slash = h.source.rfind('/');
        std::string name = h.source.substr(slash + 1);
        runInMountNamespace(d.initPid, d.name, [&] {
            util::Fd parent = makeDirs(h.source.substr(0, slash), live);
            int dir = parent.get();
            if (userns) {
                // the container's /dev belongs to its user namespace: made as its root
                actAsContainerRoot(live);
                util::Fd made(::openat(dir, name.c_str(),
                                       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                       node.st.st_mode & 07777));
                if (!made) throwSystemError(errno, "Unable to create device " + h.source);
                util::Fd at(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
                if (!at) throwSystemError(errno, "Unable to create device " + h.source);
                moveInto(tree, at, h.source);
            } else if (::mknodat(dir, name.c_str(), node.st.st_mode, node.st.st_rdev) < 0) {
                throwSystemError(errno, "Unable to create device " + h.source);
            }
            if (!userns && ::fchownat(dir, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                throwSystemError(errno, "cannot change the owner of " + h.source);
        });
    } catch (const Error&) {
        try {
            cg.changeDevices(after, before);
        } catch (const Error&) {
        }
        throw;
    }
}

void detachHostdev(const state::LiveDomain& d, const conf::DomainDef& live,
                   cgroup::DomainCgroup& cg, const conf::Hostdev& h) {
    runInMountNamespace(d.initPid, d.name, [&] {
        if (::umount2(h.source.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL &&
            errno != ENOENT)
            throwSystemError(errno, "Unable to remove device " + h.source);
        if (::unlink(h.source.c_str()) < 0 && errno != ENOENT)
            throwSystemError(errno, "Unable to remove device " + h.source);
    });
    cg.changeDevices(rulesWith(live, &h, nullptr), rulesWith(live, nullptr, nullptr));
}

}  // namespace

void LxcBackend::attachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                              backend::Device& dev) {
    if (auto* fs = std::get_if<conf::Filesystem>(&dev)) return attachFilesystem(d, live, *fs);
    if (auto* h = std::get_if<conf::Hostdev>(&dev)) {
        auto cg = cgroupOf(live);
        return attachHostdev(d, live, cg, *h);
    }
    throw Error(ErrorCode::ConfigUnsupported, "device type 'disk' cannot be attached");
}

void LxcBackend::detachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                              const backend::Device& gone) {
    if (auto* fs = std::get_if<conf::Filesystem>(&gone)) return detachFilesystem(d, *fs);
    if (auto* h = std::get_if<conf::Hostdev>(&gone)) {
        auto cg = cgroupOf(live);
        return detachHostdev(d, live, cg, *h);
    }
    throw Error(ErrorCode::ConfigUnsupported, "device type 'disk' cannot be detached");
}

void LxcBackend::changeMedia(const state::LiveDomain& d, const conf::Disk&, const conf::Disk&) {
    throw Error(ErrorCode::ConfigUnsupported,
                "domain '" + d.name + "' is a container: it has no removable media");
}

}  // namespace cvirt::lxc
