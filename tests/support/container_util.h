// SPDX-License-Identifier: GPL-3.0-or-later
// Integration-test helpers: prerequisites, domain XML for the busybox rootfs, running a
// command inside a container and capturing its output.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cvirt/connection.h"

namespace cvirt::testenv {

// "needs root", "needs the busybox rootfs at …", … or nullopt when all is there.
std::optional<std::string> missingForContainers();
bool userNamespacesWork();
// missingForContainers(), then this process moves to a network namespace of its own: the
// bridges, veths and networks a test makes vanish with it and never touch the host's.
std::optional<std::string> missingForContainersInOwnNetns();

std::string rootfsDir();  // build/rootfs/busybox

struct CtOptions {
    std::string init = "/bin/sh";
    std::vector<std::string> initargs;
    std::string extra;       // inserted inside <domain> after <os>
    std::string devices;     // inserted inside <devices> after the root filesystem
    std::string namespaces;  // <lxc:namespace> children
    std::string cvirt;       // <cvirt:resources> children
    std::string security;    // <cvirt:security> children
    unsigned memoryMiB = 64;
    bool rootfs = true;
};
std::string containerXml(const std::string& name, const CtOptions& opts = {});

// <filesystem> binding build/probe (cvirt-probe, cvirt-exec-racer) read-only at /probe.
std::string probeFilesystem();
// <idmap>: the container's ids 0–65535 are the host's 100000–165535.
inline constexpr const char* kTestIdmap =
    "<idmap><uid start='0' target='100000' count='65536'/>"
    "<gid start='0' target='100000' count='65536'/></idmap>";
// "needs … build/probe/NAME" when that program was not built, else nullopt.
std::optional<std::string> missingProbe(const std::string& name);

struct Captured {
    int status = -1;
    std::string out;
};
// dom.exec(argv) in a child process with stdout captured (stderr merged).
Captured execCapture(Domain& dom, const std::vector<std::string>& argv);

// Where a container sees `controller`'s file for its own cgroup (the root of its
// /sys/fs/cgroup), on whichever layout the host has: v1File on a v1 hierarchy, v2File on the
// unified one (/sys/fs/cgroup itself on a pure v2 host, /sys/fs/cgroup/unified on a hybrid).
std::string insideCgroupFile(const std::string& controller, const std::string& v1File,
                             const std::string& v2File);

// Whether `controller` is on the unified (v2) hierarchy here.
bool unifiedController(const std::string& controller);
// Where the kernel keeps `controller` for the domain's init, found from /proc/PID/cgroup (not
// from cvirt's placement logic), and the content of its v1File or v2File, trailing newlines
// dropped. Throws std::runtime_error when init is in no such cgroup.
std::filesystem::path hostCgroupDir(Domain& d, const std::string& controller);
std::string hostCgroupValue(Domain& d, const std::string& controller, const std::string& v1File,
                            const std::string& v2File);

// Whether a process exists.
bool pidAlive(int pid);

}  // namespace cvirt::testenv
