// SPDX-License-Identifier: GPL-3.0-or-later
// The driver side of a domain's controller process (cvirt-lxc-controller for containers,
// cvirt-qemu-controller for VMs): spawn it detached, then talk to it over its socket.
// Callers hold the domain lock for spawn.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "conf/domain_def.h"
#include "controller/in_process.h"
#include "state/uri.h"
#include "util/fd.h"

namespace cvirt::controller {

// Spawns `exe` (detached: own session, double fork) with the canonical XML on stdin and
// returns once it reports the domain running; throws its reason otherwise (it removed what
// it made by then, unless it died: see state::RuntimeState::reap). The domain lock the caller
// holds is shared with the controller, which keeps it until the domain runs or its start is
// undone: if the caller dies after handing over the XML, the start still completes (or is
// undone) before any other command gets the lock. `autodestroyFd` (-1: none) goes to the
// controller as --autodestroy-fd: it destroys the domain once that descriptor hangs up.
// `inProcess`: the main of `exe`, for a start by fork alone when this process may
// (controller/in_process.h); the child execs `exe` otherwise. `beforeHandOver` (if set) runs
// while the controller starts, before it is sent the XML: if it throws, the controller gets
// none, exits having made nothing, and spawn rethrows once it is gone.
void spawn(const std::string& exe, const std::string& uri, const state::DriverPaths& paths,
           const conf::DomainDef& def, int id, int autodestroyFd = -1,
           ProgramMain inProcess = nullptr, const std::function<void()>& beforeHandOver = {});

// Nothing below waits on the controller without a deadline: one that does not answer in
// time (stopped, wedged) makes the call throw OperationFailed "the controller of 'x' did not
// answer …", or, for destroy, return false.

// Kills the domain. True once the controller removed everything, or died (then the caller
// cleans up: state::RuntimeState::reap); false when it did not acknowledge the request
// within a few seconds, or did not finish within `finishMs` after (< 0: no limit): the
// caller then stops it by force.
bool destroy(const state::DriverPaths& paths, const std::string& name, long finishMs);
// Asks the guest to stop; the controller kills it after shutdown_timeout.
void shutdown(const state::DriverPaths& paths, const std::string& name);
// Restarts the domain in place (same id); returns once it runs again.
void reboot(const state::DriverPaths& paths, const std::string& name);
// A connection to the stream of console `devname` (its alias; "": the first); throws if
// another client holds it and !force.
util::Fd openConsole(const state::DriverPaths& paths, const std::string& name, bool force,
                     const std::string& devname = {});
// One request line, one reply line (e.g. "qmp {…}"); an error reply is thrown as the
// controller's Error. `passed` (when >= 0) goes with the request (sendRequestWithFd).
std::string call(const state::DriverPaths& paths, const std::string& name, std::string_view request,
                 int passed = -1);

}  // namespace cvirt::controller
