// SPDX-License-Identifier: GPL-3.0-or-later
// The container side of a domain's controller (cvirt-lxc-controller, one process per domain,
// outliving the shell): the guest that controller/loop.h drives. Owns the container's init,
// its cgroup and host network and the record of what it made; the loop owns the control
// socket, the console, the hooks and the live state.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgroup/domain_cgroup.h"
#include "conf/domain_def.h"
#include "controller/loop.h"
#include "lxc/controller/image_devices.h"
#include "lxc/controller/proc_fuse.h"
#include "lxc/controller/sysinfo_trap.h"
#include "net/interfaces.h"
#include "state/domain_lock.h"
#include "state/driver_config.h"
#include "state/owner_record.h"
#include "state/uri.h"
#include "util/beside.h"
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

class Controller final : private controller::Guest {
public:
    Controller(ControllerOptions opts, conf::DomainDef def);
    ~Controller() override;

    // Creates the cgroup, the console and the container (the start hook runs once its cgroup
    // and host network exist, before init is let go); returns once init runs. Throws the
    // reason (a hook's failure as the hook's HookFailed error); the destructor then removes
    // whatever was made and runs the stopped and release hooks (controller::Loop::start).
    void start() { loop_.start(); }
    // Serves console and control clients until the container is gone, then removes
    // everything; returns the exit code.
    int run(util::Fd autodestroy = util::Fd()) { return loop_.run(std::move(autodestroy)); }

private:
    // controller::Guest
    void prepare() override;  // owner record, cgroup and limits, console
    void launch() override;
    void relaunch() override;
    util::Child& process() override { return init_; }
    void kill() noexcept override;  // SIGKILL, and thawed: a frozen init keeps it pending
    void askShutdown() override;    // SIGTERM and SIGPWR to init
    Reboot askReboot() override;    // a restart, under the domain lock
    controller::GuestExit classifyExit(int status, const controller::Asked& asked) override;
    // "sysinfo-trap", then the listener of an entered command's filter (SCM_RIGHTS): its
    // sysinfo calls are answered as init's are.
    bool handleRequest(const std::string& line, util::Fd& client) override;
    void exitHandled(bool relaunched) noexcept override;
    // The cgroup (with its stragglers) and the network; in libvirt's order, after the
    // stopped hook.
    void release() noexcept override;

    void spawnInit();  // clone + sync with the child, until init is exec'd
    // A first start's work on a thread beside the child's (cgroupWork_).
    void startOffPath(pid_t pid);
    std::string limitsContext() const;
    void thaw() noexcept;  // a suspended container must run again to die (or to boot)
    // Takes the domain lock for a restart (bounded wait; goes on without it after that).
    void lockForRestart() noexcept;
    // Hands moved host interfaces back and lets go of the container's network namespace
    // (its veths and macvlans go with it, torn down by the kernel).
    void releaseNetwork() noexcept;
    void deleteHostLinks() noexcept;  // the recorded host ends of veths, at once

    ControllerOptions opts_;
    conf::DomainDef def_;
    controller::Loop loop_;
    state::OwnerRecord owner_;  // what a cleaner must remove if this process dies
    bool linksMade_ = false;    // owner_.links exist (setUp succeeded once)
    cgroup::HostLayout hostCgroups_;
    std::vector<cgroup::DeviceRule> deviceRules_;
    bool devicesSet_ = false;
    std::optional<cgroup::DomainCgroup> cgroup_;
    // A first start's cgroup thread (startOffPath): makes cgroup_ with init in it, applies
    // limits_, loads the device filter into devices_.
    std::optional<cgroup::Limits> limits_;  // until that thread starts
    cgroup::DomainCgroup::PreparedDevices devices_;
    std::optional<util::Beside> cgroupWork_;
    ImageDevices images_;  // <filesystem type='file'> on loop and nbd devices
    util::Fd hostNetns_, containerNetns_;
    net::DomainNetwork network_;  // host ends, owned until the start succeeded
    // slaves of the consoles' ptys: the container's /dev/console (the first) and /dev/ttyN
    std::vector<std::string> consolePaths_;
    util::Child init_;
    std::unique_ptr<ProcFuse> procFuse_;            // this run's /proc views, served from the loop
    std::unique_ptr<SysinfoTrap> sysinfoTrap_;      // this run's sysinfo(2) answers, likewise
    std::optional<state::DomainLock> restartLock_;  // held from a reboot until init runs again
};

}  // namespace cvirt::lxc
