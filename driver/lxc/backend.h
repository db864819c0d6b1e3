// The driver side of the LXC backend: starts a controller per domain and talks to it over
// its control socket. Callers hold the domain lock.
#pragma once

#include <filesystem>
#include <string>

#include "conf/domain_def.h"
#include "state/uri.h"
#include "util/fd.h"

namespace cvirt::lxc {

// Spawns cvirt-lxc-controller (detached, own session) and returns once init runs; throws the
// controller's reason otherwise, with nothing left behind.
void start(const std::string& uri, const state::DriverPaths& paths, const conf::DomainDef& def,
           int id);
// Kills every process of the container; returns once the controller removed everything.
void destroy(const state::DriverPaths& paths, const std::string& name);
// Asks init to stop (SIGTERM and SIGPWR); the controller escalates to SIGKILL after a timeout.
void shutdown(const state::DriverPaths& paths, const std::string& name);
// Restarts the container in place (same id); returns once it runs again.
void reboot(const state::DriverPaths& paths, const std::string& name);
// A connection to the console stream; throws if another client holds it and !force.
util::Fd openConsole(const state::DriverPaths& paths, const std::string& name, bool force);

// Removes what a controller that died (kill -9, crash) left behind: processes in the
// domain cgroup and the cgroup itself. Never throws.
void cleanupAfterCrash(const std::filesystem::path& root, const std::string& liveXml) noexcept;

// Pid of the container's init, from <runDir>/<name>.pid.
pid_t initPid(const state::DriverPaths& paths, const std::string& name);

// Path of the controller binary: $CVIRT_LXC_CONTROLLER, next to the running program, the
// build tree, or the install location.
std::string controllerPath();

}  // namespace cvirt::lxc
