// The supervisor of one running container (one process per domain, outliving the shell).
// Owns the pty master, the control socket and the container's init; removes every state
// file it wrote when the container ends, whatever the path. Runs the driver's hook script
// (hooks/hooks.h) at libvirt's points: prepare and start (fatal), started, stopped, release.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cgroup/domain_cgroup.h"
#include "conf/domain_def.h"
#include "cvirt/domain_state.h"
#include "net/interfaces.h"
#include "state/domain_lock.h"
#include "state/driver_config.h"
#include "state/uri.h"
#include "supervisor/console.h"
#include "supervisor/domain_hooks.h"
#include "supervisor/live_files.h"
#include "util/child.h"
#include "util/fd.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

struct ControllerOptions {
    state::DriverPaths paths;
    fs::path root;  // the connection's embed root ("" for system), names the cgroup
    int id = 0;
    state::DriverConfig config;  // cvirt.conf: hook and shutdown timeouts
};

class Controller {
public:
    Controller(ControllerOptions opts, conf::DomainDef def);
    ~Controller();

    // Runs the prepare hook, creates the pty, the control socket and the container (the start
    // hook runs once its cgroup and host network exist, before init is let go); returns once
    // init runs. Throws the reason (a hook's failure as the hook's HookFailed error); the
    // destructor then removes whatever was made and runs the stopped and release hooks, as
    // libvirt's cleanup of a failed start does.
    void start();
    // Serves console and control clients until the container is gone, then removes
    // everything; every hook has run when destroy callers are answered. Returns the exit code.
    int run();

private:
    void spawnInit();  // clone + sync with the child, until init is exec'd
    // Everything a domain leaves when it ends, in libvirt's order: stopped hook, processes,
    // cgroup, network, live state, release hook. Runs once; `ran` records the shut-off reason.
    void tearDown(bool ran) noexcept;
    void killInit() noexcept;  // SIGKILL (thawed) and reap, if running
    void thaw() noexcept;      // a suspended container must run again to die (or to boot)
    // Takes the domain lock for a restart (bounded wait; goes on without it after that).
    void lockForRestart() noexcept;
    // Hands moved host interfaces back and lets go of the container's network namespace
    // (its veths and macvlans go with it, torn down by the kernel).
    void releaseNetwork() noexcept;
    void deleteHostLinks() noexcept;  // the recorded host ends of veths, at once
    void handleConnection();
    // Decides restart or stop after init exited; returns false when the controller is done.
    bool onInitExit(int status);

    ControllerOptions opts_;
    conf::DomainDef def_;
    supervisor::DomainHooks hooks_;  // running() once init ran: later spawns are restarts
    bool tornDown_ = false;
    supervisor::LiveFiles files_;
    state::OwnerRecord owner_;  // what a cleaner must remove if this process dies
    bool linksMade_ = false;    // owner_.links exist (setUp succeeded once)
    cgroup::HostLayout hostCgroups_;
    std::vector<cgroup::DeviceRule> deviceRules_;
    bool devicesSet_ = false;
    std::optional<cgroup::DomainCgroup> cgroup_;
    util::Fd hostNetns_, containerNetns_;
    net::DomainNetwork network_;  // host ends, owned until the start succeeded
    std::string consolePath_;     // slave of the console pty: the container's /dev/console
    supervisor::ConsoleProxy console_;
    util::Fd listen_;
    util::Child init_;
    std::vector<util::Fd> destroyWaiters_;
    bool destroyRequested_ = false;
    bool rebootRequested_ = false;
    std::optional<state::DomainLock> restartLock_;  // held from a reboot until init runs again
    bool shutdownRequested_ = false;
    long shutdownDeadlineMs_ = -1;
    std::optional<ShutoffReason> stopReason_;
};

}  // namespace cvirt::lxc
