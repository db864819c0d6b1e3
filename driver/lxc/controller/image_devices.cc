// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/controller/image_devices.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "cvirt/error.h"
#include "util/file.h"
#include "util/inherit.h"
#include "util/no_follow.h"
#include "util/process.h"
#include "util/stream.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

namespace {

// How long qemu-nbd may take to open an image and connect its device (a TCG test VM is slow),
// and to let go of it when stopped.
constexpr long kNbdConnectMs = 30000;
constexpr long kNbdStopMs = 5000;

bool isRaw(const std::string& format) {
    return format.empty() || format == "raw";
}

// The image, opened without following links (a container with a writable volume above it
// could have swapped it for one).
util::Fd openImage(const conf::Filesystem& fs) {
    try {
        return util::openNoFollow(fs.source, (fs.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC,
                                  "image '" + fs.source + "'");
    } catch (const Error& e) {
        if (e.code() != ErrorCode::SystemError) throw;  // a link: its own message
        throwSystemError(e.sysErrno(), "cannot open image '" + fs.source + "'");
    }
}

struct Loop {
    std::string dev;
    util::Fd fd;
};

// A free loop device over the image, autoclear: the kernel releases it with the last user.
Loop attachLoop(const conf::Filesystem& fs) {
    util::Fd backing = openImage(fs);
    util::Fd ctl(::open("/dev/loop-control", O_RDWR | O_CLOEXEC));
    if (!ctl) throwSystemError(errno, "cannot open /dev/loop-control");
    for (int attempt = 0; attempt < 8; ++attempt) {
        int n = ::ioctl(ctl.get(), LOOP_CTL_GET_FREE);
        if (n < 0) throwSystemError(errno, "cannot find a free loop device");
        std::string dev = "/dev/loop" + std::to_string(n);
        util::Fd loop(::open(dev.c_str(), (fs.readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC));
        if (!loop) throwSystemError(errno, "cannot open '" + dev + "'");
        loop_config cfg{};
        cfg.fd = static_cast<__u32>(backing.get());
        cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (fs.readonly ? LO_FLAGS_READ_ONLY : 0);
        if (::ioctl(loop.get(), LOOP_CONFIGURE, &cfg) == 0) return {dev, std::move(loop)};
        if (errno != EBUSY)
            throwSystemError(errno, "cannot attach '" + fs.source + "' to '" + dev + "'");
    }
    throw Error(ErrorCode::OperationFailed, "no loop device stayed free for '" + fs.source + "'");
}

// /dev/nbdN devices no one has connected (no pid file), in order; the nbd module is loaded
// first when there are none (libvirt's virFileNBDLoadDriver).
std::vector<std::string> freeNbdDevices(const std::string& image) {
    auto scan = [] {
        std::vector<std::pair<int, std::string>> found;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator("/sys/block", ec)) {
            std::string name = e.path().filename();
            if (name.rfind("nbd", 0) != 0 || name.size() == 3) continue;
            if (fs::exists(e.path() / "pid")) continue;
            found.emplace_back(std::atoi(name.c_str() + 3), "/dev/" + name);
        }
        std::sort(found.begin(), found.end());
        std::vector<std::string> devs;
        for (auto& f : found)
            devs.push_back(std::move(f.second));
        return devs;
    };
    if (!fs::exists("/sys/module/nbd")) {
        try {
            util::runProcess({"modprobe", "nbd"}, util::ProcessOptions{.timeoutMs = 10000});
        } catch (const Error&) {
            // no modprobe: the check below says what is missing
        }
    }
    if (!fs::exists("/sys/module/nbd"))
        throw Error(ErrorCode::ConfigUnsupported,
                    "cannot attach image '" + image +
                        "' through qemu-nbd: the host kernel has no nbd driver (modprobe nbd)");
    std::vector<std::string> devs = scan();
    if (devs.empty())
        throw Error(ErrorCode::OperationFailed, "no free nbd device for image '" + image + "'");
    return devs;
}

// qemu-nbd in the foreground (-v: without it, -c forks a daemon we could not reap), its
// stderr in a memory file that says why when it fails.
util::Child spawnQemuNbd(const conf::Filesystem& fs, const std::string& dev,
                         const std::string& socket, int errFd) {
    std::vector<std::string> argv = {"qemu-nbd", "-v", "-f", fs.driverFormat,
                                     "-c",       dev,  "-k", socket};
    if (fs.readonly) argv.push_back("-r");
    argv.push_back("--");
    argv.push_back(fs.source);
    std::vector<char*> args;
    for (auto& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throwSystemError(errno, "cannot start qemu-nbd for '" + fs.source + "'");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) _exit(127);  // the controller died before the line above
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(errFd, 2);
        util::closeFdsFrom(3);
        util::resetSignalsForExec();
        ::execvp("qemu-nbd", args.data());
        static const char kMsg[] = "cannot run qemu-nbd (Debian's qemu-utils)";
        (void)!::write(2, kMsg, sizeof kMsg - 1);
        _exit(127);
    }
    return util::Child(pid);
}

// True once `dev` is connected by a thread of `server`; false when the server ended first.
bool waitConnected(util::Child& server, const std::string& dev, const std::string& image) {
    std::string pidFile = "/sys/block/" + dev.substr(5) + "/pid";
    long deadline = util::monotonicMs() + kNbdConnectMs;
    for (;;) {
        if (auto tid = util::readFileIfExists(pidFile)) {
            std::string t = *tid;
            while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
                t.pop_back();
            if (fs::exists("/proc/" + std::to_string(server.pid()) + "/task/" + t)) return true;
        }
        pollfd p{server.pidfd(), POLLIN, 0};
        if (server.pidfd() >= 0 ? ::poll(&p, 1, 20) > 0 : ::kill(server.pid(), 0) < 0) return false;
        if (server.pidfd() < 0) ::usleep(20000);
        if (util::monotonicMs() >= deadline)
            throw Error(ErrorCode::OperationFailed,
                        "qemu-nbd did not connect image '" + image + "' to '" + dev + "' within " +
                            std::to_string(kNbdConnectMs / 1000) + " s");
    }
}

std::string memfdText(int fd) {
    std::string text;
    char buf[4096];
    ssize_t n;
    off_t off = 0;
    while ((n = ::pread(fd, buf, sizeof buf, off)) > 0) {
        text.append(buf, static_cast<size_t>(n));
        off += n;
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    if (auto nl = text.rfind('\n'); nl != std::string::npos) text = text.substr(nl + 1);
    return text;
}

void stopQemuNbd(util::Child& server) noexcept {
    if (!server) return;
    server.signal(SIGTERM);  // it disconnects its device and exits
    long deadline = util::monotonicMs() + kNbdStopMs;
    while (server.pidfd() >= 0 && util::monotonicMs() < deadline) {
        pollfd p{server.pidfd(), POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) break;
    }
    server.reset();  // SIGKILL if it is still there, and reaped
}

}  // namespace

void ImageDevices::attach(const conf::DomainDef& def, const fs::path& runBase) {
    fs::path rootDir = runBase.string() + ".root";
    for (size_t i = 0; i < def.filesystems.size(); ++i) {
        const conf::Filesystem& f = def.filesystems[i];
        if (f.target == "/" && (f.type == conf::FsType::File || f.type == conf::FsType::Block)) {
            if (::mkdir(rootDir.c_str(), 0700) < 0 && errno != EEXIST)
                throwSystemError(errno, "cannot make '" + rootDir.string() + "'");
            rootDir_ = rootDir;
        }
        if (f.type != conf::FsType::File) continue;
        auto driver = f.driverType.value_or(isRaw(f.driverFormat) ? conf::FsDriverType::Loop
                                                                  : conf::FsDriverType::Nbd);
        Attached a;
        a.index = i;
        if (driver == conf::FsDriverType::Loop) {
            if (!isRaw(f.driverFormat))
                throw Error(ErrorCode::ConfigUnsupported,
                            "fs format '" + f.driverFormat + "' of '" + f.source +
                                "' is not supported by driver type 'loop' (use type='nbd')");
            Loop loop = attachLoop(f);
            a.dev = loop.dev;
            a.loop = std::move(loop.fd);
        } else if (driver == conf::FsDriverType::Nbd) {
            if (f.driverFormat.empty())
                throw Error(ErrorCode::ConfigUnsupported,
                            "an explicit format must be given for image '" + f.source +
                                "' (<driver type='nbd' format='qcow2'/>)");
            openImage(f);  // not there, or a link: refused as for a loop device
            util::Fd err(::memfd_create("qemu-nbd-stderr", MFD_CLOEXEC));
            if (!err) throwSystemError(errno, "cannot make a memory file");
            std::string why;
            for (const std::string& dev : freeNbdDevices(f.source)) {
                (void)!::ftruncate(err.get(), 0);
                // its socket in the run directory, not qemu-nbd's /var/lock/qemu-nbd-nbdN
                a.socket = runBase.string() + "." + dev.substr(5) + ".sock";
                util::Child server = spawnQemuNbd(f, dev, a.socket, err.get());
                if (waitConnected(server, dev, f.source)) {
                    a.dev = dev;
                    a.nbd = std::move(server);
                    break;
                }
                server.wait();
                ::unlink(a.socket.c_str());
                why = memfdText(err.get());
                // another user took the device in between: the next one
                if (why.find("Device or resource busy") == std::string::npos) break;
            }
            if (!a.nbd)
                throw Error(ErrorCode::OperationFailed,
                            "cannot attach image '" + f.source +
                                "' through qemu-nbd: " + (why.empty() ? "it exited" : why));
        } else {
            throw Error(ErrorCode::ConfigUnsupported,
                        "fs driver '" + std::string(conf::kFsDriverTypeNames.name(driver)) +
                            "' of '" + f.source + "' is not supported (loop or nbd)");
        }
        attached_.push_back(std::move(a));
    }
}

conf::DomainDef ImageDevices::resolve(const conf::DomainDef& def) const {
    conf::DomainDef out = def;
    for (const auto& a : attached_) {
        out.filesystems[a.index].type = conf::FsType::Block;
        out.filesystems[a.index].source = a.dev;
    }
    return out;
}

void ImageDevices::release() noexcept {
    for (auto& a : attached_) {
        stopQemuNbd(a.nbd);
        if (!a.socket.empty()) ::unlink(a.socket.c_str());  // a killed qemu-nbd's
    }
    attached_.clear();  // loop descriptors closed: autoclear frees the devices
    if (!rootDir_.empty() && ::rmdir(rootDir_.c_str()) < 0 && errno != ENOENT)
        std::cerr << "cvirt-lxc-controller: cannot remove '" << rootDir_.string()
                  << "': " << std::strerror(errno) << std::endl;
    rootDir_.clear();
}

}  // namespace cvirt::lxc
