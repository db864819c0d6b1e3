// SPDX-License-Identifier: GPL-3.0-or-later
// What a container's /proc views and its sysinfo(2) answers are made of, read from its cgroup
// (v1 or v2, wherever the host keeps each controller) and from /proc of the host.
#pragma once

#include <sys/types.h>

#include <vector>

#include "cgroup/domain_cgroup.h"
#include "lxc/controller/proc_views.h"

namespace cvirt::lxc {

MemoryCounters readMemory(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cg);
// The CPUs the container may use (its effective cpuset, else init's affinity), cut to its CFS
// quota (visibleCpus).
std::vector<unsigned> readCpus(const cgroup::HostLayout& host, const cgroup::DomainCgroup& cg,
                               pid_t init);
// Seconds since `pid` started. Throws when it is gone.
double secondsSinceStart(pid_t pid);

}  // namespace cvirt::lxc
