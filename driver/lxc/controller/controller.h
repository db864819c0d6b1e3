// The supervisor of one running container (one process per domain, outliving the shell).
// Owns the pty master, the control socket and the container's init; removes every state
// file it wrote when the container ends, whatever the path.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cgroup/domain_cgroup.h"
#include "conf/domain_def.h"
#include "lxc/pty.h"
#include "net/interfaces.h"
#include "state/uri.h"
#include "util/fd.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

struct ControllerOptions {
    state::DriverPaths paths;
    fs::path root;  // the connection's embed root ("" for system), names the cgroup
    int id = 0;
};

// What ended the container (virDomainShutoffReason values).
enum class StopReason { Shutdown = 1, Destroyed = 2, Crashed = 3, Failed = 6 };

class Controller {
public:
    Controller(ControllerOptions opts, conf::DomainDef def);
    ~Controller();

    // Creates the pty, the control socket and the container; returns once init runs.
    // Throws the reason; whatever was made is removed by then.
    void start();
    // Serves console and control clients until the container is gone. Returns the exit code.
    int run();

private:
    void spawnInit();  // clone + sync with the child, until init is exec'd
    void writeLiveState(bool withXml);
    void removeLiveState() noexcept;
    void killInit() noexcept;  // SIGKILL and reap, if running
    void thaw() noexcept;      // a suspended container must run again to die
    // Hands moved host interfaces back and lets go of the container's network namespace
    // (its veths and macvlans go with it, torn down by the kernel).
    void releaseNetwork() noexcept;
    void handleConnection();
    void handleConsoleInput();
    void handlePtyOutput();
    // Decides restart or stop after init exited; returns false when the controller is done.
    bool onInitExit(int status);

    ControllerOptions opts_;
    conf::DomainDef def_;
    std::string sockPath_, pidPath_, xmlPath_, pausedPath_;
    cgroup::HostLayout hostCgroups_;
    std::vector<cgroup::DeviceRule> deviceRules_;
    bool devicesSet_ = false;
    std::optional<cgroup::DomainCgroup> cgroup_;
    util::Fd hostNetns_, containerNetns_;
    net::DomainNetwork network_;  // host ends, owned until the start succeeded
    Pty pty_;
    util::Fd listen_;
    util::Fd console_;  // attached console client, if any
    pid_t initPid_ = -1;
    util::Fd initPidfd_;
    std::vector<util::Fd> destroyWaiters_;
    bool destroyRequested_ = false;
    bool rebootRequested_ = false;
    bool shutdownRequested_ = false;
    long shutdownDeadlineMs_ = -1;
    std::optional<StopReason> stopReason_;
};

}  // namespace cvirt::lxc
