// The driver side of the QEMU backend: which supervisor to start, and QMP requests to a
// running VM through it (the supervisor holds the one QMP connection qemu allows).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "qemu/qmp.h"
#include "state/uri.h"

namespace cvirt::qemu {

// $CVIRT_QEMU_CONTROLLER, next to the running program, the build tree, or libexec.
std::string controllerPath();

// Spawns cvirt-qemu-controller; returns once the guest runs (throws qemu's reason).
void start(const std::string& uri, const state::DriverPaths& paths, const conf::DomainDef& def,
           int id);

// One QMP command; its "return" value. Throws OperationFailed with qemu's description.
Json monitor(const state::DriverPaths& paths, const std::string& name, const std::string& command,
             const Json& arguments = Json::object());
// qemu-monitor-command: a QMP command as JSON text in, qemu's answer as JSON text out.
std::string monitorText(const state::DriverPaths& paths, const std::string& name,
                        const std::string& commandJson);

struct VmUsage {
    uint64_t cpuTimeNs = 0, cpuUserNs = 0, cpuSystemNs = 0;  // of the qemu process
    uint64_t rssKiB = 0;                                     // of the qemu process
    std::optional<uint64_t> balloonKiB;                      // guest's memory now
    std::string status;                                      // query-status: "running", …
    unsigned vcpus = 0;                                      // query-cpus-fast
    struct Drive {
        std::string drive;  // "drive-virtio-disk0" (qemu::driveId)
        uint64_t rdReqs = 0, rdBytes = 0, wrReqs = 0, wrBytes = 0;
    };
    std::vector<Drive> drives;  // query-blockstats
};
VmUsage usage(const state::DriverPaths& paths, const std::string& name, pid_t qemuPid);

}  // namespace cvirt::qemu
