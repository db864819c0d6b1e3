// The container side of clone(): everything between the new namespaces and execve(init).
// Runs as pid 1 of the new pid namespace; reports failure through the sync channel.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "lxc/sync.h"

namespace cvirt::lxc {

struct ChildContext {
    const conf::DomainDef* def = nullptr;
    SyncChannel* sync = nullptr;
    std::string consolePath;                  // host path of the console pty slave (/dev/pts/N)
    bool userns = false;                      // uid/gid maps are written by the controller first
    bool privateNet = false;                  // bring loopback up
    std::vector<std::pair<int, int>> joinNs;  // (fd, CLONE_NEW*) of shared namespaces
};

// clone() entry point. Never returns: execs init or _exit(127).
int childMain(void* arg) noexcept;

// Steps, in order (each throws Error naming what failed):
void setUpRoot(const ChildContext& ctx);  // rootfs.cc: mounts, /proc, /sys, pivot_root
void setUpDev(const ChildContext& ctx, const std::string& root);  // dev.cc: /dev before pivot
[[noreturn]] void execInit(const ChildContext& ctx);              // init_exec.cc
// Waits until the controller has placed us in the domain cgroup, then unshares the cgroup
// namespace (child.cc). Called by execInit before anything of the container runs.
void waitForCgroup(const ChildContext& ctx);

}  // namespace cvirt::lxc
