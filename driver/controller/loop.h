// SPDX-License-Identifier: GPL-3.0-or-later
// The one loop of a domain's controller process (cvirt-lxc-controller, cvirt-qemu-controller):
// starts the guest, serves the control socket (controller/protocol.h) and the console, kills a
// guest that ignores a shutdown past shutdown_timeout, applies on_poweroff, on_reboot and
// on_crash when the guest ends, and removes everything the domain left once it is gone for
// good. What differs between a container and a VM is behind Guest; a guest's own descriptors
// (QMP) are handlers in the loop, in the manner of LXC's src/lxc/mainloop.c.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain_def.h"
#include "controller/console.h"
#include "controller/domain_hooks.h"
#include "controller/live_files.h"
#include "cvirt/domain_state.h"
#include "state/driver_config.h"
#include "state/uri.h"
#include "util/child.h"
#include "util/fd.h"

namespace cvirt::controller {

// How one run of a guest ended, as the guest tells it (a destroy the loop knows itself).
enum class GuestExit { Poweroff, Reboot, Crash };

// What the loop asked of the guest during the run that ended.
struct Asked {
    bool shutdown = false;  // a "shutdown" request
    bool reboot = false;    // a "reboot" request the guest answered by being restarted
};

// What follows a guest's end: the domain's lifecycle action, and the reason the domain is
// shut off with unless the action restarts it.
struct ExitDecision {
    conf::LifecycleAction action;
    ShutoffReason reason;
    bool restart() const { return conf::restarts(action); }
};
// libvirt's table: a destroy stops the domain; otherwise on_reboot (default restart),
// on_poweroff or on_crash (default destroy) decides.
ExitDecision decideExit(const conf::DomainDef& def, bool destroyed, GuestExit how);

// A container or a VM, as the loop drives it. Calls come from the loop's thread only.
class Guest {
public:
    enum class Reboot { InPlace, Restart };

    virtual ~Guest() = default;

    // Makes what the guest needs before the control socket exists (cgroup, taps, the console
    // through Loop::openConsole). Throws; release() removes what was made.
    virtual void prepare() = 0;
    // Starts the guest's process and returns once the guest runs, calling Loop::startHook()
    // once what it needs exists and before any code of the guest runs. Throws the reason
    // with the process gone.
    virtual void launch() = 0;
    // Starts it again after it ended (a reboot, or a lifecycle action that restarts).
    virtual void relaunch() { launch(); }
    // The process launch() made: polled, signalled, reaped by the loop.
    virtual util::Child& process() = 0;
    // Kills the guest's process now, whatever state the guest is in (a frozen container is
    // thawed); the loop reaps it.
    virtual void kill() noexcept = 0;
    // Asks the guest to power off; throws when it cannot be asked.
    virtual void askShutdown() = 0;
    // Reboots in place, or says that the guest reboots by being killed and relaunched.
    virtual Reboot askReboot() = 0;
    // How the run ended, from the wait status of its process (already reaped).
    virtual GuestExit classifyExit(int status, const Asked& asked) = 0;
    // The end of a run is dealt with: the guest runs again (relaunched) or stops for good.
    virtual void exitHandled(bool /*relaunched*/) noexcept {}
    // A request the loop does not know ("qmp …"): answers it and returns true, or returns
    // false. Throwing answers the error line.
    virtual bool handleRequest(const std::string& /*line*/, util::Fd& /*client*/) { return false; }
    // Removes what prepare() and launch() made, once the process is gone and the stopped hook
    // ran; must not throw.
    virtual void release() noexcept = 0;
};

class Loop {
public:
    // The domain `def` (live: read again where the loop writes it) runs with `id`; `paths`
    // and `config` (cvirt.conf: hook and shutdown timeouts) are its connection's. What is
    // passed by reference belongs to the guest's owner, which outlives the loop.
    Loop(Guest& guest, const conf::DomainDef& def, const state::DriverPaths& paths, int id,
         const state::DriverConfig& config);
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Runs the prepare hook, prepares the guest, opens the control socket and launches the
    // guest; returns once it runs, with its live state written. Throws the reason; tearDown()
    // then removes what was made and runs the stopped and release hooks, as libvirt's cleanup
    // of a failed start does.
    void start();
    // Serves the control socket, the console and the guest until the guest is gone for good,
    // then tears down; destroy callers hear the close once every hook has run. Returns the
    // exit code. `autodestroy` (libvirt's VIR_DOMAIN_START_AUTODESTROY): once it hangs up
    // (the connection that started the domain is closed, or its process died) the domain is
    // destroyed as by a "destroy" request.
    int run(util::Fd autodestroy = util::Fd());
    // Everything a domain leaves when it ends, in libvirt's order: the guest's process, the
    // stopped hook, what the guest made, the live state (with the shut-off reason once the
    // guest ran), the release hook, the owner record. Runs once; the guest's owner calls it
    // before the guest goes.
    void tearDown() noexcept { tearDown(false); }

    // For the guest. The start hook, the first time only (a relaunch is no start).
    void startHook();
    // A console: a pty whose master the loop serves; returns the slave's path. The first is
    // the domain's console (console0), the next ones console1, … (a container's ttys).
    std::string openConsole();
    // The guest ran its started hook: it is running, later launches are restarts.
    bool started() const { return hooks_.running(); }
    const LiveFiles& files() const { return files_; }
    // A descriptor of the guest's to poll, read again each round (-1: none now); `ready` gets
    // the events seen. Handlers run after the console's, before the socket's.
    void watch(std::function<int()> fd, std::function<void(short revents)> ready);

private:
    struct Handler {
        std::function<int()> fd;
        std::function<void(short)> ready;
    };

    void tearDown(bool ran) noexcept;
    void destroyGuest() noexcept;  // what a destroy request and an autodestroy do
    void handleConnection();
    void handleRequest(const std::string& line, util::Fd& client);
    bool onGuestExit(int status);                       // false: the domain stops
    ConsoleProxy& console(const std::string& devname);  // throws if there is no such one

    Guest& guest_;
    const conf::DomainDef& def_;
    const state::DriverPaths& paths_;
    int id_;
    const state::DriverConfig& config_;
    DomainHooks hooks_;  // running() once the guest ran: later launches are restarts
    LiveFiles files_;
    std::vector<ConsoleProxy> consoles_;
    std::string consolePath_;  // the first console pty's slave, named in the live XML
    util::Fd listen_;
    std::vector<Handler> watched_;
    std::vector<util::Fd> waiters_;  // destroy and reboot callers, answered by the close
    bool destroyRequested_ = false;
    Asked asked_;
    long shutdownDeadlineMs_ = -1;
    ShutoffReason stopReason_ = kShutoffShutdown;
    bool tornDown_ = false;
};

}  // namespace cvirt::controller
