// Running a command inside a running container (lxc-enter-namespace, exec): every namespace
// of its init, its capability set, stdio passed through.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "cgroup/domain_cgroup.h"
#include "conf/domain_def.h"

namespace cvirt::lxc {

// Forks a helper that joins the namespaces of `initPid` and runs argv there. Returns the
// command's exit status (128 + signal when killed); throws if the namespaces can't be joined.
// The command also joins `cgroup` (when given), so its resources count against the domain.
int runInside(pid_t initPid, const conf::DomainDef& def, const std::vector<std::string>& argv,
              cgroup::DomainCgroup* cgroup = nullptr);

}  // namespace cvirt::lxc
