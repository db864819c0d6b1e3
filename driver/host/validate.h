// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-host-validate: can this host run cvirt's containers and VMs? Facts are gathered from
// the kernel config, /proc, /sys and /dev; evaluate() is pure and turns them into
// virt-host-validate-style lines, each failure or warning with what to do about it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cvirt::host {

struct Facts {
    std::string kernelRelease;
    // CONFIG_X → "y", "m" or absent; empty map when no config was found
    std::map<std::string, std::string> kernelConfig;
    std::string kernelConfigSource;  // the file read, "" if none
    std::string cgroupLayout;        // "v1", "v2", "hybrid"
    std::vector<std::string> cgroupControllers;
    std::map<std::string, bool> namespaces;  // pid, mnt, …, user
    bool tunDevice = false;                  // /dev/net/tun
    bool qemuBinary = false;                 // /usr/bin/qemu-system-x86_64
    std::optional<std::string> kvmUnusable;  // nullopt: usable
    bool root = false;
    // What a container sharing the host's network reaches that a private one does not: TCP
    // listeners on the host's loopback ("127.0.0.1:631", "[::1]:25") and listening abstract
    // unix sockets ("@/tmp/.X11-unix/X0"), which belong to the network namespace.
    std::vector<std::string> loopbackServices;
};

enum class Verdict { Pass, Warn, Fail };
struct CheckResult {
    std::string driver;  // "LXC", "QEMU"
    std::string what;    // "Checking for cgroup 'memory' controller support"
    Verdict verdict = Verdict::Pass;
    std::string fix;  // for Warn and Fail
};

// "CONFIG_X=y" lines (comments and blanks ignored).
std::map<std::string, std::string> parseKernelConfig(std::string_view text);
// Facts::loopbackServices from /proc/net/tcp, /proc/net/tcp6 and /proc/net/unix.
std::vector<std::string> parseLoopbackServices(std::string_view tcp, std::string_view tcp6,
                                               std::string_view unixTable);
Facts gatherFacts();
std::vector<CheckResult> evaluate(const Facts& facts);
// "LXC: Checking for … : PASS" (aligned like virt-host-validate), fixes on the next line.
std::string formatResults(const std::vector<CheckResult>& results);

}  // namespace cvirt::host
