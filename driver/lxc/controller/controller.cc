// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/controller/controller.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>

#include "conf/domain.h"
#include "conf/network.h"
#include "controller/protocol.h"
#include "lxc/container/child.h"
#include "lxc/sync.h"
#include "net/netlink.h"
#include "net/virtual_network.h"
#include "state/pid_file.h"
#include "state/uri.h"
#include "util/beside.h"
#include "util/fault.h"
#include "util/file.h"
#include "util/inherit.h"
#include "util/process.h"
#include "util/stamp.h"
#include "util/stream.h"

namespace cvirt::lxc {

namespace {

constexpr size_t kChildStack = 1 << 20;
// How long the controller waits for any one answer of the child before exec: setting up a
// root takes milliseconds; a child that is silent this long is frozen or stuck, and the
// start (or restart) fails instead of taking the controller with it.
constexpr int kChildAnswerMs = 60000;
// How long a restart waits for a shell that holds the domain lock (a suspend, a setmem: each
// takes milliseconds) before it goes on without it.
constexpr int kRestartLockMs = 5000;

void writeIdMap(pid_t pid, const char* file, const std::vector<conf::IdmapRange>& ranges) {
    std::string text;
    for (const auto& r : ranges)
        text += std::to_string(r.start) + " " + std::to_string(r.target) + " " +
                std::to_string(r.count) + "\n";
    std::string path = "/proc/" + std::to_string(pid) + "/" + file;
    util::Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throwSystemError(errno, "cannot write '" + path + "'");
}

// The controller in a shared namespace for as long as this lives (around clone, so the
// container is born in it: from inside a new user namespace it could not join one the
// host's user namespace owns), then back in its own.
class JoinedNs {
public:
    JoinedNs(const util::Fd& ns, int type, const char* name)
        : type_(type),
          own_(::open(("/proc/self/ns/" + std::string(name)).c_str(), O_RDONLY | O_CLOEXEC)) {
        if (!own_)
            throwSystemError(errno,
                             "cannot open the controller's " + std::string(name) + " namespace");
        if (::setns(ns.get(), type) < 0)
            throwSystemError(errno, "cannot join the shared " + std::string(name) + " namespace");
    }
    ~JoinedNs() {
        if (::setns(own_.get(), type_) < 0) std::abort();  // our own: cannot fail
    }
    JoinedNs(const JoinedNs&) = delete;
    JoinedNs& operator=(const JoinedNs&) = delete;

private:
    int type_;
    util::Fd own_;
};

// /proc/PID/ns/TYPE of a running domain named `name`, or of a pid, or /run/netns/NAME.
util::Fd openSharedNs(const conf::NsShare& share, const char* nsName,
                      const state::DriverPaths& paths) {
    std::string path;
    switch (share.type) {
        case conf::NsShareType::Pid:
            path = "/proc/" + share.value + "/ns/" + nsName;
            break;
        case conf::NsShareType::Netns:
            path = "/run/netns/" + share.value;
            break;
        case conf::NsShareType::Name: {
            auto text = util::readFileIfExists(state::entryPath(paths.runDir, share.value, ".pid"));
            auto pids = text ? state::parsePidFile(*text) : std::nullopt;
            if (!pids || pids->guest.pid <= 0)
                throw Error(ErrorCode::OperationInvalid, "cannot share the " + std::string(nsName) +
                                                             " namespace of '" + share.value +
                                                             "': domain is not running");
            path = "/proc/" + std::to_string(pids->guest.pid) + "/ns/" + nsName;
            break;
        }
    }
    util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throwSystemError(errno, "cannot open namespace '" + path + "'");
    return fd;
}

}  // namespace

Controller::Controller(ControllerOptions opts, conf::DomainDef def)
    : opts_(std::move(opts)),
      def_(std::move(def)),
      loop_(*this, def_, opts_.paths, opts_.id, opts_.config) {
    loop_.watch([this] { return procFuse_ ? procFuse_->fd() : -1; },
                [this](short) {
                    if (!procFuse_->serve()) procFuse_.reset();  // the container's mounts went
                });
    loop_.watch([this] { return sysinfoTrap_ ? sysinfoTrap_->fd() : -1; },
                [this](short) { sysinfoTrap_->serve(); });
}

Controller::~Controller() {
    loop_.tearDown();
}

void Controller::release() noexcept {
    procFuse_.reset();  // before the cgroup it reads
    cgroupWork_.reset();
    sysinfoTrap_.reset();
    util::fault::killPoint("stop:ctl-cgroup");
    cgroup_.reset();    // kills stragglers, removes the directories
    images_.release();  // after the container's mounts went with its last process
    util::fault::killPoint("stop:ctl-network");
    releaseNetwork();
    network_ = net::DomainNetwork();  // host ends of a start that failed
    deleteHostLinks();
}

void Controller::deleteHostLinks() noexcept {
    // The veths go with the container's namespace, but only once the kernel's cleanup gets
    // to it: their names must be free when the domain reads stopped (a start right after a
    // destroy, or a restarted init, takes them again). Renaming frees a name at once; the
    // deletion itself (tens of milliseconds of RCU waits per veth) runs in a detached process
    // so that destroy does not wait for it.
    if (!linksMade_) return;  // names recorded but not made may be another domain's
    try {
        net::Netlink nl = net::Netlink::open();
        std::vector<std::string> retired;
        for (const auto& l : owner_.links)
            if (std::string t = nl.retireLink(l); !t.empty()) retired.push_back(t);
        if (retired.empty()) return;
        pid_t pid = ::fork();
        if (pid == 0) {
            // Nothing of ours: a destroy caller's connection must see EOF when we exit.
            util::closeFdsFrom(3);
            // Named before the second fork, so it never shows as a controller: it owns nothing.
            ::prctl(PR_SET_NAME, "cvirt-link-gc", 0, 0, 0);
            if (::fork() != 0) _exit(0);  // reparented: nobody has to reap it
            try {
                net::Netlink gc = net::Netlink::open();
                for (const auto& t : retired)
                    gc.deleteLink(t);
            } catch (...) {
            }
            _exit(0);
        }
        if (pid < 0) {
            for (const auto& t : retired)
                nl.deleteLink(t);
        } else {
            util::waitExitStatus(pid);
        }
    } catch (const Error& e) {
        std::cerr << "cvirt-lxc-controller: " << e.what() << std::endl;
    }
}

void Controller::prepare() {
    // Each object is named in the record before it is made (state/owner_record.h).
    cgroup::Placement place = cgroup::placementFor(def_, "lxc", opts_.root);
    owner_.controller = ::getpid();
    owner_.cgroupPartition = place.partition;
    owner_.cgroupLeaf = place.leaf;
    loop_.files().writeOwner(owner_);
    util::fault::point("start:ctl-owner-written");
    hostCgroups_ = cgroup::detectHost();
    util::stamp("ctl:host-cgroups-detected");
    // image files on loop and nbd devices, which the device filter then allows (a reboot
    // mounts them again with the filter in place)
    images_.attach(def_, state::entryPath(opts_.paths.runDir, def_.name, ""));
    // a hostdev that is not a device fails here, before clone; installed once the root is built
    deviceRules_ = cgroup::deviceRules(images_.resolve(def_));
    try {
        limits_ = cgroup::limitsFor(def_);
    } catch (Error& e) {
        throw std::move(e).withContext(limitsContext());
    }
    // made once init is cloned (startOffPath)
    cgroup_.emplace(cgroup::DomainCgroup::open(hostCgroups_, place));
    for (size_t i = 0; i < std::max<size_t>(1, def_.consoles.size()); ++i)
        consolePaths_.push_back(loop_.openConsole());
    util::stamp("ctl:consoles-opened");
    if (!def_.idmap.empty()) {
        // The container's root must be able to open its console.
        auto rootOf = [](const std::vector<conf::IdmapRange>& ranges) -> int {
            for (const auto& r : ranges)
                if (r.start == 0) return static_cast<int>(r.target);
            return -1;
        };
        for (const auto& path : consolePaths_)
            if (::chown(path.c_str(), rootOf(def_.idmap.uid), rootOf(def_.idmap.gid)) < 0)
                throwSystemError(errno, "cannot hand the console '" + path + "' to the container");
    }
}

std::string Controller::limitsContext() const {
    return "cannot apply the resource limits of '" + def_.name + "'";
}

void Controller::startOffPath(pid_t pid) {
    // The cgroup is made in every hierarchy (a millisecond of the kernel's work) with init
    // moved into each part as soon as it exists (the first move waits for an RCU grace period:
    // it begins first), its limits written and its device filter loaded, on a thread of its
    // own while the child builds its root. spawnInit waits for it before anything of the
    // container runs. It starts after clone: the child is a copy of this process without its
    // threads and could inherit a lock one of them held (malloc's). It reads def_ only, as
    // every thread here does until joined.
    cgroupWork_.emplace([this, limits = *std::exchange(limits_, std::nullopt), pid] {
        cgroup_->make(pid);
        util::stamp("ctl:child-in-cgroup");
        util::fault::point("start:ctl-cgroup-created");
        try {
            cgroup_->apply(limits);
        } catch (Error& e) {
            throw std::move(e).withContext(limitsContext());
        }
        util::fault::point("start:ctl-limits-applied");
        devices_ = cgroup_->prepareDevices(deviceRules_);
        util::stamp("ctl:devices-prepared");
    });
}

void Controller::launch() {
    if (!hostNetns_) hostNetns_.reset(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    spawnInit();
    network_.release();  // from now on the veths live and die with the namespace
}

void Controller::relaunch() {
    lockForRestart();
    if (cgroup_) cgroup_->killAll();  // what init left behind goes with it
    releaseNetwork();
    deleteHostLinks();  // the new ones take the same names
    launch();
}

void Controller::exitHandled(bool relaunched) noexcept {
    if (relaunched) loop_.files().announce("reboot", "-");
    // Held since the reboot request, or since relaunch() for a reboot from inside: see
    // askReboot.
    restartLock_.reset();
}

void Controller::spawnInit() {
    procFuse_.reset();  // the last run's: its container is gone
    sysinfoTrap_.reset();
    auto [mine, theirs] = SyncChannel::pair();
    // The child sits in the domain cgroup from its clone on: a freeze then (a suspend that
    // raced a restart, anyone writing the freezer) would stop it mid-setup. Silence is
    // answered by thawing, and no wait outlasts kChildAnswerMs.
    mine.setPatience(kChildAnswerMs, [this] { thaw(); });
    ChildContext ctx;
    // the container sees its image files as the block devices they are attached to
    conf::DomainDef childDef = images_.resolve(def_);
    ctx.def = &childDef;
    ctx.imageRoot = state::entryPath(opts_.paths.runDir, def_.name, ".root");
    ctx.sync = &theirs;
    ctx.controllerEnd = mine.fd();
    ctx.consolePaths = consolePaths_;
    ctx.userns = !def_.idmap.empty();
    if (cgroup_) {
        ctx.cgroups = &hostCgroups_;
        for (const auto& h : hostCgroups_.hierarchies)
            ctx.cgroupLeaves.push_back(cgroup_->pathIn(h).lexically_relative(h.mount).string());
    }
    bool movesDevices = std::any_of(def_.hostdevs.begin(), def_.hostdevs.end(),
                                    [](auto& h) { return h.type == conf::HostdevCapsType::Net; });
    ctx.privateNet = !def_.interfaces.empty() || def_.features.privnet || movesDevices;

    // No CLONE_NEWCGROUP here: the child unshares it once it sits in its own cgroup, so
    // the container's cgroup root is its domain cgroup.
    int flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
    if (ctx.userns) flags |= CLONE_NEWUSER;
    std::vector<std::unique_ptr<JoinedNs>> joined;  // left right after clone
    auto share = [&](const std::optional<conf::NsShare>& s, const char* name, int type) {
        if (!s) return;
        joined.push_back(
            std::make_unique<JoinedNs>(openSharedNs(*s, name, opts_.paths), type, name));
        flags &= ~type;
        if (type == CLONE_NEWNET) ctx.privateNet = false;
        if (type == CLONE_NEWUTS) ctx.ownUts = false;
    };
    if (ctx.privateNet) flags |= CLONE_NEWNET;
    share(def_.lxcNamespaces.sharenet, "net", CLONE_NEWNET);
    share(def_.lxcNamespaces.shareipc, "ipc", CLONE_NEWIPC);
    share(def_.lxcNamespaces.shareuts, "uts", CLONE_NEWUTS);

    util::stamp("ctl:clone");
    void* stack = ::mmap(nullptr, kChildStack, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) throwSystemError(errno, "cannot allocate the container's stack");
    pid_t pid = ::clone(childMain, static_cast<char*>(stack) + kChildStack, flags | SIGCHLD, &ctx);
    int cloneErr = errno;
    joined.clear();
    ::munmap(stack, kChildStack);
    if (pid < 0) throwSystemError(cloneErr, "cannot create the container's namespaces");
    init_ = util::Child(pid);
    theirs.close();

    // Into the domain cgroup: a migration waits in the kernel for an RCU grace period
    // (milliseconds), so it runs on a thread of its own beside the child's first steps, the
    // network setup and the answers to the child's /proc views (without a user namespace the
    // child builds its root meanwhile). Joined before the child goes on past its root (and so
    // before exec). On a first start the thread that makes the cgroup moves init in
    // (startOffPath); on a restart, once the child has opened /dev/fuse (the device filter is in
    // place then).
    std::optional<util::Beside> attaching;
    auto attach = [&] {
        attaching.emplace([this, pid] {
            cgroup_->attach(pid);
            util::stamp("ctl:child-in-cgroup");
        });
    };
    // The network, made on a thread of its own as well (a veth is milliseconds of netlink
    // calls) while this one answers the child's /proc views; `planned` names what it makes.
    std::optional<util::Beside> networking;
    std::vector<net::InterfacePlan> planned;
    // The cgroup thread's own errors (making it, its limits) read as they did when it was
    // made before clone: no "container init" before them.
    bool waitingForCgroup = false;
    auto inCgroup = [&] {
        if (attaching) attaching->wait();
        if (cgroupWork_) {
            waitingForCgroup = true;
            cgroupWork_->wait();
            waitingForCgroup = false;
            cgroupWork_.reset();
        }
    };
    try {
        if (limits_) startOffPath(pid);  // a first start
        util::fault::point("start:ctl-init-cloned");
        mine.expect(SyncMsg::ChildReady);
        util::stamp("ctl:child-ready");
        if (ctx.userns) {
            writeIdMap(pid, "uid_map", def_.idmap.uid);
            writeIdMap(pid, "gid_map", def_.idmap.gid);
        }
        if (cgroup_ && !cgroupWork_) attach();
        if (flags & CLONE_NEWNET) {
            // Devices are made from here into the container's namespace and configured
            // there, while the child builds its root; init starts with them ready.
            containerNetns_.reset(
                ::open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
            if (!containerNetns_) throwSystemError(errno, "cannot open the container's netns");
            auto plan = net::planInterfaces(def_, opts_.id);
            // type='network': the bridge of the active cvirt network, from its live XML
            auto bridgeOf = [this](const std::string& network) {
                return net::bridgeOfActiveNetwork(
                    state::driverPaths(state::DriverKind::Network, opts_.root).runDir, network);
            };
            size_t recorded = owner_.links.size();
            for (const auto& p : plan)
                if (!p.hostName.empty() && std::find(owner_.links.begin(), owner_.links.end(),
                                                     p.hostName) == owner_.links.end())
                    owner_.links.push_back(p.hostName);
            if (owner_.links.size() != recorded) loop_.files().writeOwner(owner_);
            util::fault::point("start:ctl-links-recorded");
            planned = plan;
            networking.emplace([this, plan = std::move(plan), pid, bridgeOf] {
                network_ =
                    net::DomainNetwork::setUp(def_, plan, pid, containerNetns_.get(), bridgeOf);
                linksMade_ = true;  // a failed setUp removed what it made itself
                util::fault::point("start:ctl-net-ready");
            });
        }
        // Cgroup, console and host network exist; nothing of init runs yet (without a user
        // namespace the child has built its root by then). A restart after a guest reboot is
        // no new start: no hooks then.
        auto startHook = [&] {
            if (networking) {
                networking->wait();
                networking.reset();
                for (const auto& p : planned) {  // the live XML names what was made
                    def_.interfaces[p.index].targetDev = p.hostName;
                    def_.interfaces[p.index].guestDev = p.guestName;
                }
            }
            loop_.startHook();
            util::stamp("ctl:start-hook-done");
        };
        auto go = [&] {
            try {
                mine.send(SyncMsg::Continue);
            } catch (const Error&) {
                mine.expect(SyncMsg::Execing);  // the child failed first: its frame says why
                throw;
            }
        };
        if (ctx.userns) {  // nothing happens inside before the id maps exist
            inCgroup();
            startHook();
            go();
        }
        // The child mounted the /proc views and waits for our answers to go on.
        util::Fd dev = mine.expectFd(SyncMsg::ProcViews);
        util::stamp("ctl:proc-views-mounted");
        if (dev && cgroup_) {
            procFuse_ = std::make_unique<ProcFuse>(std::move(dev), hostCgroups_, *cgroup_, pid);
            mine.serveWhileWaiting(procFuse_->fd(), [this] { return procFuse_->serve(); });
        } else if (!dev) {
            std::cerr << "cvirt-lxc-controller: no /dev/fuse on this host: /proc/meminfo of '"
                      << def_.name << "' shows the host's figures" << std::endl;
        }
        // The device filter comes once the root is built: setting it up opens devices the
        // container must not (loop-control, the block devices it mounts).
        mine.expect(SyncMsg::RootReady);
        util::stamp("ctl:root-ready");
        inCgroup();
        if (!ctx.userns) startHook();
        if (cgroup_ && !devicesSet_) {
            cgroup_->installDevices(devices_);  // loaded by the cgroup thread
            devices_ = {};
            devicesSet_ = true;  // a restart reuses the cgroup and its filter
        }
        util::stamp("ctl:devices-set");
        util::fault::point("start:ctl-root-ready");
        go();
        if (util::Fd trap = mine.expectFd(SyncMsg::SysinfoTrap); trap && cgroup_) {
            sysinfoTrap_ = std::make_unique<SysinfoTrap>(hostCgroups_, *cgroup_, pid);
            sysinfoTrap_->add(std::move(trap));
        }
        mine.expect(SyncMsg::Execing);
        util::stamp("ctl:child-execing");
        mine.waitExec();
        util::fault::point("start:ctl-init-running");
    } catch (Error& e) {
        networking.reset();  // waits for the threads: what they made is released below
        attaching.reset();
        // A cgroup thread that failed removed what it made, and init with it (it was inside):
        // the child's end then reaches this thread first, but the cgroup's error says why.
        std::optional<Error> cgroupError;
        try {
            if (cgroupWork_ && !waitingForCgroup) cgroupWork_->wait();
        } catch (Error& own) {
            cgroupError = std::move(own);
        } catch (...) {
        }
        cgroupWork_.reset();
        kill();
        init_.reset();
        procFuse_.reset();
        sysinfoTrap_.reset();
        if (cgroupError) throw std::move(*cgroupError);
        // the hook's words, as libvirt has them
        if (e.code() == ErrorCode::HookFailed || waitingForCgroup) throw;
        throw std::move(e).withContext("container init");
    }
}

void Controller::releaseNetwork() noexcept {
    if (containerNetns_ && hostNetns_)
        net::returnHostdevs(def_, containerNetns_.get(), hostNetns_.get());
    containerNetns_.reset();
}

void Controller::kill() noexcept {
    if (!init_) return;
    init_.signal(SIGKILL);
    thaw();  // frozen tasks only die once thawed
}

void Controller::askShutdown() {
    init_.signal(SIGTERM);
    init_.signal(SIGPWR);
}

controller::Guest::Reboot Controller::askReboot() {
    // No suspend from here until init runs again: it would freeze the dying init (which then
    // never exits) or the new one before exec. Suspend takes the domain lock.
    lockForRestart();
    return Reboot::Restart;
}

void Controller::thaw() noexcept {
    // Whether or not a suspend got to mark it paused: a freeze may be in effect before the
    // marker is written.
    if (!cgroup_ || !hostCgroups_.forController("freezer")) return;
    try {
        cgroup_->freeze(false);
        if (::access(loop_.files().pausedPath().c_str(), F_OK) == 0) loop_.files().setPaused(false);
    } catch (const Error& e) {
        std::cerr << "cvirt-lxc-controller: " << e.what() << std::endl;
    }
}

void Controller::lockForRestart() noexcept {
    if (restartLock_) return;
    long deadline = util::monotonicMs() + kRestartLockMs;
    try {
        while (!(restartLock_ = state::DomainLock::tryAcquire(opts_.paths.lockDir, def_.name))) {
            if (util::monotonicMs() >= deadline) {
                std::cerr << "cvirt-lxc-controller: restarting '" << def_.name
                          << "' without the domain lock (held for over " << kRestartLockMs / 1000
                          << " s)" << std::endl;
                return;
            }
            ::usleep(1000);
        }
    } catch (const Error& e) {
        std::cerr << "cvirt-lxc-controller: " << e.what() << std::endl;
    }
}

bool Controller::handleRequest(const std::string& line, util::Fd& client) {
    if (line != "sysinfo-trap") return false;
    util::Fd listener = controller::readPassedFd(client.get());
    if (!sysinfoTrap_)  // the kernel could not trap init's calls either
        throw Error(ErrorCode::OperationInvalid,
                    "the controller of '" + def_.name + "' answers no sysinfo calls");
    sysinfoTrap_->add(std::move(listener));
    controller::reply(client.get(), "ok");
    return true;
}

controller::GuestExit Controller::classifyExit(int status, const controller::Asked& asked) {
    // reboot(2) in a pid namespace ends init with SIGHUP, poweroff with SIGINT
    if (asked.reboot || (WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP))
        return controller::GuestExit::Reboot;
    if (WIFEXITED(status) || asked.shutdown || (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT))
        return controller::GuestExit::Poweroff;
    return controller::GuestExit::Crash;
}

}  // namespace cvirt::lxc
