// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/validate.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "cgroup/layout.h"
#include "qemu/kvm.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt::host {

std::map<std::string, std::string> parseKernelConfig(std::string_view text) {
    std::map<std::string, std::string> out;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("CONFIG_", 0) != 0) continue;
        size_t eq = line.find('=');
        if (eq == std::string::npos) continue;
        out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

std::vector<std::string> parseLoopbackServices(std::string_view tcp, std::string_view tcp6,
                                               std::string_view unixTable) {
    std::vector<std::string> out;
    auto port = [](const std::string& hex) { return std::to_string(std::stoul(hex, nullptr, 16)); };
    // "sl local rem st …": local is ADDR:PORT in hex, the address in the kernel's byte order;
    // st 0A is LISTEN.
    for (auto [table, v6] : {std::pair{tcp, false}, std::pair{tcp6, true}}) {
        std::istringstream in{std::string(table)};
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream f(line);
            std::string sl, local, remote, st;
            if (!(f >> sl >> local >> remote >> st) || st != "0A") continue;
            size_t colon = local.find(':');
            if (colon == std::string::npos) continue;
            std::string addr = local.substr(0, colon);
            if (!v6 && addr.size() == 8 && addr.substr(6) == "7F")  // 127.0.0.0/8
                out.push_back("127." + std::to_string(std::stoul(addr.substr(4, 2), nullptr, 16)) +
                              "." + std::to_string(std::stoul(addr.substr(2, 2), nullptr, 16)) +
                              "." + std::to_string(std::stoul(addr.substr(0, 2), nullptr, 16)) +
                              ":" + port(local.substr(colon + 1)));
            else if (v6 && addr == "00000000000000000000000001000000")  // ::1
                out.push_back("[::1]:" + port(local.substr(colon + 1)));
        }
    }
    // "Num RefCount Protocol Flags Type St Inode Path": flags 00010000 is a listening socket,
    // a path starting with '@' an abstract name.
    std::istringstream in{std::string(unixTable)};
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string num, refs, proto, flags, type, st, inode, path;
        if (!(f >> num >> refs >> proto >> flags >> type >> st >> inode >> path)) continue;
        if (path[0] == '@' && (std::stoul(flags, nullptr, 16) & 0x10000)) out.push_back(path);
    }
    return out;
}

Facts gatherFacts() {
    Facts f;
    utsname u{};
    if (::uname(&u) == 0) f.kernelRelease = u.release;
    for (std::string path : {"/boot/config-" + f.kernelRelease, std::string("/proc/config")}) {
        if (auto text = util::readFileIfExists(path)) {
            f.kernelConfig = parseKernelConfig(*text);
            f.kernelConfigSource = path;
            break;
        }
    }
    if (f.kernelConfig.empty() && ::access("/proc/config.gz", R_OK) == 0) {
        util::ProcessResult r = util::runProcess({"gzip", "-dc", "/proc/config.gz"});
        if (r.status == 0) {
            f.kernelConfig = parseKernelConfig(r.out);
            f.kernelConfigSource = "/proc/config.gz";
        }
    }
    try {
        cgroup::HostLayout layout = cgroup::detectHost();
        f.cgroupLayout = std::string(cgroup::layoutName(layout.layout));
        for (const auto& h : layout.hierarchies)
            for (const auto& c : h.controllers)
                f.cgroupControllers.push_back(c);
        if (layout.unified()) f.cgroupControllers.push_back("freezer");  // cgroup.freeze
    } catch (const std::exception&) {
    }
    for (const char* ns : {"pid", "mnt", "uts", "ipc", "net", "user", "cgroup"})
        f.namespaces[ns] = ::access(("/proc/self/ns/" + std::string(ns)).c_str(), F_OK) == 0;
    if (auto max = util::readFileIfExists("/proc/sys/user/max_user_namespaces"))
        f.namespaces["user"] = f.namespaces["user"] && std::atoi(max->c_str()) > 0;
    f.tunDevice = ::access("/dev/net/tun", F_OK) == 0;
    f.qemuBinary = ::access("/usr/bin/qemu-system-x86_64", X_OK) == 0;
    f.kvmUnusable = qemu::kvmUnusable();
    f.root = ::geteuid() == 0;
    f.loopbackServices =
        parseLoopbackServices(util::readFileIfExists("/proc/net/tcp").value_or(""),
                              util::readFileIfExists("/proc/net/tcp6").value_or(""),
                              util::readFileIfExists("/proc/net/unix").value_or(""));
    return f;
}

std::vector<CheckResult> evaluate(const Facts& f) {
    std::vector<CheckResult> out;
    auto add = [&](const char* driver, std::string what, Verdict v, std::string fix = {}) {
        out.push_back({driver, std::move(what), v, v == Verdict::Pass ? "" : std::move(fix)});
    };
    // Kernel options: a missing config file is a warning, a missing option a failure.
    const std::pair<const char*, const char*> options[] = {
        {"CONFIG_NAMESPACES", "namespaces"},
        {"CONFIG_PID_NS", "pid namespace"},
        {"CONFIG_UTS_NS", "uts namespace"},
        {"CONFIG_IPC_NS", "ipc namespace"},
        {"CONFIG_NET_NS", "network namespace"},
        {"CONFIG_USER_NS", "user namespace"},
        {"CONFIG_CGROUPS", "control groups"},
        {"CONFIG_MEMCG", "memory controller"},
        {"CONFIG_CGROUP_PIDS", "pids controller"},
        {"CONFIG_VETH", "veth devices"},
        {"CONFIG_BRIDGE", "bridges"},
        {"CONFIG_MACVLAN", "macvlan devices"},
        {"CONFIG_TUN", "tap devices"},
        {"CONFIG_SECCOMP_FILTER", "seccomp filters"}};
    if (f.kernelConfig.empty()) {
        add("LXC", "Checking for the kernel configuration", Verdict::Warn,
            "no /boot/config-" + f.kernelRelease +
                " or /proc/config.gz: kernel options cannot be checked");
    } else {
        for (const auto& [key, name] : options) {
            auto it = f.kernelConfig.find(key);
            bool ok = it != f.kernelConfig.end() && (it->second == "y" || it->second == "m");
            add(std::string_view(key) == "CONFIG_TUN" ? "QEMU" : "LXC",
                std::string("Checking for kernel support of ") + name + " (" + key + ")",
                ok ? Verdict::Pass : Verdict::Fail,
                std::string("build the kernel with ") + key + "=y (" + f.kernelConfigSource +
                    " does not have it)");
        }
    }
    for (const auto& [ns, present] : f.namespaces)
        add("LXC", "Checking for namespace ns '" + ns + "'",
            present ? Verdict::Pass
                    : (ns == "user" || ns == "cgroup" ? Verdict::Warn : Verdict::Fail),
            ns == "user" ? "set sysctl user.max_user_namespaces > 0 (needed for <idmap>)"
                         : "this kernel lacks the " + ns + " namespace");
    add("LXC",
        "Checking for a cgroup file system (" +
            (f.cgroupLayout.empty() ? std::string("none") : f.cgroupLayout) + ")",
        f.cgroupLayout.empty() ? Verdict::Fail : Verdict::Pass,
        "mount cgroup2 on /sys/fs/cgroup (mount -t cgroup2 none /sys/fs/cgroup)");
    for (const char* c : {"memory", "cpu", "cpuset", "pids", "freezer"}) {
        bool have = std::find(f.cgroupControllers.begin(), f.cgroupControllers.end(), c) !=
                    f.cgroupControllers.end();
        add("LXC", std::string("Checking for cgroup '") + c + "' controller support",
            have ? Verdict::Pass : Verdict::Fail,
            std::string("enable the '") + c + "' controller (v2: echo +" + c +
                " > /sys/fs/cgroup/cgroup.subtree_control; "
                "v1: mount its hierarchy)");
    }
    bool io = std::any_of(f.cgroupControllers.begin(), f.cgroupControllers.end(),
                          [](const std::string& c) { return c == "io" || c == "blkio"; });
    add("LXC", "Checking for cgroup 'io'/'blkio' controller support",
        io ? Verdict::Pass : Verdict::Warn, "blkiotune needs the io (v2) or blkio (v1) controller");
    // cvirt keeps libvirt's default: a container without <interface> or <privnet/> shares
    // the host's network namespace (net_admin and net_raw dropped there), and so reaches what
    // listens on the host's loopback.
    std::string services;
    for (size_t i = 0; i < f.loopbackServices.size() && i < 4; ++i)
        services += (i ? ", " : "") + f.loopbackServices[i];
    if (f.loopbackServices.size() > 4)
        services += " and " + std::to_string(f.loopbackServices.size() - 4) + " more";
    add("LXC", "Checking for services a container on the host's network reaches",
        f.loopbackServices.empty() ? Verdict::Pass : Verdict::Warn,
        "a container without <interface> or <privnet/> shares the host's network, as in "
        "libvirt, and reaches what listens on its loopback (" +
            services +
            "); give containers <features><privnet/></features> or an <interface> unless they "
            "must share it");
    add("LXC", "Checking for running as root", f.root ? Verdict::Pass : Verdict::Warn,
        "containers and VMs start as root (run cvirsh with sudo)");
    add("QEMU", "Checking for /usr/bin/qemu-system-x86_64",
        f.qemuBinary ? Verdict::Pass : Verdict::Warn, "apt-get install qemu-system-x86");
    add("QEMU", "Checking for device /dev/net/tun", f.tunDevice ? Verdict::Pass : Verdict::Warn,
        "modprobe tun (VM interfaces are taps)");
    // kvmUnusable runs a vCPU (issue 15): a /dev/kvm that opens may still emulate guest kernels.
    add("QEMU", "Checking that /dev/kvm runs a guest at hardware speed",
        f.kvmUnusable ? Verdict::Warn : Verdict::Pass,
        (f.kvmUnusable ? *f.kvmUnusable : std::string()) +
            ": only type='qemu' (software emulation) will run; enable VT-x/AMD-V (in a VM: have "
            "its hypervisor expose them, nested) and load kvm_intel or kvm_amd");
    return out;
}

std::string formatResults(const std::vector<CheckResult>& results) {
    std::string out;
    for (const auto& r : results) {
        std::string left = "  " + r.driver + ": " + r.what;
        if (left.size() < 78) left.resize(78, ' ');
        const char* word = r.verdict == Verdict::Pass   ? "PASS"
                           : r.verdict == Verdict::Warn ? "WARN"
                                                        : "FAIL";
        out += left + ": " + word;
        if (!r.fix.empty()) out += " (" + r.fix + ")";
        out += "\n";
    }
    return out;
}

}  // namespace cvirt::host
