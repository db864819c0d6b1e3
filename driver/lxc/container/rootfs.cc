// The container's file system view: its root (pivot_root) or the host's, the further
// filesystems in order, /proc with the dangerous parts read-only, /sys read-only.
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "lxc/container/child.h"
#include "util/mount.h"

namespace cvirt::lxc {

namespace {

const conf::Filesystem* rootFilesystem(const conf::DomainDef& def) {
    for (const auto& fs : def.filesystems)
        if (fs.target == "/") return &fs;
    return nullptr;
}

void mountFilesystem(const conf::Filesystem& fs, const std::string& root) {
    util::makeDirsInRoot(root, fs.target);
    std::string target = root + fs.target;
    switch (fs.type) {
        case conf::FsType::Mount:
        case conf::FsType::Bind:
            util::bindMount(fs.source, target, true);
            if (fs.readonly) util::remountReadOnly(target);
            break;
        case conf::FsType::Ram: {
            std::string opts = "mode=755";
            if (fs.usageKiB) opts += ",size=" + std::to_string(*fs.usageKiB) + "k";
            util::mountFs("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | (fs.readonly ? MS_RDONLY : 0),
                          opts);
            break;
        }
        case conf::FsType::Block:
        case conf::FsType::File:
            throw Error(ErrorCode::ConfigUnsupported,
                        "filesystem type '" + std::string(conf::kFsTypeNames.name(fs.type)) +
                            "' at '" + fs.target + "' is not supported yet");
    }
}

// /proc of the new pid namespace, with the host-affecting parts read-only (as libvirt).
void setUpProc(const std::string& root) {
    util::makeDirsInRoot(root, "/proc");
    std::string proc = root + "/proc";
    util::mountFs("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
    for (const char* p : {"/sys", "/sysrq-trigger", "/irq", "/bus", "/fs"}) {
        std::string path = proc + p;
        struct stat st {};
        if (::stat(path.c_str(), &st) < 0) continue;
        util::bindMount(path, path, true);
        util::remountReadOnly(path);
    }
}

void setUpSys(const std::string& root, bool privateNet) {
    util::makeDirsInRoot(root, "/sys");
    std::string sys = root + "/sys";
    unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
    // sysfs can only be mounted by the owner of the network namespace.
    if (privateNet && ::mount("sysfs", sys.c_str(), "sysfs", flags, nullptr) == 0) return;
    util::bindMount("/sys", sys, true);
    util::remountReadOnly(sys);
}

void pivotInto(const std::string& root) {
    if (::chdir(root.c_str()) < 0) throwSystemError(errno, "cannot enter '" + root + "'");
    if (::syscall(SYS_pivot_root, ".", ".") < 0)
        throwSystemError(errno, "cannot pivot_root into '" + root + "'");
    if (::umount2(".", MNT_DETACH) < 0) throwSystemError(errno, "cannot detach the host's root");
    if (::chdir("/") < 0) throwSystemError(errno, "cannot enter the container root");
}

}  // namespace

void setUpRoot(const ChildContext& ctx) {
    const conf::DomainDef& def = *ctx.def;
    // Nothing mounted here propagates back to the host.
    util::mountFs("", "/", nullptr, MS_REC | MS_SLAVE);

    const conf::Filesystem* rootFs = rootFilesystem(def);
    std::string root;  // "" = the host's root is shared, as libvirt does without one
    if (rootFs) {
        struct stat st {};
        if (::stat(rootFs->source.c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
            throw Error(ErrorCode::OperationFailed,
                        "root filesystem source '" + rootFs->source + "' is not a directory",
                        errno);
        root = rootFs->source;
        util::bindMount(root, root, true);
    }
    for (const auto& fs : def.filesystems)
        if (&fs != rootFs) mountFilesystem(fs, root);
    setUpProc(root);
    setUpSys(root, ctx.privateNet);
    setUpDev(ctx, root);
    if (rootFs) {
        pivotInto(root);
        if (rootFs->readonly) util::remountReadOnly("/");
    }
}

}  // namespace cvirt::lxc
