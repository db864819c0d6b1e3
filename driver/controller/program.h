// SPDX-License-Identifier: GPL-3.0-or-later
// What every controller program (cvirt-lxc-controller, cvirt-qemu-controller) does around
// its own work: read --uri/--name/--id/--ready-fd (--lock-fd, --autodestroy-fd) and the domain
// XML on stdin, put stdio on the domain log (controller/domain_log.h, bounded per cvirt.conf),
// report "ok" or the error line of controller/protocol.h on the ready fd.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "conf/domain_def.h"
#include "state/driver_config.h"
#include "state/uri.h"
#include "util/fd.h"

namespace cvirt::controller {

struct ProgramArgs {
    state::DriverPaths paths;
    std::filesystem::path root;  // the connection's embed root ("" for system)
    int id = 0;
    conf::DomainDef def;
    std::filesystem::path logPath;
    state::DriverConfig config;  // the connection's cvirt.conf, read once
    util::Fd autodestroy;        // --autodestroy-fd: its hang-up destroys the domain
};

// `body` starts the domain, calls `ready()` once it runs and then supervises; its return
// value is the exit code. An Error thrown before ready() is what the driver's start()
// throws. The domain lock passed as --lock-fd is held until ready() has reported, or until
// a failed start is undone (`body` returned or threw).
int programMain(int argc, char** argv, state::DriverKind kind, std::string_view program,
                const std::function<int(ProgramArgs&, const std::function<void()>& ready)>& body);

}  // namespace cvirt::controller
