// SPDX-License-Identifier: GPL-3.0-or-later
// Host facts: nodeinfo, hostname, capabilities.
#include <iomanip>

#include "commands/common.h"
#include "cvirt/error.h"

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

void declareDomcaps(po::options_description& opts, po::positional_options_description&) {
    opts.add_options()("virttype", po::value<std::string>(), "virtualization type (/domain/@type)")(
        "emulatorbin", po::value<std::string>(),
        "path to emulator binary (/domain/devices/emulator)")(
        "arch", po::value<std::string>(), "domain architecture (/domain/os/type/@arch)")(
        "machine", po::value<std::string>(), "machine type (/domain/os/type/@machine)");
}
int cmdDomcaps(Session& s, const po::variables_map& args) {
    auto opt = [&](const char* option) {
        return args.count(option) ? args[option].as<std::string>() : std::string();
    };
    s.out() << s.connection().domainCapabilities(opt("virttype"), opt("machine"), opt("arch"),
                                                 opt("emulatorbin"));
    return 0;
}

int cmdSysinfo(Session& s, const po::variables_map&) {
    s.out() << s.connection().sysinfo();
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
        {"domcapabilities", "host", "domain capabilities",
         "Returns capabilities of the emulator with respect to host and cvirt: the devices and "
         "enum values a domain of --virttype (lxc, qemu, kvm) can use.",
         declareDomcaps, cmdDomcaps},
        {"sysinfo", "host", "print the hypervisor sysinfo",
         "Output an XML string for the hypervisor sysinfo (SMBIOS from /sys/class/dmi/id).",
         declareNothing, cmdSysinfo},
    };
}

}  // namespace cvirt::shell
