// Host facts: nodeinfo, hostname, capabilities.
#include <iomanip>

#include "commands/common.h"

namespace cvirt::shell {

namespace {

int cmdNodeinfo(Session& s, const po::variables_map&) {
    NodeInfo n = s.connection().nodeInfo();
    auto row = [&](const char* label, const std::string& value) {
        s.out() << std::left << std::setw(20) << label << value << "\n";
    };
    row("CPU model:", n.cpuModel);
    row("CPU(s):", std::to_string(n.cpus));
    row("CPU frequency:", std::to_string(n.mhz) + " MHz");
    row("CPU socket(s):", std::to_string(n.sockets));
    row("Core(s) per socket:", std::to_string(n.coresPerSocket));
    row("Thread(s) per core:", std::to_string(n.threadsPerCore));
    row("NUMA cell(s):", std::to_string(n.numaNodes));
    row("Memory size:", std::to_string(n.memoryKiB) + " KiB");
    s.out() << "\n";
    return 0;
}

int cmdHostname(Session& s, const po::variables_map&) {
    s.out() << s.connection().hostname() << "\n";
    return 0;
}

int cmdCapabilities(Session& s, const po::variables_map&) {
    s.out() << s.connection().capabilities();
    return 0;
}

}  // namespace

std::vector<Command> hostCommands() {
    return {
        {"nodeinfo", "host", "node information",
         "Returns basic information about the node: processors and memory.", declareNothing,
         cmdNodeinfo},
        {"hostname", "host", "print the hypervisor hostname", "Print the hypervisor hostname.",
         declareNothing, cmdHostname},
        {"capabilities", "host", "capabilities",
         "Returns capabilities of the hypervisor/driver: the guests each driver of the "
         "connection runs, and under <host> the cgroup layout, namespaces and KVM usability.",
         declareNothing, cmdCapabilities},
    };
}

}  // namespace cvirt::shell
