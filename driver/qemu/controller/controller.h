// SPDX-License-Identifier: GPL-3.0-or-later
// The VM side of a domain's controller (cvirt-qemu-controller, one process per domain,
// outliving the shell): the guest that controller/loop.h drives. Owns qemu (its parent,
// holding the QMP connection) and the tap devices; serves "qmp <json>" on the control socket
// besides the loop's requests.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "controller/loop.h"
#include "qemu/qmp.h"
#include "qemu/tap.h"
#include "state/driver_config.h"
#include "state/uri.h"
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

class Controller final : private controller::Guest {
public:
    Controller(ControllerOptions opts, conf::DomainDef def);
    ~Controller() override;

    // Makes the taps and the console, starts qemu paused, connects QMP, continues the
    // guest; returns once it runs. Throws the reason; the destructor removes everything.
    void start() { loop_.start(); }
    // Serves clients and QMP events until qemu is gone for good; returns the exit code.
    int run(util::Fd autodestroy = util::Fd()) { return loop_.run(std::move(autodestroy)); }

private:
    // controller::Guest
    void prepare() override;  // emulator and KVM checks, taps, console
    void launch() override;   // qemu process + QMP, guest running
    util::Child& process() override { return qemu_; }
    void kill() noexcept override;
    void askShutdown() override;  // ACPI power button
    Reboot askReboot() override;  // a reset, in place
    // The SHUTDOWN event decides (read here if it is still unread).
    controller::GuestExit classifyExit(int status, const controller::Asked& asked) override;
    bool handleRequest(const std::string& line, util::Fd& client) override;  // qmp <json>
    void release() noexcept override;

    Qmp& qmp();  // throws OperationInvalid when qemu does not run
    void onQmp(short revents);
    void handleEvents();
    std::string qemuErrorSince(off_t logOffset) const;

    ControllerOptions opts_;
    conf::DomainDef def_;
    controller::Loop loop_;
    std::vector<Tap> taps_;
    std::string ptyPath_;
    util::Fd portLock_;  // held from choosing a VNC port until qemu listens on it
    util::Child qemu_;
    std::optional<Qmp> qmp_;
    bool guestShutdown_ = false;  // SHUTDOWN event from the guest (poweroff, reset with -no-reboot)
    std::string shutdownCause_;
};

}  // namespace cvirt::qemu
