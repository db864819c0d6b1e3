// Integration-test helpers: prerequisites, domain XML for the busybox rootfs, running a
// command inside a container and capturing its output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cvirt/connection.h"

namespace cvirt::testenv {

// "needs root", "needs the busybox rootfs at …", … or nullopt when all is there.
std::optional<std::string> missingForContainers();
bool userNamespacesWork();

std::string rootfsDir();  // build/rootfs/busybox

struct CtOptions {
    std::string init = "/bin/sh";
    std::vector<std::string> initargs;
    std::string extra;       // inserted inside <domain> after <os>
    std::string devices;     // inserted inside <devices> after the root filesystem
    std::string namespaces;  // <lxc:namespace> children
    std::string cvirt;       // <cvirt:resources> children
    unsigned memoryMiB = 64;
    bool rootfs = true;
};
std::string containerXml(const std::string& name, const CtOptions& opts = {});

struct Captured {
    int status = -1;
    std::string out;
};
// dom.exec(argv) in a child process with stdout captured (stderr merged).
Captured execCapture(Domain& dom, const std::vector<std::string>& argv);

// Whether a process exists.
bool pidAlive(int pid);

}  // namespace cvirt::testenv
