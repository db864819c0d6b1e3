// SPDX-License-Identifier: GPL-3.0-or-later
// Running a command inside a running container (lxc-enter-namespace, exec): every namespace
// of its init, its cgroup, its capability set, seccomp profile and rlimits, a clean
// environment, stdio passed through and no other descriptor.
//
// The process that becomes visible inside the container is born confined: the driver starts
// cvirt-lxc-enter from a private read-only mount of the program (so /proc/PID/exe cannot be
// opened for writing), that program joins the namespaces through a pidfd of init, closes
// every descriptor but stdio, makes itself non-dumpable, loads the sysinfo(2) filter whose
// listener the container's controller is given (so `free` inside shows the container's
// memory, as for init's processes) and confines itself (it is not in the container's pid
// namespace, so nothing inside can see it meanwhile); only then does it fork the child that
// execs the command, which inherits all of it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "cgroup/domain_cgroup.h"
#include "conf/domain_def.h"

namespace cvirt::lxc {

struct EnterTarget {
    pid_t initPid = 0;
    pid_t controllerPid = 0;  // init's parent: a reused init pid is refused
    // When set, the command runs under a sysinfo(2) filter (security::trapSysinfo) whose
    // listener is given to this before the command starts; what it throws fails the call
    // with nothing run.
    std::function<void(int listener)> handSysinfoTrap;
};

// Runs argv inside the container and returns the command's exit status (128 + signal when
// killed). `env` (NAME=VALUE each, checked) is added to containerEnvironment(def). Throws
// OperationInvalid when init is gone, and the enter program's own error (namespaces that
// cannot be joined, a command that cannot be executed) with its message. The command also
// joins `cgroup` (when given), so its resources count against the domain.
int runInside(const EnterTarget& target, const conf::DomainDef& def,
              const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
              cgroup::DomainCgroup* cgroup = nullptr);

}  // namespace cvirt::lxc
