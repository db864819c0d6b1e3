// Host facts: nodeinfo, hostname, capabilities. Read from /proc and /sys on every call (cheap,
// and a CPU may go offline); nothing here changes the host.
#include <sys/utsname.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "api/connection_impl.h"
#include "cgroup/layout.h"
#include "conf/xml_util.h"
#include "cvirt/connection.h"
#include "qemu/kvm.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt {

namespace {

namespace fs = std::filesystem;

// cvirt's elements inside <capabilities><host>.
constexpr const char* kHostNamespace = "http://cvirt.org/schemas/capabilities/cvirt/1.0";

std::string machine() {
    utsname u{};
    return ::uname(&u) == 0 ? u.machine : "x86_64";
}

// "key\t: value" lines of /proc/cpuinfo, one block per logical CPU.
void readCpuinfo(NodeInfo& n) {
    auto text = util::readFileIfExists("/proc/cpuinfo");
    if (!text) return;
    std::set<std::string> sockets, cores;
    std::string physical, core;
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) {
        size_t colon = line.find(':');
        if (line.empty() || colon == std::string::npos) {
            if (!physical.empty() || !core.empty()) cores.insert(physical + "/" + core);
            physical.clear();
            core.clear();
            continue;
        }
        std::string key = line.substr(0, line.find_first_of("\t:"));
        std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
        if (key == "physical id") {
            physical = value;
            sockets.insert(value);
        } else if (key == "core id") {
            core = value;
        } else if (key == "cpu MHz" && n.mhz == 0) {
            double mhz = std::atof(value.c_str());
            n.mhz = static_cast<unsigned>(mhz);
        }
    }
    if (!physical.empty() || !core.empty()) cores.insert(physical + "/" + core);
    if (!sockets.empty()) n.sockets = static_cast<unsigned>(sockets.size());
    unsigned totalCores = cores.empty() ? n.cpus : static_cast<unsigned>(cores.size());
    n.coresPerSocket = std::max(1u, totalCores / n.sockets);
    n.threadsPerCore = std::max(1u, n.cpus / std::max(1u, totalCores));
}

uint64_t memTotalKiB() {
    auto text = util::readFileIfExists("/proc/meminfo");
    if (!text) return 0;
    size_t p = text->find("MemTotal:");
    if (p == std::string::npos) return 0;
    const char* b = text->data() + p + 9;
    while (*b == ' ')
        ++b;
    uint64_t kib = 0;
    std::from_chars(b, text->data() + text->size(), kib);
    return kib;
}

// /etc/machine-id (32 hex digits) as 8-4-4-4-12, libvirt's host uuid when SMBIOS has none.
std::string hostUuid() {
    auto id = util::readFileIfExists("/etc/machine-id");
    if (!id || id->size() < 32) return {};
    std::string h = id->substr(0, 32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

void addGuest(pugi::xml_node caps, const char* osType, const std::string& emulator,
              std::initializer_list<const char*> machines,
              std::initializer_list<const char*> domainTypes) {
    pugi::xml_node g = caps.append_child("guest");
    g.append_child("os_type").text() = osType;
    pugi::xml_node arch = g.append_child("arch");
    arch.append_attribute("name") = machine().c_str();
    arch.append_child("wordsize").text() = sizeof(void*) * 8;
    arch.append_child("emulator").text() = emulator.c_str();
    for (const char* m : machines)
        arch.append_child("machine").text() = m;
    for (const char* t : domainTypes)
        arch.append_child("domain").append_attribute("type") = t;
}

}  // namespace

NodeInfo Connection::nodeInfo() const {
    NodeInfo n;
    n.cpuModel = machine();
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    n.cpus = online > 0 ? static_cast<unsigned>(online) : 1;
    readCpuinfo(n);
    n.memoryKiB = memTotalKiB();
    std::error_code ec;
    unsigned nodes = 0;
    for (const auto& e : fs::directory_iterator("/sys/devices/system/node", ec)) {
        std::string f = e.path().filename().string();
        if (f.rfind("node", 0) == 0 && f.size() > 4 &&
            std::isdigit(static_cast<unsigned char>(f[4])))
            ++nodes;
    }
    n.numaNodes = std::max(1u, nodes);
    return n;
}

std::string Connection::hostname() const {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) < 0)
        throwSystemError(errno, "cannot read the host name");
    return name;
}

std::string Connection::capabilities() const {
    pugi::xml_document doc;
    pugi::xml_node caps = doc.append_child("capabilities");
    pugi::xml_node host = caps.append_child("host");
    if (std::string uuid = hostUuid(); !uuid.empty())
        host.append_child("uuid").text() = uuid.c_str();
    NodeInfo n = nodeInfo();
    pugi::xml_node cpu = host.append_child("cpu");
    cpu.append_child("arch").text() = n.cpuModel.c_str();
    pugi::xml_node topo = cpu.append_child("topology");
    topo.append_attribute("sockets") = n.sockets;
    topo.append_attribute("dies") = 1;
    topo.append_attribute("cores") = n.coresPerSocket;
    topo.append_attribute("threads") = n.threadsPerCore;
    host.append_child("power_management");

    // What cvirt runs on, in its own namespace.
    const char* ns = "cvirt:";
    host.append_attribute("xmlns:cvirt") = kHostNamespace;
    const cgroup::HostLayout& layout = impl_->hostCgroups();
    pugi::xml_node cg = host.append_child((std::string(ns) + "cgroups").c_str());
    cg.append_attribute("layout") = std::string(cgroup::layoutName(layout.layout)).c_str();
    for (const auto& h : layout.hierarchies) {
        pugi::xml_node e = cg.append_child((std::string(ns) + "hierarchy").c_str());
        e.append_attribute("mount") = h.mount.c_str();
        e.append_attribute("version") = h.unified ? 2 : 1;
        std::string list;
        for (const auto& c : h.controllers)
            list += (list.empty() ? "" : ",") + c;
        if (!h.name.empty()) list += (list.empty() ? "name=" : ",name=") + h.name;
        e.append_attribute("controllers") = list.c_str();
    }
    pugi::xml_node nss = host.append_child((std::string(ns) + "namespaces").c_str());
    for (const char* type : {"pid", "mnt", "uts", "ipc", "net", "user", "cgroup"}) {
        pugi::xml_node e = nss.append_child((std::string(ns) + "namespace").c_str());
        e.append_attribute("type") = type;
        bool have = ::access(("/proc/self/ns/" + std::string(type)).c_str(), F_OK) == 0;
        if (have && std::string(type) == "user") {
            auto max = util::readFileIfExists("/proc/sys/user/max_user_namespaces");
            have = !max || std::atoi(max->c_str()) > 0;
        }
        e.append_attribute("available") = have ? "yes" : "no";
    }
    std::optional<std::string> kvmWhy = qemu::kvmUnusable();
    pugi::xml_node kvm = host.append_child((std::string(ns) + "kvm").c_str());
    kvm.append_attribute("usable") = kvmWhy ? "no" : "yes";
    if (kvmWhy) kvm.append_attribute("reason") = kvmWhy->c_str();

    for (const auto& d : impl_->drivers()) {
        if (d.paths.kind == state::DriverKind::Lxc) {
            std::string controller;
            try {
                controller = util::helperPath("cvirt-lxc-controller", "CVIRT_LXC_CONTROLLER");
            } catch (const Error&) {
            }
            addGuest(caps, "exe", controller, {}, {"lxc"});
        } else if (d.paths.kind == state::DriverKind::Qemu) {
            const std::string emulator = "/usr/bin/qemu-system-x86_64";
            if (::access(emulator.c_str(), X_OK) != 0) continue;  // no qemu: no hvm guests
            if (kvmWhy)
                addGuest(caps, "hvm", emulator, {"pc", "q35"}, {"qemu"});
            else
                addGuest(caps, "hvm", emulator, {"pc", "q35"}, {"qemu", "kvm"});
        }
    }
    return conf::saveDocument(doc);  // libvirt's layout: two spaces, single quotes
}

}  // namespace cvirt
