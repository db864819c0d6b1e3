// SPDX-License-Identifier: GPL-3.0-or-later
// Rules the schema cannot state. Each error states the rule and the offending value.
#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include "conf/cpuset.h"
#include "conf/domain.h"
#include "conf/text_check.h"
#include "conf/validate_vm.h"
#include "conf/xml_util.h"
#include "cvirt/error.h"

namespace cvirt::conf {

namespace {

class Checker {
public:
    explicit Checker(std::string_view file) : file_(file) {}

    [[noreturn]] void fail(std::string_view msg, int line = 0,
                           std::string_view element = {}) const {
        std::string text(file_);
        if (line > 0) text += ":" + std::to_string(line);
        text += ": ";
        if (!element.empty()) text += "<" + std::string(element) + ">: ";
        text += msg;
        throw Error(ErrorCode::XmlError, std::move(text));
    }

private:
    std::string_view file_;
};

void checkName(const Checker& c, const std::string& name) {
    if (name.empty()) c.fail("domain name must not be empty", 0, "name");
    if (name.find('/') != std::string::npos)
        c.fail("domain name '" + name + "' must not contain '/'", 0, "name");
    if (name[0] == '.') c.fail("domain name '" + name + "' must not start with '.'", 0, "name");
    if (name.size() > 255)
        c.fail("domain name is " + std::to_string(name.size()) + " bytes long (at most 255)", 0,
               "name");
    if (auto why = textProblem(name))
        c.fail("domain name '" + printable(name) + "' " + *why, 0, "name");
}

// Limits start would meet: the name is the container's hostname when it has its own UTS
// namespace (sethostname: at most HOST_NAME_MAX bytes).
void checkNameFits(const Checker& c, const DomainDef& d) {
    constexpr size_t kMaxHostName = 64;
    if (d.isContainer() && !d.lxcNamespaces.shareuts && d.name.size() > kMaxHostName)
        c.fail("domain name is " + std::to_string(d.name.size()) + " bytes long (at most " +
                   std::to_string(kMaxHostName) + ": it is the container's hostname)",
               0, "name");
}

// "/data//x/./" and "/data/x" name one directory.
std::string normalTarget(const std::string& path) {
    std::string out;
    for (size_t b = 0; b < path.size();) {
        size_t e = path.find('/', b);
        if (e == std::string::npos) e = path.size();
        std::string_view part(path.data() + b, e - b);
        if (!part.empty() && part != ".") out += "/" + std::string(part);
        b = e + 1;
    }
    return out.empty() ? "/" : out;
}

void checkMemory(const Checker& c, const DomainDef& d) {
    // libvirt refuses it too: the cgroup would get no limit at all.
    if (d.memory.kib == 0) c.fail("memory size must be greater than 0", 0, "memory");
    if (d.currentMemory && d.currentMemory->kib > d.memory.kib)
        c.fail("currentMemory (" + std::to_string(d.currentMemory->kib) +
                   " KiB) is larger than memory (" + std::to_string(d.memory.kib) + " KiB)",
               0, "currentMemory");
    if (d.maxMemory && d.memory.kib > d.maxMemory->kib)
        c.fail("memory (" + std::to_string(d.memory.kib) + " KiB) is larger than maxMemory (" +
                   std::to_string(d.maxMemory->kib) + " KiB)",
               0, "maxMemory");
    const MemTune& m = d.memtune;
    if (m.hardLimitKiB && m.softLimitKiB && *m.softLimitKiB > *m.hardLimitKiB)
        c.fail("soft_limit (" + std::to_string(*m.softLimitKiB) +
                   " KiB) must not exceed hard_limit (" + std::to_string(*m.hardLimitKiB) + " KiB)",
               0, "memtune");
    if (m.hardLimitKiB && m.swapHardLimitKiB && *m.swapHardLimitKiB < *m.hardLimitKiB)
        c.fail("swap_hard_limit (" + std::to_string(*m.swapHardLimitKiB) +
                   " KiB) must be at least hard_limit (" + std::to_string(*m.hardLimitKiB) +
                   " KiB)",
               0, "memtune");
}

// A numeric inituser/initgroup is an id: (uid_t)-1 would make setresuid keep the current id
// (root), so the largest is 4294967294. Names are looked up in the container at start.
void checkInitId(const Checker& c, const std::string& value, const char* element,
                 const char* what) {
    if (value.empty() ||
        !std::all_of(value.begin(), value.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return;
    constexpr uint64_t kMaxId = 4294967294;
    uint64_t id = 0;
    for (char ch : value)
        if ((id = id * 10 + static_cast<uint64_t>(ch - '0')) > kMaxId) break;
    if (id > kMaxId)
        c.fail(std::string(what) + " id " + value + " is out of range (at most " +
                   std::to_string(kMaxId) + "; 4294967295 means 'unchanged' to the kernel)",
               0, element);
}

bool validCpuset(const std::string& s) {
    return parseCpuset(s).has_value();
}

void checkIdmap(const Checker& c, const std::vector<IdmapRange>& ranges, const char* kind) {
    for (const auto& r : ranges)
        if (r.count == 0)
            c.fail(std::string("idmap ") + kind + " range (start " + std::to_string(r.start) +
                       ") has count 0",
                   r.line, kind);
    for (size_t i = 0; i < ranges.size(); ++i)
        for (size_t j = 0; j < i; ++j) {
            const auto &a = ranges[j], &b = ranges[i];
            if (a.start < b.start + b.count && b.start < a.start + a.count)
                c.fail(std::string("idmap ") + kind + " range starting at " +
                           std::to_string(b.start) + " overlaps the range starting at " +
                           std::to_string(a.start) + " (line " + std::to_string(a.line) + ")",
                       b.line, kind);
            if (a.target < b.target + b.count && b.target < a.target + a.count)
                c.fail(std::string("idmap ") + kind + " range targeting " +
                           std::to_string(b.target) + " overlaps the range targeting " +
                           std::to_string(a.target) + " (line " + std::to_string(a.line) + ")",
                       b.line, kind);
        }
    bool root = std::any_of(ranges.begin(), ranges.end(), [](auto& r) { return r.start == 0; });
    if (!root)
        c.fail(
            std::string("idmap must map the container's root ") + kind + " (a range with start 0)",
            ranges.front().line, kind);
}

void checkFilesystems(const Checker& c, const DomainDef& d) {
    std::map<std::string, int> targets;
    for (const auto& fs : d.filesystems) {
        if (auto why = containerPathProblem(fs.target))
            c.fail("filesystem target '" + printable(fs.target) + "' " + *why, fs.line,
                   "filesystem");
        std::string t = normalTarget(fs.target);
        if (auto it = targets.find(t); it != targets.end()) {
            if (t == "/")
                c.fail("more than one filesystem has target '/' (lines " +
                           std::to_string(it->second) + " and " + std::to_string(fs.line) + ")",
                       fs.line, "filesystem");
            c.fail("filesystem target '" + t + "' appears twice (lines " +
                       std::to_string(it->second) + " and " + std::to_string(fs.line) + ")",
                   fs.line, "filesystem");
        }
        targets[t] = fs.line;
        if (fs.type == FsType::Ram && (!fs.usageKiB || *fs.usageKiB == 0))
            c.fail("ram filesystem at '" + fs.target + "' needs a usage size", fs.line,
                   "filesystem");
        if (auto why = textProblem(fs.source))
            c.fail("filesystem source '" + printable(fs.source) + "' " + *why, fs.line,
                   "filesystem");
        if (fs.type != FsType::Ram && fs.source.empty())
            c.fail("filesystem at '" + fs.target + "' has no source", fs.line, "filesystem");
        if ((fs.type == FsType::Mount || fs.type == FsType::Bind) && fs.source[0] != '/')
            c.fail("filesystem source '" + fs.source + "' must be an absolute path", fs.line,
                   "filesystem");
    }
}

bool validAddress(const std::string& text, std::optional<IpFamily> family, IpFamily* detected) {
    unsigned char buf[16];
    if (::inet_pton(AF_INET, text.c_str(), buf) == 1)
        *detected = IpFamily::Ipv4;
    else if (::inet_pton(AF_INET6, text.c_str(), buf) == 1)
        *detected = IpFamily::Ipv6;
    else
        return false;
    return !family || *family == *detected;
}

// What the qemu backend can run: the rest is refused at define, not at start.
void checkVirtualMachine(const Checker& c, const DomainDef& d) {
    const std::string type(kDomainTypeNames.name(d.type));
    std::map<std::string, int> targets;
    for (const auto& disk : d.disks) {
        if (disk.targetDev.empty()) c.fail("<disk> needs <target dev='…'>", 0, "disk");
        if (disk.source.empty() && disk.type != DiskType::Volume &&
            disk.device != DiskDevice::Cdrom)
            c.fail("disk '" + disk.targetDev + "' needs a <source>", 0, "disk");
        if (++targets[disk.targetDev] == 2)
            c.fail("disk target '" + disk.targetDev + "' is used by two disks", 0, "disk");
    }
    if (d.vcpu.current && *d.vcpu.current > d.vcpu.count)
        c.fail("current vcpus " + std::to_string(*d.vcpu.current) + " exceed the maximum " +
                   std::to_string(d.vcpu.count),
               0, "vcpu");
    for (const auto& disk : d.disks)
        if (disk.targetBus && *disk.targetBus != DiskBus::Virtio && *disk.targetBus != DiskBus::Ide)
            c.fail("disk bus '" + std::string(kDiskBusNames.name(*disk.targetBus)) +
                       "' is not supported for " + type + " domains (use virtio or ide)",
                   0, "disk");
    for (const auto& n : d.interfaces)
        if (n.type == NetType::Direct || n.type == NetType::Hostdev)
            c.fail("interface type '" + std::string(kNetTypeNames.name(n.type)) +
                       "' is not supported for " + type +
                       " domains (use bridge, network or ethernet)",
                   n.line, "interface");
    if (d.serials.size() > 1)
        c.fail("only one serial port is supported for " + type + " domains", 0, "serial");
    if (!d.filesystems.empty())
        c.fail("<filesystem> is not supported for " + type + " domains (use <disk>)",
               d.filesystems.front().line, "filesystem");
    if (!d.hostdevs.empty())
        c.fail("<hostdev> is not supported for " + type + " domains", 0, "hostdev");
    if (!d.idmap.empty()) c.fail("<idmap> is only for lxc domains", 0, "idmap");
    if (!d.cvirtSecurity.empty()) c.fail("<cvirt:security> is only for lxc domains", 0, "security");
    if (!d.cvirtResources.rlimits.empty())
        c.fail("<cvirt:rlimit> is only for lxc domains", 0, "rlimit");
}

// <ip> and <route>: the guest side of an interface, the host end of an ethernet one, a moved
// host device.
void checkIpConfig(const Checker& c, const std::vector<IpAddress>& ips,
                   const std::vector<Route>& routes, int line, const char* element) {
    for (const auto& ip : ips) {
        IpFamily fam;
        if (!validAddress(ip.address, std::nullopt, &fam))
            c.fail("invalid IP address '" + ip.address + "'", line, element);
        if (ip.family && *ip.family != fam)
            c.fail("IP address '" + ip.address + "' is not an " +
                       std::string(kIpFamilyNames.name(*ip.family)) + " address",
                   line, element);
        unsigned max = fam == IpFamily::Ipv4 ? 32 : 128;
        if (ip.prefix && *ip.prefix > max)
            c.fail("prefix " + std::to_string(*ip.prefix) + " of '" + ip.address +
                       "' is larger than " + std::to_string(max),
                   line, element);
        IpFamily peerFam;
        if (!ip.peer.empty() && (!validAddress(ip.peer, std::nullopt, &peerFam) || peerFam != fam))
            c.fail("peer '" + ip.peer + "' of '" + ip.address + "' is not an " +
                       std::string(kIpFamilyNames.name(fam)) + " address",
                   line, element);
    }
    for (const auto& r : routes) {
        IpFamily fam;
        if (!validAddress(r.address, r.family, &fam))
            c.fail("invalid route address '" + r.address + "'", line, element);
        if (!r.gateway.empty() && !validAddress(r.gateway, fam, &fam))
            c.fail("invalid route gateway '" + r.gateway + "'", line, element);
        unsigned max = fam == IpFamily::Ipv4 ? 32 : 128;
        if (r.prefix && *r.prefix > max)
            c.fail("prefix " + std::to_string(*r.prefix) + " of route '" + r.address +
                       "' is larger than " + std::to_string(max),
                   line, element);
    }
}

void checkInterfaces(const Checker& c, const DomainDef& d) {
    std::map<std::string, int> macs, guests, targets;
    for (const auto& n : d.interfaces) {
        auto dup = [&](std::map<std::string, int>& seen, const std::string& v, const char* what) {
            if (v.empty()) return;
            if (auto it = seen.find(v); it != seen.end())
                c.fail(std::string(what) + " '" + v + "' is used by two interfaces (lines " +
                           std::to_string(it->second) + " and " + std::to_string(n.line) + ")",
                       n.line, "interface");
            seen[v] = n.line;
        };
        dup(macs, n.mac, "MAC address");
        dup(guests, n.guestDev, "guest device name");
        dup(targets, n.targetDev, "target device name");
        if (n.type == NetType::Bridge && n.sourceBridge.empty())
            c.fail("interface of type 'bridge' needs <source bridge='…'/>", n.line, "interface");
        if (n.type == NetType::Network && n.sourceNetwork.empty())
            c.fail("interface of type 'network' needs <source network='…'/>", n.line, "interface");
        if (n.type == NetType::Direct && n.sourceDev.empty())
            c.fail("interface of type 'direct' needs <source dev='…'/>", n.line, "interface");
        checkIpConfig(c, n.ips, n.routes, n.line, "interface");
        checkIpConfig(c, n.hostIps, n.hostRoutes, n.line, "interface");
        if (n.mtu && (*n.mtu < 68 || *n.mtu > 65535))
            c.fail("mtu " + std::to_string(*n.mtu) + " is outside 68..65535", n.line, "interface");
    }
    for (const auto& h : d.hostdevs)
        checkIpConfig(c, h.ips, h.routes, 0, "hostdev");
}

// libvirt's ranges for what the kernel takes (cpu.shares, cfs_period_us, cfs_quota_us, weights).
void checkTuning(const Checker& c, const DomainDef& d) {
    auto range = [&](const char* what, auto v, long long lo, long long hi, const char* elem) {
        if (v && (static_cast<long long>(*v) < lo || static_cast<long long>(*v) > hi))
            c.fail(std::string(what) + " " + std::to_string(*v) + " is outside " +
                       std::to_string(lo) + ".." + std::to_string(hi),
                   0, elem);
    };
    const CpuTune& t = d.cputune;
    range("shares", t.shares, 2, 262144, "cputune");
    range("period", t.period, 1000, 1000000, "cputune");
    range("emulator_period", t.emulatorPeriod, 1000, 1000000, "cputune");
    constexpr long long kMaxQuota = 17592186044415LL;
    for (auto [what, q] : {std::pair{"quota", t.quota}, {"emulator_quota", t.emulatorQuota}})
        if (q && *q != -1) range(what, q, 1000, kMaxQuota, "cputune");
    range("blkiotune weight", d.blkiotune.weight, 100, 1000, "blkiotune");
    for (const auto& dev : d.blkiotune.devices)
        if (dev.weight && *dev.weight != 0)
            range(("weight of device '" + dev.path + "'").c_str(), dev.weight, 100, 1000,
                  "blkiotune");
    const std::string& p = d.resourcePartition;
    if (!p.empty()) {
        bool outside = p[0] != '/';
        for (size_t b = 1; b <= p.size() && !outside;) {
            size_t e = p.find('/', b);
            if (e == std::string::npos) e = p.size();
            std::string_view part(p.data() + b, e - b);
            outside = (part.empty() && e != p.size()) || part == "." || part == "..";
            b = e + 1;
        }
        if (outside)
            c.fail("partition '" + p + "' is outside the cgroup hierarchy (an absolute path " +
                       "without '.', '..' or empty parts)",
                   0, "partition");
    }
}

// libvirt's "non unique alias detected": an alias names one device of the domain.
void checkAliases(const Checker& c, const DomainDef& d) {
    std::map<std::string, std::string> seen;  // alias → the element that has it
    auto add = [&](const std::string& alias, std::string element) {
        if (alias.empty()) return;
        auto [it, fresh] = seen.emplace(alias, element);
        if (!fresh)
            c.fail("alias '" + alias + "' names two devices (<" + it->second + "> and <" + element +
                       ">)",
                   0, "alias");
    };
    forEachAlias(d, [&](const std::string& alias, const char* element) {
        // a VM's serial console is the first <serial> again, alias included (as libvirt's)
        bool serialConsole = std::string_view(element) == "console" && !d.serials.empty() &&
                             alias == d.serials[0].alias && !d.isContainer();
        if (!serialConsole) add(alias, element);
    });
}

}  // namespace

void validate(const DomainDef& def, std::string_view filename) {
    Checker c(filename);
    checkName(c, def.name);
    checkNameFits(c, def);
    checkMemory(c, def);
    checkTuning(c, def);
    if (def.vcpu.count == 0) c.fail("vcpu count must be at least 1", 0, "vcpu");
    if (!def.vcpu.cpuset.empty() && !validCpuset(def.vcpu.cpuset))
        c.fail("invalid cpuset '" + def.vcpu.cpuset + "'", 0, "vcpu");
    if (!def.numatune.nodeset.empty() && !validCpuset(def.numatune.nodeset))
        c.fail("invalid nodeset '" + def.numatune.nodeset + "'", 0, "numatune");

    if (def.isContainer()) {
        if (def.os.type != OsType::Exe)
            c.fail("os type '" + std::string(kOsTypeNames.name(def.os.type)) +
                       "' is not supported for lxc domains (expected 'exe')",
                   0, "os");
        if (!def.os.init.empty() && def.os.init[0] != '/')
            c.fail("init path '" + def.os.init + "' must be absolute", 0, "init");
        checkInitId(c, def.os.inituser, "inituser", "user");
        checkInitId(c, def.os.initgroup, "initgroup", "group");
        detail::refuseVmOnlyElements(def, filename);
    } else {
        if (def.os.type != OsType::Hvm)
            c.fail("os type '" + std::string(kOsTypeNames.name(def.os.type)) +
                       "' is not supported for " + std::string(kDomainTypeNames.name(def.type)) +
                       " domains (expected 'hvm')",
                   0, "os");
        if (def.os.kernel.empty() && def.disks.empty())
            c.fail("a virtual machine needs <kernel> or a <disk> to boot from", 0, "os");
        checkVirtualMachine(c, def);
        detail::validateVmDevices(def, filename);
    }

    if (!def.idmap.uid.empty() || !def.idmap.gid.empty()) {
        if (def.idmap.uid.empty()) c.fail("idmap has gid ranges but no uid range", 0, "idmap");
        if (def.idmap.gid.empty()) c.fail("idmap has uid ranges but no gid range", 0, "idmap");
        checkIdmap(c, def.idmap.uid, "uid");
        checkIdmap(c, def.idmap.gid, "gid");
    }
    for (const auto& cap : def.features.caps)
        if (std::find(kCapabilityNames.begin(), kCapabilityNames.end(), cap.name) ==
            kCapabilityNames.end())
            c.fail("unknown capability '" + cap.name + "'", 0, "capabilities");

    checkFilesystems(c, def);
    checkInterfaces(c, def);
    checkAliases(c, def);
    if (def.lxcNamespaces.sharenet && (!def.interfaces.empty() || def.features.privnet))
        c.fail(
            "a shared network namespace (sharenet) cannot be combined with interfaces or "
            "<privnet/>",
            0, "lxc:namespace");
}

}  // namespace cvirt::conf
