// A private /dev: tmpfs with the standard nodes, a new devpts instance, the console bound
// to the controller's pty, and the usual links. No other host device is visible.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <iterator>
#include <vector>

#include "lxc/container/child.h"
#include "util/fd.h"
#include "util/mount.h"

namespace cvirt::lxc {

namespace {

struct DevNode {
    const char* name;
    unsigned major, minor;
};
constexpr DevNode kNodes[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                              {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};

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

std::string viaFd(const util::Fd& fd) {
    return "/proc/self/fd/" + std::to_string(fd.get());
}

}  // namespace

void setUpDev(const ChildContext& ctx, const std::string& root) {
    util::makeDirsInRoot(root, "/dev");
    std::string dev = root + "/dev";
    util::Fd console = holdPath(ctx.consolePath);
    std::vector<util::Fd> hostNodes;
    if (ctx.userns)
        for (const DevNode& n : kNodes)
            hostNodes.push_back(holdPath(std::string("/dev/") + n.name));
    util::mountFs("devfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k");

    for (size_t i = 0; i < std::size(kNodes); ++i) {
        const DevNode& n = kNodes[i];
        std::string path = dev + "/" + n.name;
        if (ctx.userns) {
            // mknod is not allowed in a user namespace: bind the host's node instead.
            util::touchFile(path, 0666);
            util::bindMount(viaFd(hostNodes[i]), path, false);
        } else if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(n.major, n.minor)) < 0) {
            throwSystemError(errno, "cannot create device node '" + path + "'");
        } else {
            ::chmod(path.c_str(), 0666);  // umask
        }
    }

    std::string pts = dev + "/pts";
    if (::mkdir(pts.c_str(), 0755) < 0) throwSystemError(errno, "cannot create '" + pts + "'");
    util::mountFs("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC,
                  "newinstance,ptmxmode=0666,mode=0620");
    symlinkOrThrow("pts/ptmx", dev + "/ptmx");

    std::string consolePath = dev + "/console";
    util::touchFile(consolePath, 0600);
    util::bindMount(viaFd(console), consolePath, false);

    std::string shm = dev + "/shm";
    if (::mkdir(shm.c_str(), 01777) < 0) throwSystemError(errno, "cannot create '" + shm + "'");
    util::mountFs("shm", shm, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");

    symlinkOrThrow("/proc/self/fd", dev + "/fd");
    symlinkOrThrow("/proc/self/fd/0", dev + "/stdin");
    symlinkOrThrow("/proc/self/fd/1", dev + "/stdout");
    symlinkOrThrow("/proc/self/fd/2", dev + "/stderr");
}

}  // namespace cvirt::lxc
