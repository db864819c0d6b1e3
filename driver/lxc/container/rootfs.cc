// SPDX-License-Identifier: GPL-3.0-or-later
// The container's file system view: its root (pivot_root) or the host's, the further
// filesystems in order, /proc with the dangerous parts read-only, /sys read-only.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "lxc/container/child.h"
#include "lxc/container/made_dirs.h"
#include "storage/layers.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/mount.h"
#include "util/no_follow.h"
#include "util/stamp.h"

namespace cvirt::lxc {

namespace {

// What setUpProc and setUpSys hide (docs/SECURITY.md lists them with the reason).
const std::vector<const char*> kProcReadOnly = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
const std::vector<const char*> kProcMasked = {
    "kcore",       "kmsg",          "keys", "key-users", "timer_list", "timer_stats",
    "sched_debug", "latency_stats", "acpi", "scsi",      "asound"};
const std::vector<const char*> kSysMasked = {"firmware", "devices/virtual/powercap",
                                             "kernel/security", "kernel/debug"};

const conf::Filesystem* rootFilesystem(const conf::DomainDef& def) {
    for (const auto& fs : def.filesystems)
        if (fs.target == "/") return &fs;
    return nullptr;
}

// Mounts a block device trying the kernel's block file system types in turn, as mount(8)
// does without -t.
void mountBlock(const std::string& dev, const util::DirInRoot& dir, bool readonly,
                const std::string& what) {
    std::string target = util::procPath(dir.fd);
    std::string types = util::readFileIfExists("/proc/filesystems").value_or("");
    size_t pos = 0;
    int lastErr = EINVAL;
    while (pos < types.size()) {
        size_t eol = types.find('\n', pos);
        std::string line =
            types.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
        pos = eol == std::string::npos ? types.size() : eol + 1;
        if (line.rfind("nodev", 0) == 0) continue;
        std::string type = line.substr(line.find_first_not_of(" \t"));
        if (type.empty()) continue;
        if (::mount(dev.c_str(), target.c_str(), type.c_str(), readonly ? MS_RDONLY : 0, nullptr) ==
            0)
            return;
        lastErr = errno;
    }
    throwSystemError(lastErr,
                     "cannot mount " + what + " on '" + dir.path + "' (no file system recognised)");
}

// A source named in the XML, opened without following links (util::openNoFollow); a source
// that is not there keeps the message it always had (`failed`: the errno follows).
util::Fd openSource(const std::string& source, int flags, const std::string& what,
                    const std::string& failed) {
    try {
        return util::openNoFollow(source, flags, what + " '" + source + "'");
    } catch (const Error& e) {
        if (e.code() != ErrorCode::SystemError) throw;
        throwSystemError(e.sysErrno(), failed);
    }
}

// Binds a host directory named in the XML. It is opened without following links (a
// container with a writable volume above it could have swapped it for one) and bound
// through the descriptor, so what was checked is what gets mounted.
void bindSource(const std::string& source, const std::string& target, const std::string& shown,
                const std::string& what) {
    util::Fd src =
        openSource(source, O_PATH, what, "cannot bind mount '" + source + "' on '" + shown + "'");
    if (::mount(util::procPath(src).c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) <
        0)
        throwSystemError(errno, "cannot bind mount '" + source + "' on '" + shown + "'");
}

// A clone volume (storage/layers.h) as a filesystem source: its overlay goes where a bind of
// its (empty) directory would, in this mount namespace only, so it ends with the container.
// A volume that clones stand on is their read-only lower layer: overlayfs leaves what a
// change under it does to them undefined, so it is used read-only or not at all.
bool mountCloneVolume(const std::string& source, const std::string& target,
                      const std::string& shown, bool readonly) {
    if (!readonly)
        if (auto deps = storage::cloneDependants(source); !deps.empty()) {
            std::string list;
            for (const auto& d : deps)
                list += (list.empty() ? "'" : ", '") + d + "'";
            throw Error(ErrorCode::OperationInvalid,
                        "volume '" + source + "' is the read-only lower layer of clones " + list +
                            ": use it read-only or a clone of it");
        }
    auto overlay = storage::cloneOverlay(source);
    if (!overlay) return false;
    if (::mount("overlay", target.c_str(), "overlay", 0,
                storage::overlayOptions(*overlay).c_str()) < 0)
        throwSystemError(
            errno, "cannot mount the layers of clone volume '" + source + "' on '" + shown + "'");
    return true;
}

void mountFilesystem(const conf::Filesystem& fs, const std::string& root) {
    util::DirInRoot target = util::makeDirsInRoot(root, fs.target);
    switch (fs.type) {
        case conf::FsType::Mount:
        case conf::FsType::Bind:
            if (!mountCloneVolume(fs.source, util::procPath(target.fd), target.path, fs.readonly))
                bindSource(fs.source, util::procPath(target.fd), target.path, "filesystem source");
            if (fs.readonly) util::remountReadOnly(target.path);
            break;
        case conf::FsType::Ram: {
            std::string opts;  // tmpfs default mode 1777, as libvirt leaves it
            if (fs.usageKiB) opts = "size=" + std::to_string(*fs.usageKiB) + "k";
            util::mountFs("tmpfs", target, "tmpfs",
                          MS_NOSUID | MS_NODEV | (fs.readonly ? MS_RDONLY : 0), opts);
            break;
        }
        case conf::FsType::Block: {
            // Under /dev links are udev's (/dev/disk/by-uuid/…), and no container writes
            // there; anywhere else one could have been planted, as for a directory.
            util::Fd node;
            if (fs.source.rfind("/dev/", 0) != 0)
                node = openSource(fs.source, O_PATH, "filesystem source",
                                  "cannot open '" + fs.source + "'");
            mountBlock(node ? util::procPath(node) : fs.source, target, fs.readonly,
                       "block device '" + fs.source + "'");
            break;
        }
        case conf::FsType::File:
            // the controller attached it and handed it on as a block device (image_devices.h)
            throw Error(ErrorCode::Internal, "image '" + fs.source + "' was not attached");
    }
}

// Hides what is at `path` (in a proc or sys mount just made): a file behind /dev/null, a
// directory behind an empty read-only tmpfs. Paths this kernel lacks are skipped.
void mask(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) < 0) return;
    if (S_ISDIR(st.st_mode))
        util::mountFs("masked", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                      "size=0,mode=555");
    else
        util::bindMount("/dev/null", path, false);
}

void readOnly(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) < 0) return;
    util::bindMount(path, path, true);
    util::remountReadOnly(path);
}

// /proc of the new pid namespace: what configures the host read-only (as libvirt and LXC's
// proc:mixed), what shows the host's kernel memory, keys, log and timers masked (as crun's
// and Docker's defaults). The kernel's own ownership checks stand behind both in a user
// namespace; the default seccomp profile keeps a container without one from unmounting them.
void setUpProc(ChildContext& ctx, const std::string& root) {
    util::DirInRoot dir = util::makeDirsInRoot(root, "/proc");
    std::vector<ProcView> views;
    if (ctx.procViews) views = openProcViews(ctx, dir);
    util::stamp("child:proc-views-opened");
    util::mountFs("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
    const std::string& proc = dir.path;
    placeProcViews(views, proc);
    util::stamp("child:proc-mounted");
    for (const char* p : kProcReadOnly)
        readOnly(proc + "/" + p);
    for (const char* p : kProcMasked)
        mask(proc + "/" + p);
    util::stamp("child:proc-masked");
}

std::string setUpSys(const std::string& root, bool privateNet) {
    util::DirInRoot dir = util::makeDirsInRoot(root, "/sys");
    const std::string& sys = dir.path;
    unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY;
    // sysfs can only be mounted by the owner of the network namespace.
    std::string target = util::procPath(dir.fd);
    if (!privateNet || ::mount("sysfs", target.c_str(), "sysfs", flags, nullptr) < 0) {
        util::bindMount("/sys", dir, true);
        util::remountReadOnly(sys);
    }
    util::stamp("child:sys-mounted");
    for (const char* p : kSysMasked)
        mask(sys + "/" + p);
    util::stamp("child:sys-masked");
    return sys;
}

void pivotInto(const std::string& root) {
    if (::chdir(root.c_str()) < 0) throwSystemError(errno, "cannot enter '" + root + "'");
    if (::syscall(SYS_pivot_root, ".", ".") < 0)
        throwSystemError(errno, "cannot pivot_root into '" + root + "'");
    if (::umount2(".", MNT_DETACH) < 0) throwSystemError(errno, "cannot detach the host's root");
    if (::chdir("/") < 0) throwSystemError(errno, "cannot enter the container root");
}

}  // namespace

void setUpRoot(ChildContext& ctx) {
    const conf::DomainDef& def = *ctx.def;
    // Nothing mounted here propagates back to the host.
    util::mountFs("", "/", nullptr, MS_REC | MS_SLAVE);

    const conf::Filesystem* rootFs = rootFilesystem(def);
    std::string root;  // "" = the host's root is shared, as libvirt does without one
    if (rootFs && rootFs->type == conf::FsType::Block) {
        // an image the controller attached, or a device: mounted on the controller's mount
        // point in this mount namespace only, so it ends with the container
        root = ctx.imageRoot;
        util::Fd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!dir) throwSystemError(errno, "cannot open '" + root + "'");
        mountBlock(rootFs->source, util::DirInRoot{std::move(dir), root}, rootFs->readonly,
                   "root device '" + rootFs->source + "'");
    } else if (rootFs) {
        struct stat st {};
        if (::stat(rootFs->source.c_str(), &st) < 0)
            throwSystemError(errno, "cannot use root filesystem source '" + rootFs->source + "'");
        if (!S_ISDIR(st.st_mode))
            throw Error(ErrorCode::ConfigUnsupported,
                        "root filesystem source '" + rootFs->source +
                            "' is not a directory (an image file is <filesystem type='file'>)");
        root = rootFs->source;
        if (!mountCloneVolume(root, root, root, rootFs->readonly))
            bindSource(root, root, root, "root filesystem source");
    }
    util::stamp("child:root-bound");
    MadeDirs made(root);  // removed again if anything below throws
    for (const auto& fs : def.filesystems) {
        if (&fs == rootFs) continue;
        made.note(fs.target);
        mountFilesystem(fs, root);
    }
    setUpProc(ctx, root);
    ctx.sysPath = setUpSys(root, ctx.privateNet);
    setUpDev(ctx, root);
    util::stamp("child:dev-made");
    made.keep();
    ctx.root = root;
    ctx.pivot = rootFs != nullptr;
    ctx.readonlyRoot = rootFs && rootFs->readonly;
}

void enterRoot(const ChildContext& ctx) {
    if (!ctx.pivot) return;
    pivotInto(ctx.root);
    if (ctx.readonlyRoot) util::remountReadOnly("/");
    util::stamp("child:pivoted");
}

}  // namespace cvirt::lxc
