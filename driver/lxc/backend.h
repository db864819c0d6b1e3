// The driver side of the LXC backend: which controller to start, and what a dead one left.
// Talking to a running controller is supervisor/client.h. Callers hold the domain lock.
#pragma once

#include <filesystem>
#include <string>

#include "conf/domain_def.h"
#include "state/runtime_state.h"
#include "state/uri.h"

namespace cvirt::lxc {

// Spawns cvirt-lxc-controller (detached, own session) and returns once init runs; throws the
// controller's reason otherwise, with nothing left behind.
void start(const std::string& uri, const state::DriverPaths& paths, const conf::DomainDef& def,
           int id);
// Removes what a controller that died (kill -9, crash) left behind, as its record and live
// XML name them: processes in the domain cgroup and the cgroup itself, the host ends of its
// veths. Never throws. Callers hold the domain lock (state::RuntimeState::reap).
void cleanupAfterCrash(const std::filesystem::path& root, const state::StaleDomain& stale) noexcept;

// Pid of the container's init, from <runDir>/<name>.pid.
pid_t initPid(const state::DriverPaths& paths, const std::string& name);

// Path of the controller binary: $CVIRT_LXC_CONTROLLER, next to the running program, the
// build tree, or the install location.
std::string controllerPath();

}  // namespace cvirt::lxc
