// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/backend.h"

#include <unistd.h>

#include <charconv>
#include <optional>

#include "backend/capabilities.h"
#include "backend/host_ends.h"
#include "controller/client.h"
#include "cvirt/error.h"
#include "qemu/command_line.h"
#include "qemu/kvm.h"
#include "qemu/qmp_call.h"
#include "qemu/vcpus.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt::qemu {

std::string controllerPath() {
    return util::helperPath("cvirt-qemu-controller", "CVIRT_QEMU_CONTROLLER");
}

namespace {

// What qemu-monitor-command, usage and the live changes need of a running VM.
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

}  // namespace

std::string qmpText(const state::DriverPaths& paths, const std::string& name,
                    const std::string& commandJson) {
    if (commandJson.find('\n') != std::string::npos)
        throw Error(ErrorCode::InvalidArg, "a monitor command must be one line of JSON");
    // A controller that cannot reach qemu answers with its error, which call() throws.
    std::string answer = controller::call(paths, name, "qmp " + commandJson);
    if (answer.empty())
        throw Error(ErrorCode::OperationFailed,
                    "the controller of '" + name + "' closed the connection");
    return answer;
}

Json qmpCall(const state::DriverPaths& paths, const std::string& name, const std::string& command,
             const Json& arguments) {
    Json cmd = {{"execute", command}};
    if (!arguments.empty()) cmd["arguments"] = arguments;
    Json answer = Json::parse(qmpText(paths, name, cmd.dump()), nullptr, false);
    if (answer.is_discarded())
        throw Error(ErrorCode::OperationFailed, "unreadable monitor answer from '" + name + "'");
    if (answer.contains("error"))
        throw Error(ErrorCode::OperationFailed,
                    "domain '" + name + "': " + command + ": " +
                        answer["error"].value("desc", std::string("failed")));
    return answer["return"];
}

namespace {

VmUsage vmUsage(const state::DriverPaths& paths, const std::string& name, pid_t qemuPid) {
    VmUsage u;
    // /proc/PID/stat: utime and stime are fields 14 and 15, in clock ticks.
    if (auto stat = util::readFileIfExists("/proc/" + std::to_string(qemuPid) + "/stat")) {
        size_t p = stat->rfind(')');
        if (p != std::string::npos) {
            std::string_view rest(*stat);
            rest.remove_prefix(p + 2);
            uint64_t fields[13] = {};
            for (int i = 0; i < 13 && !rest.empty(); ++i) {
                size_t sp = rest.find(' ');
                std::string_view f = rest.substr(0, sp);
                std::from_chars(f.data(), f.data() + f.size(), fields[i]);
                rest.remove_prefix(sp == std::string_view::npos ? rest.size() : sp + 1);
            }
            const uint64_t tickNs = 1000000000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
            u.cpuUserNs = fields[11] * tickNs;  // field 14
            u.cpuSystemNs = fields[12] * tickNs;
            u.cpuTimeNs = u.cpuUserNs + u.cpuSystemNs;
        }
    }
    if (auto status = util::readFileIfExists("/proc/" + std::to_string(qemuPid) + "/status")) {
        if (size_t p = status->find("VmRSS:"); p != std::string::npos) {
            const char* b = status->data() + p + 6;
            while (*b == ' ' || *b == '\t')
                ++b;
            std::from_chars(b, status->data() + status->size(), u.rssKiB);
        }
    }
    try {
        u.status = qmpCall(paths, name, "query-status").value("status", "");
        u.vcpus = static_cast<unsigned>(qmpCall(paths, name, "query-cpus-fast").size());
        for (const Json& b : qmpCall(paths, name, "query-blockstats")) {
            const Json& s = b.value("stats", Json::object());
            u.drives.push_back({b.value("device", ""), s.value("rd_operations", uint64_t(0)),
                                s.value("rd_bytes", uint64_t(0)),
                                s.value("wr_operations", uint64_t(0)),
                                s.value("wr_bytes", uint64_t(0))});
        }
        Json balloon = qmpCall(paths, name, "query-balloon");
        if (balloon.contains("actual")) u.balloonKiB = balloon["actual"].get<uint64_t>() / 1024;
    } catch (const Error&) {
        // stopped meanwhile
    }
    return u;
}

}  // namespace

void QemuBackend::start(const std::string& uri, const conf::DomainDef& def, int id,
                        int autodestroyFd, const std::function<void()>& beforeHandOver) {
    controller::spawn(controllerPath(), uri, paths_, def, id, autodestroyFd, nullptr,
                      beforeHandOver);
}

void QemuBackend::suspend(const state::LiveDomain& d, const conf::DomainDef&) {
    qmpCall(paths_, d.name, "stop");  // the controller marks it paused (STOP event)
}

void QemuBackend::resume(const state::LiveDomain& d, const conf::DomainDef&) {
    qmpCall(paths_, d.name, "cont");
}

void QemuBackend::changeResources(const state::LiveDomain& d, const conf::DomainDef& before,
                                  const conf::DomainDef& after) {
    conf::DomainDef rest = after;
    rest.currentMemory = before.currentMemory;
    rest.vcpu.current = before.vcpu.current;
    if (!(rest == before))
        throw Error(ErrorCode::ConfigUnsupported,
                    "domain '" + d.name +
                        "': a running qemu domain changes only its memory (balloon) and its "
                        "online vcpus; use --config for the rest");
    auto online = [](const conf::DomainDef& def) {
        return def.vcpu.current.value_or(def.vcpu.count);
    };
    if (online(after) != online(before))
        setOnlineVcpus(paths_, d.name, online(before), online(after));
    auto kib = [](const conf::DomainDef& def) {
        return def.currentMemory ? def.currentMemory->kib : def.memory.kib;
    };
    if (kib(after) != kib(before))
        qmpCall(paths_, d.name, "balloon", {{"value", kib(after) * 1024}});
}

void QemuBackend::attachInterface(const state::LiveDomain& d, conf::DomainDef&) {
    throw Error(
        ErrorCode::ConfigUnsupported,
        "domain '" + d.name + "' is a virtual machine: its interfaces change with --config only");
}

void QemuBackend::detachInterface(const state::LiveDomain& d, const conf::Interface&) {
    throw Error(
        ErrorCode::ConfigUnsupported,
        "domain '" + d.name + "' is a virtual machine: its interfaces change with --config only");
}

void QemuBackend::setInterfaceLink(const state::LiveDomain&, const conf::Interface& iface,
                                   bool up) {
    backend::setHostEndLink(iface.targetDev, up);  // the tap: the guest's NIC loses carrier
}

std::vector<InterfaceAddress> QemuBackend::interfaceAddresses(const state::LiveDomain& d) const {
    throw Error(ErrorCode::ConfigUnsupported,
                "domain '" + d.name +
                    "' is a virtual machine: its addresses are known inside the guest only");
}

backend::Usage QemuBackend::usage(const state::LiveDomain& d, const conf::DomainDef& live,
                                  backend::UsageDetail detail) const {
    VmUsage vm = vmUsage(paths_, d.name, d.initPid);
    backend::Usage u;
    u.cpuNs = vm.cpuTimeNs;
    u.cpuUserNs = vm.cpuUserNs;
    u.cpuSystemNs = vm.cpuSystemNs;
    u.residentKiB = vm.rssKiB;
    u.guestMemoryKiB = u.balloonKiB = vm.balloonKiB;
    if (vm.vcpus) u.vcpusOnline = vm.vcpus;
    for (const auto& disk : live.disks)  // named by target dev, as libvirt does
        for (const auto& b : vm.drives)
            if (b.drive == driveId(disk))
                u.blocks.push_back({disk.targetDev, b.rdReqs, b.rdBytes, b.wrReqs, b.wrBytes});
    if (detail == backend::UsageDetail::Devices) u.interfaces = backend::hostEndStats(live);
    return u;
}

int QemuBackend::exec(const state::LiveDomain& d, const conf::DomainDef&,
                      const std::vector<std::string>&, const std::vector<std::string>&) {
    throw Error(ErrorCode::OperationInvalid,
                "domain '" + d.name + "' is a virtual machine: use its console");
}

std::string QemuBackend::monitor(const state::LiveDomain& d, std::string_view commandJson) {
    return qmpText(paths_, d.name, std::string(commandJson));
}

void QemuBackend::describeGuest(pugi::xml_node caps) const {
    std::optional<std::string> kvmWhy = kvmUnusable();
    if (::access(kEmulator, X_OK) != 0) return;  // no qemu: no hvm guests
    if (kvmWhy)
        backend::addGuest(caps, "hvm", kEmulator, {"pc", "q35"}, {"qemu"});
    else
        backend::addGuest(caps, "hvm", kEmulator, {"pc", "q35"}, {"qemu", "kvm"});
}

}  // namespace cvirt::qemu
