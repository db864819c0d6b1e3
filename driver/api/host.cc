// Host facts: nodeinfo, hostname, capabilities. Read from /proc and /sys on every call (cheap,
// and a CPU may go offline); nothing here changes the host.
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
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

namespace cvirt {

namespace {

void addEnum(pugi::xml_node parent, const char* name, std::initializer_list<const char*> values) {
    pugi::xml_node e = parent.append_child("enum");
    e.append_attribute("name") = name;
    for (const char* v : values)
        e.append_child("value").text() = v;
}

}  // namespace

std::string Connection::domainCapabilities(std::string_view virtType) const {
    std::string type(
        virtType.empty()
            ? (impl_->drivers().front().paths.kind == state::DriverKind::Lxc ? "lxc" : "qemu")
            : virtType);
    bool container = type == "lxc";
    if (type != "lxc" && type != "qemu" && type != "kvm")
        throw Error(ErrorCode::InvalidArg, "unknown virttype '" + type + "' (lxc, qemu, kvm)");
    state::DriverKind kind = container ? state::DriverKind::Lxc : state::DriverKind::Qemu;
    bool served = std::any_of(impl_->drivers().begin(), impl_->drivers().end(),
                              [&](const DriverState& d) { return d.paths.kind == kind; });
    if (!served)
        throw Error(
            ErrorCode::ConfigUnsupported,
            "virttype '" + type + "' is not supported by connection '" + impl_->uri().text + "'");
    std::optional<std::string> kvmWhy = type == "kvm" ? qemu::kvmUnusable() : std::nullopt;
    if (kvmWhy) throw Error(ErrorCode::ConfigUnsupported, "KVM is not usable here: " + *kvmWhy);

    pugi::xml_document doc;
    pugi::xml_node caps = doc.append_child("domainCapabilities");
    std::string emulator;
    if (container) {
        try {
            emulator = util::helperPath("cvirt-lxc-controller", "CVIRT_LXC_CONTROLLER");
        } catch (const Error&) {
        }
    } else {
        emulator = "/usr/bin/qemu-system-x86_64";
    }
    caps.append_child("path").text() = emulator.c_str();
    caps.append_child("domain").text() = type.c_str();
    if (!container) caps.append_child("machine").text() = "pc";
    caps.append_child("arch").text() = machine().c_str();
    long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    caps.append_child("vcpu").append_attribute("max") = container ? cpus : 255;
    pugi::xml_node os = caps.append_child("os");
    os.append_attribute("supported") = "yes";
    if (!container) addEnum(os, "firmware", {"bios"});
    pugi::xml_node devices = caps.append_child("devices");
    auto device = [&](const char* name) {
        pugi::xml_node d = devices.append_child(name);
        d.append_attribute("supported") = "yes";
        return d;
    };
    if (container) {
        pugi::xml_node fs = device("filesystem");
        addEnum(fs, "driverType", {"path", "loop", "nbd"});
        addEnum(fs, "type", {"mount", "bind", "block", "file", "ram"});
        pugi::xml_node hostdev = device("hostdev");
        addEnum(hostdev, "mode", {"capabilities"});
        addEnum(hostdev, "capsType", {"storage", "misc", "net"});
        pugi::xml_node net = device("interface");
        addEnum(net, "type", {"bridge", "network", "ethernet", "direct"});
        device("console");
    } else {
        pugi::xml_node disk = device("disk");
        addEnum(disk, "diskDevice", {"disk", "cdrom"});
        addEnum(disk, "bus", {"virtio", "ide"});
        pugi::xml_node net = device("interface");
        addEnum(net, "type", {"bridge", "network", "ethernet"});
        addEnum(net, "model", {"virtio", "rtl8139", "e1000"});
        pugi::xml_node serial = device("serial");
        addEnum(serial, "type", {"pty"});
        device("memballoon");
        pugi::xml_node graphics = devices.append_child("graphics");
        graphics.append_attribute("supported") = "no";
    }
    return conf::saveDocument(doc);
}

std::string Connection::sysinfo() const {
    // libvirt's <sysinfo type='smbios'> from the kernel's DMI view (no dmidecode).
    auto dmi = [](const char* file) -> std::string {
        auto text = util::readFileIfExists(std::string("/sys/class/dmi/id/") + file);
        if (!text) return {};
        while (!text->empty() && (text->back() == '\n' || text->back() == ' '))
            text->pop_back();
        return *text;
    };
    pugi::xml_document doc;
    pugi::xml_node si = doc.append_child("sysinfo");
    si.append_attribute("type") = "smbios";
    auto section = [&](const char* name,
                       std::initializer_list<std::pair<const char*, const char*>> entries) {
        pugi::xml_node s = si.append_child(name);
        for (const auto& [entry, file] : entries) {
            std::string v = dmi(file);
            if (v.empty()) continue;
            pugi::xml_node e = s.append_child("entry");
            e.append_attribute("name") = entry;
            e.text() = v.c_str();
        }
        if (!s.first_child()) si.remove_child(s);
    };
    section("bios", {{"vendor", "bios_vendor"},
                     {"version", "bios_version"},
                     {"date", "bios_date"},
                     {"release", "bios_release"}});
    section("system", {{"manufacturer", "sys_vendor"},
                       {"product", "product_name"},
                       {"version", "product_version"},
                       {"family", "product_family"}});
    section("baseBoard", {{"manufacturer", "board_vendor"},
                          {"product", "board_name"},
                          {"version", "board_version"}});
    NodeInfo n = nodeInfo();
    pugi::xml_node proc = si.append_child("processor");
    auto entry = [&](const char* name, const std::string& v) {
        pugi::xml_node e = proc.append_child("entry");
        e.append_attribute("name") = name;
        e.text() = v.c_str();
    };
    entry("socket_destination", std::to_string(n.sockets) + " socket(s)");
    entry("type", "Central Processor");
    entry("family", n.cpuModel);
    entry("max_speed", std::to_string(n.mhz) + " MHz");
    pugi::xml_node mem = si.append_child("memory_device");
    pugi::xml_node size = mem.append_child("entry");
    size.append_attribute("name") = "size";
    size.text() = (std::to_string(n.memoryKiB / 1024) + " MB").c_str();
    return conf::saveDocument(doc);
}

}  // namespace cvirt
