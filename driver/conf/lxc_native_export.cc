// SPDX-License-Identifier: GPL-3.0-or-later
// domxml-to-native lxc-tools: a container's DomainDef as an LXC 3.x+ config.
#include <sstream>

#include "conf/lxc_native.h"

namespace cvirt::conf {

namespace {

std::string bytes(uint64_t kib) {
    return std::to_string(kib * 1024);
}

// "/dev/block/8:0" → "8:0"; other paths have no number LXC would take.
std::optional<std::string> majMinOf(const std::string& path) {
    constexpr std::string_view kPrefix = "/dev/block/";
    if (path.rfind(kPrefix, 0) != 0) return std::nullopt;
    return path.substr(kPrefix.size());
}

}  // namespace

std::string toLxcConfig(const DomainDef& def, bool v2, std::vector<std::string>& warnings) {
    std::ostringstream o;
    auto put = [&](const std::string& key, const std::string& value) {
        o << key << " = " << value << "\n";
    };
    auto warn = [&](const std::string& what) { warnings.push_back(what); };
    o << "# LXC configuration of '" << def.name << "', converted from domain XML by cvirt\n";
    put("lxc.uts.name", def.name);
    if (!def.os.arch.empty()) put("lxc.arch", def.os.arch);

    const Filesystem* root = nullptr;
    for (const auto& fs : def.filesystems)
        if (fs.target == "/") root = &fs;
    if (root)
        put("lxc.rootfs.path", root->type == FsType::Block ? root->source : "dir:" + root->source);
    else
        warn("no root <filesystem>: the container shares the host's root, which LXC cannot");

    std::string cmd = def.os.init;
    for (const auto& a : def.os.initargs)
        cmd += a.find_first_of(" \t'") == std::string::npos ? " " + a : " \"" + a + "\"";
    if (!cmd.empty()) put("lxc.init.cmd", cmd);
    if (!def.os.inituser.empty()) put("lxc.init.uid", def.os.inituser);
    if (!def.os.initgroup.empty()) put("lxc.init.gid", def.os.initgroup);
    if (!def.os.initdir.empty()) put("lxc.init.cwd", def.os.initdir);
    for (const auto& env : def.os.initenv)
        put("lxc.environment", env.name + "=" + env.value);
    for (const auto& r : def.idmap.uid)
        put("lxc.idmap", "u " + std::to_string(r.start) + " " + std::to_string(r.target) + " " +
                             std::to_string(r.count));
    for (const auto& r : def.idmap.gid)
        put("lxc.idmap", "g " + std::to_string(r.start) + " " + std::to_string(r.target) + " " +
                             std::to_string(r.count));

    for (const auto& fs : def.filesystems) {
        if (&fs == root) continue;
        std::string dst = fs.target.substr(fs.target.find_first_not_of('/'));
        std::string ro = fs.readonly ? ",ro" : "";
        switch (fs.type) {
            case FsType::Mount:
            case FsType::Bind:
                put("lxc.mount.entry",
                    fs.source + " " + dst + " none bind,create=dir" + ro + " 0 0");
                break;
            case FsType::Ram:
                put("lxc.mount.entry",
                    "tmpfs " + dst + " tmpfs size=" + std::to_string(fs.usageKiB.value_or(0)) +
                        "k" + ro + ",create=dir 0 0");
                break;
            case FsType::Block:
                put("lxc.mount.entry",
                    fs.source + " " + dst + " auto defaults,create=dir" + ro + " 0 0");
                break;
            case FsType::File:
                warn("filesystem " + fs.target +
                     ": an image file (type='file') has no LXC mount entry");
                break;
        }
    }

    // lxc.net.N.ipv4.address / ipv6.address and the default gateways: all LXC can say
    auto putIpConfig = [&](const std::string& p, const std::vector<IpAddress>& ips,
                           const std::vector<Route>& routes, const std::string& dev) {
        for (const auto& ip : ips) {
            bool v6 = ip.family ? *ip.family == IpFamily::Ipv6
                                : ip.address.find(':') != std::string::npos;
            put(p + (v6 ? "ipv6.address" : "ipv4.address"),
                ip.address + (ip.prefix ? "/" + std::to_string(*ip.prefix) : ""));
        }
        for (const auto& r : routes) {
            bool v6 = r.address.find(':') != std::string::npos;
            // without a prefix, 0.0.0.0 and :: are the default route (libvirt's rule)
            bool isDefault =
                (r.address == "0.0.0.0" || r.address == "::") && r.prefix.value_or(0) == 0;
            if (isDefault && !r.gateway.empty())
                put(p + (v6 ? "ipv6.gateway" : "ipv4.gateway"), r.gateway);
            else
                warn("route to " + r.address + " on " + dev + ": LXC sets only a default gateway");
        }
    };
    int n = 0;
    for (const auto& i : def.interfaces) {
        std::string p = "lxc.net." + std::to_string(n) + ".";
        switch (i.type) {
            case NetType::Bridge:
                put(p + "type", "veth");
                put(p + "link", i.sourceBridge);
                break;
            case NetType::Ethernet:
                put(p + "type", "veth");
                break;
            case NetType::Network:
                put(p + "type", "veth");
                warn("interface on network '" + i.sourceNetwork + "': set lxc.net." +
                     std::to_string(n) + ".link to the network's bridge");
                break;
            case NetType::Direct:
                put(p + "type", "macvlan");
                put(p + "link", i.sourceDev);
                put(p + "macvlan.mode", i.sourceMode == MacvlanMode::Vepa          ? "vepa"
                                        : i.sourceMode == MacvlanMode::Bridge      ? "bridge"
                                        : i.sourceMode == MacvlanMode::Passthrough ? "passthru"
                                                                                   : "private");
                break;
            case NetType::Hostdev:
                warn("interface type 'hostdev' (PCI) has no LXC equivalent");
                continue;
        }
        if (!i.mac.empty()) put(p + "hwaddr", i.mac);
        if (!i.guestDev.empty()) put(p + "name", i.guestDev);
        if (i.link != LinkState::Down) put(p + "flags", "up");
        if (i.mtu) put(p + "mtu", std::to_string(*i.mtu));
        putIpConfig(p, i.ips, i.routes, i.guestDev);
        if (!i.hostIps.empty() || !i.hostRoutes.empty())
            warn("interface " + i.guestDev +
                 ": addresses and routes of the host end (<source><ip>) have no LXC key");
        ++n;
    }
    for (const auto& h : def.hostdevs) {
        if (h.type != HostdevCapsType::Net) {
            warn("hostdev " + h.source + ": LXC has no key for a host " +
                 std::string(kHostdevCapsTypeNames.name(h.type)) + " device");
            continue;
        }
        std::string p = "lxc.net." + std::to_string(n++) + ".";
        put(p + "type", "phys");
        put(p + "link", h.source);
        put(p + "flags", "up");
        putIpConfig(p, h.ips, h.routes, h.source);
    }
    if (n == 0) put("lxc.net.0.type", def.features.privnet ? "empty" : "none");
    if (!def.lxcNamespaces.empty())
        warn("<lxc:namespace> sharing has no LXC config key (use lxc.namespace.share.* by hand)");
    for (const Seclabel& sec : def.seclabels)
        if (sec.type != SeclabelType::None)
            warn("seclabel model '" + sec.model +
                 "' is not converted (set lxc.apparmor.profile or lxc.selinux.context by hand)");

    put("lxc.tty.max", std::to_string(def.consoles.size()));

    if (def.features.capsPolicy == CapPolicy::Deny) {
        std::string keep;
        for (const auto& c : def.features.caps)
            if (c.state == Toggle::On) keep += (keep.empty() ? "" : " ") + c.name;
        put("lxc.cap.keep", keep.empty() ? "none" : keep);
    } else {
        std::string drop;
        for (const auto& c : def.features.caps)
            if (c.state == Toggle::Off) drop += (drop.empty() ? "" : " ") + c.name;
        if (!drop.empty()) put("lxc.cap.drop", drop);
    }

    const std::string cg = v2 ? "lxc.cgroup2." : "lxc.cgroup.";
    // The container's memory is its limit; 64 MiB is what a config without one reads as.
    uint64_t mem = def.memtune.hardLimitKiB.value_or(def.memory.kib);
    if (def.memtune.hardLimitKiB || def.memory.kib != 64 * 1024)
        put(cg + (v2 ? "memory.max" : "memory.limit_in_bytes"), bytes(mem));
    if (def.memtune.softLimitKiB)
        put(cg + (v2 ? "memory.high" : "memory.soft_limit_in_bytes"),
            bytes(*def.memtune.softLimitKiB));
    if (def.memtune.swapHardLimitKiB) {
        if (v2)
            put(cg + "memory.swap.max",
                bytes(*def.memtune.swapHardLimitKiB > mem ? *def.memtune.swapHardLimitKiB - mem
                                                          : 0));
        else
            put(cg + "memory.memsw.limit_in_bytes", bytes(*def.memtune.swapHardLimitKiB));
    }
    if (def.cputune.shares) {
        if (v2)
            put(cg + "cpu.weight",
                std::to_string(std::max<uint64_t>(1, *def.cputune.shares * 100 / 1024)));
        else
            put(cg + "cpu.shares", std::to_string(*def.cputune.shares));
    }
    if (v2 && (def.cputune.quota || def.cputune.period)) {
        std::string quota = def.cputune.quota && *def.cputune.quota > 0
                                ? std::to_string(*def.cputune.quota)
                                : "max";
        put(cg + "cpu.max", quota + " " + std::to_string(def.cputune.period.value_or(100000)));
    } else if (!v2) {
        if (def.cputune.quota) put(cg + "cpu.cfs_quota_us", std::to_string(*def.cputune.quota));
        if (def.cputune.period) put(cg + "cpu.cfs_period_us", std::to_string(*def.cputune.period));
    }
    if (!def.vcpu.cpuset.empty()) put(cg + "cpuset.cpus", def.vcpu.cpuset);
    if (!def.numatune.nodeset.empty()) put(cg + "cpuset.mems", def.numatune.nodeset);
    if (def.blkiotune.weight)
        put(cg + (v2 ? "io.weight" : "blkio.weight"),
            (v2 ? "default " : "") + std::to_string(*def.blkiotune.weight));
    for (const auto& d : def.blkiotune.devices) {
        auto mm = majMinOf(d.path);
        if (!mm) {
            warn("blkiotune device " + d.path + ": LXC takes MAJOR:MINOR (use /dev/block/M:m)");
            continue;
        }
        if (v2) {
            if (d.weight) put(cg + "io.weight", *mm + " " + std::to_string(*d.weight));
            std::string max;
            auto add = [&](const char* k, const std::optional<uint64_t>& v) {
                if (v) max += std::string(" ") + k + "=" + std::to_string(*v);
            };
            add("rbps", d.readBytesSec);
            add("wbps", d.writeBytesSec);
            add("riops", d.readIopsSec);
            add("wiops", d.writeIopsSec);
            if (!max.empty()) put(cg + "io.max", *mm + max);
        } else {
            auto add = [&](const char* file, const std::optional<uint64_t>& v) {
                if (v) put(cg + file, *mm + " " + std::to_string(*v));
            };
            if (d.weight) put(cg + "blkio.weight_device", *mm + " " + std::to_string(*d.weight));
            add("blkio.throttle.read_bps_device", d.readBytesSec);
            add("blkio.throttle.write_bps_device", d.writeBytesSec);
            add("blkio.throttle.read_iops_device", d.readIopsSec);
            add("blkio.throttle.write_iops_device", d.writeIopsSec);
        }
    }
    if (def.cvirtResources.pidsMax)
        put(cg + "pids.max", std::to_string(*def.cvirtResources.pidsMax));
    return o.str();
}

}  // namespace cvirt::conf
