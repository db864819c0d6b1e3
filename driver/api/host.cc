// SPDX-License-Identifier: GPL-3.0-or-later
// Host facts: nodeinfo, hostname, capabilities. Read from /proc and /sys on every call (cheap,
// and a CPU may go offline); nothing here changes the host.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "api/connection_impl.h"
#include "backend/capabilities.h"
#include "conf/xml_util.h"
#include "cvirt/connection.h"
#include "host/describe.h"
#include "util/file.h"

namespace cvirt {

namespace {

namespace fs = std::filesystem;

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

// "Key:   N kB" of a meminfo file (/proc/meminfo, or a node's "Node 0 Key: N kB").
std::optional<uint64_t> meminfoKiB(const std::string& text, const std::string& key) {
    size_t p = 0;
    while ((p = text.find(key + ":", p)) != std::string::npos) {
        if (p == 0 || text[p - 1] == '\n' || text[p - 1] == ' ') {
            const char* b = text.data() + p + key.size() + 1;
            while (*b == ' ')
                ++b;
            uint64_t kib = 0;
            std::from_chars(b, text.data() + text.size(), kib);
            return kib;
        }
        p += key.size();
    }
    return std::nullopt;
}

// /etc/machine-id (32 hex digits) as 8-4-4-4-12, libvirt's host uuid when SMBIOS has none.
std::string hostUuid() {
    auto id = util::readFileIfExists("/etc/machine-id");
    if (!id || id->size() < 32) return {};
    std::string h = id->substr(0, 32);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20, 12);
}

}  // namespace

NodeInfo Connection::nodeInfo() const {
    NodeInfo n;
    n.cpuModel = backend::machine();
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    n.cpus = online > 0 ? static_cast<unsigned>(online) : 1;
    readCpuinfo(n);
    std::string meminfo = util::readFileIfExists("/proc/meminfo").value_or("");
    n.memoryKiB = meminfoKiB(meminfo, "MemTotal").value_or(0);
    n.freeMemoryKiB = meminfoKiB(meminfo, "MemFree").value_or(0);
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

NodeMemoryStats Connection::nodeMemoryStats(int cell) const {
    // a host without NUMA nodes in sysfs is one cell, 0
    bool whole = cell < 0 || (cell == 0 && !fs::exists("/sys/devices/system/node/node0"));
    std::string file = whole ? std::string("/proc/meminfo")
                             : "/sys/devices/system/node/node" + std::to_string(cell) + "/meminfo";
    auto text = util::readFileIfExists(file);
    if (!text)
        throw Error(ErrorCode::InvalidArg,
                    "invalid argument: Invalid cell number " + std::to_string(cell));
    NodeMemoryStats m;
    m.totalKiB = meminfoKiB(*text, "MemTotal").value_or(0);
    m.freeKiB = meminfoKiB(*text, "MemFree").value_or(0);
    if (cell < 0) {
        m.buffersKiB = meminfoKiB(*text, "Buffers").value_or(0);
        m.cachedKiB = meminfoKiB(*text, "Cached").value_or(0);
    }
    return m;
}

NodeCpuStats Connection::nodeCpuStats(int cpu) const {
    auto text = util::readFileIfExists("/proc/stat");
    if (!text) throw Error(ErrorCode::OperationFailed, "cannot read /proc/stat");
    std::string want = cpu < 0 ? "cpu " : "cpu" + std::to_string(cpu) + " ";
    size_t p = text->starts_with(want) ? 0 : text->find("\n" + want);
    if (p == std::string::npos)
        throw Error(ErrorCode::InvalidArg,
                    "invalid argument: Invalid cpuNum in virHostCPUGetStatsLinux");
    std::istringstream line(text->substr(p + (p ? 1 : 0) + want.size()));
    uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    line >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    long hz = ::sysconf(_SC_CLK_TCK);
    uint64_t ns = 1000000000ull / static_cast<uint64_t>(hz > 0 ? hz : 100);
    return {.kernelNs = (system + irq + softirq) * ns,
            .userNs = (user + nice) * ns,
            .idleNs = idle * ns,
            .iowaitNs = iowait * ns};
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

    // What cvirt runs on, in its own namespace, and a <guest> per driver.
    host.append_attribute("xmlns:cvirt") = backend::kHostNamespace;
    host::describeHost(host);
    for (const auto& d : impl_->drivers())
        d.backend->describeGuest(caps);
    return conf::saveDocument(doc);  // libvirt's layout: two spaces, single quotes
}

std::string Connection::domainCapabilities(std::string_view virtType, std::string_view machine,
                                           std::string_view arch, std::string_view emulator) const {
    if (!virtType.empty() && virtType != "lxc" && virtType != "qemu" && virtType != "kvm")
        throw Error(ErrorCode::InvalidArg,
                    "unknown virttype '" + std::string(virtType) + "' (lxc, qemu, kvm)");
    const auto& drivers = impl_->drivers();
    std::string type(virtType.empty() ? (drivers.front().backend->serves("lxc") ? "lxc" : "qemu")
                                      : virtType);
    auto served = std::find_if(drivers.begin(), drivers.end(),
                               [&](const DriverState& d) { return d.backend->serves(type); });
    if (served == drivers.end())
        throw Error(
            ErrorCode::ConfigUnsupported,
            "virttype '" + type + "' is not supported by connection '" + impl_->uri().text + "'");
    pugi::xml_document doc;
    pugi::xml_node caps = doc.append_child("domainCapabilities");
    served->backend->describeDomain(caps, type, machine);
    std::string hostArch = caps.child_value("arch"), path = caps.child_value("path");
    if (!arch.empty() && arch != hostArch)
        throw Error(ErrorCode::ConfigUnsupported, "architecture '" + std::string(arch) +
                                                      "' is not supported here: virttype '" + type +
                                                      "' runs " + hostArch + " domains");
    if (!emulator.empty() && emulator != path)
        throw Error(ErrorCode::ConfigUnsupported, "emulator '" + std::string(emulator) +
                                                      "' is not the one of virttype '" + type +
                                                      "' (" + (path.empty() ? "none" : path) + ")");
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
