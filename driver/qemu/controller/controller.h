// The supervisor of one running VM (cvirt-qemu-controller, one per domain, outliving the
// shell): owns qemu (its parent, holding the QMP connection), the tap devices and the
// console pty; serves the same control socket as the container controller plus "qmp".
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "cvirt/domain_state.h"
#include "qemu/qmp.h"
#include "qemu/tap.h"
#include "state/driver_config.h"
#include "state/uri.h"
#include "supervisor/console.h"
#include "supervisor/domain_hooks.h"
#include "supervisor/live_files.h"
#include "util/child.h"
#include "util/fd.h"

namespace cvirt::qemu {

namespace fs = std::filesystem;

struct ControllerOptions {
    state::DriverPaths paths;
    fs::path root;  // the connection's embed root ("" for system)
    int id = 0;
    state::DriverConfig config;  // cvirt.conf: hook and shutdown timeouts
    fs::path logPath;
};

class Controller {
public:
    Controller(ControllerOptions opts, conf::DomainDef def);
    ~Controller();

    // Makes the taps and the console, starts qemu paused, connects QMP, continues the
    // guest; returns once it runs. Throws the reason with everything removed.
    void start();
    // Serves clients and QMP events until qemu is gone for good; returns the exit code.
    int run();

private:
    void launch();             // qemu process + QMP, guest running
    void killQemu() noexcept;  // and reap it, and drop QMP
    void handleConnection();
    void handleEvents();
    bool onQemuExit(int status);  // false: done
    std::string qemuErrorSince(off_t logOffset) const;
    // Stops qemu and removes everything; `ran`: the guest ran, so its stop reason is kept.
    void tearDown(bool ran) noexcept;

    ControllerOptions opts_;
    conf::DomainDef def_;
    supervisor::DomainHooks hooks_;
    bool tornDown_ = false;
    supervisor::LiveFiles files_;
    std::vector<Tap> taps_;
    supervisor::ConsoleProxy console_;
    util::Fd ptySlave_;  // kept open: the master never sees a hang-up between qemu runs
    std::string ptyPath_;
    util::Fd listen_;
    util::Child qemu_;
    std::optional<Qmp> qmp_;
    std::vector<util::Fd> destroyWaiters_;
    bool destroyRequested_ = false;
    bool shutdownRequested_ = false;
    bool guestShutdown_ = false;  // SHUTDOWN event from the guest (poweroff, reset with -no-reboot)
    std::string shutdownCause_;
    long shutdownDeadlineMs_ = -1;
    ShutoffReason stopReason_ = kShutoffShutdown;
};

}  // namespace cvirt::qemu
