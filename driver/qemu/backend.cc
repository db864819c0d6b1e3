#include "qemu/backend.h"

#include <unistd.h>

#include <charconv>

#include "cvirt/error.h"
#include "supervisor/client.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt::qemu {

std::string controllerPath() {
    return util::helperPath("cvirt-qemu-controller", "CVIRT_QEMU_CONTROLLER");
}

void start(const std::string& uri, const state::DriverPaths& paths, const conf::DomainDef& def,
           int id) {
    supervisor::spawn(controllerPath(), uri, paths, def, id);
}

std::string monitorText(const state::DriverPaths& paths, const std::string& name,
                        const std::string& commandJson) {
    if (commandJson.find('\n') != std::string::npos)
        throw Error(ErrorCode::InvalidArg, "a monitor command must be one line of JSON");
    std::string answer = supervisor::call(paths, name, "qmp " + commandJson);
    if (answer.rfind("error ", 0) == 0)
        throw Error(ErrorCode::OperationFailed,
                    "cannot talk to the monitor of '" + name + "': " + answer.substr(6));
    if (answer.empty())
        throw Error(ErrorCode::OperationFailed, "the controller of '" + name +
                                                    "' closed the "
                                                    "connection");
    return answer;
}

Json monitor(const state::DriverPaths& paths, const std::string& name, const std::string& command,
             const Json& arguments) {
    Json cmd = {{"execute", command}};
    if (!arguments.empty()) cmd["arguments"] = arguments;
    Json answer = Json::parse(monitorText(paths, name, cmd.dump()), nullptr, false);
    if (answer.is_discarded())
        throw Error(ErrorCode::OperationFailed, "unreadable monitor answer from '" + name + "'");
    if (answer.contains("error"))
        throw Error(ErrorCode::OperationFailed,
                    "domain '" + name + "': " + command + ": " +
                        answer["error"].value("desc", std::string("failed")));
    return answer["return"];
}

VmUsage usage(const state::DriverPaths& paths, const std::string& name, pid_t qemuPid) {
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
        u.status = monitor(paths, name, "query-status").value("status", "");
        u.vcpus = static_cast<unsigned>(monitor(paths, name, "query-cpus-fast").size());
        for (const Json& b : monitor(paths, name, "query-blockstats")) {
            const Json& s = b.value("stats", Json::object());
            u.drives.push_back({b.value("device", ""), s.value("rd_operations", uint64_t(0)),
                                s.value("rd_bytes", uint64_t(0)),
                                s.value("wr_operations", uint64_t(0)),
                                s.value("wr_bytes", uint64_t(0))});
        }
        Json balloon = monitor(paths, name, "query-balloon");
        if (balloon.contains("actual")) u.balloonKiB = balloon["actual"].get<uint64_t>() / 1024;
    } catch (const Error&) {
        // stopped meanwhile
    }
    return u;
}

}  // namespace cvirt::qemu
