// SPDX-License-Identifier: GPL-3.0-or-later
// domxml-from-native lxc-tools: an LXC config (1.x-2.x and 3.x+ keys) as a DomainDef.
#include "conf/lxc_native.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

#include "conf/cpuset.h"
#include "conf/domain.h"
#include "conf/lxc_native_read.h"
#include "conf/text_check.h"
#include "cvirt/error.h"
#include "cvirt/units.h"

namespace cvirt::conf {

namespace {

using lxcread::bad;
using lxcread::Entry;
using lxcread::quotedWords;
using lxcread::refuseBadLine;
using lxcread::trim;
using lxcread::words;

struct Nic {
    std::string type, link, mac, flags, macvlanMode, vlanId, name, mtu, gw4, gw6;
    std::vector<IpAddress> ips;
    const Entry* first = nullptr;
};

uint64_t number(const Entry& e, std::string_view text) {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) throw bad(e, "not a number");
    return v;
}

// "512M", "1G", "536870912" (bytes) → KiB.
uint64_t sizeKiB(const Entry& e, const std::string& text) {
    try {
        return scaledToKiB(text, "b");
    } catch (const Error& err) {
        throw bad(e, err.what());
    }
}

bool isBasicMount(const std::string& dst) {
    for (const char* p : {"/proc", "/sys", "/dev", "/dev/pts", "/dev/shm", "/sys/fs/cgroup",
                          "/proc/sys", "/sys/fs/fuse/connections"})
        if (dst == p) return true;
    return false;
}

// /dev/tty1 … /dev/tty64, as many as a host's vt driver has (MAX_NR_CONSOLES)
constexpr uint64_t kMaxConsoles = 63;

class Converter {
public:
    Converter(const std::string& filename, const NativeReader& read)
        : filename_(filename), read_(read) {}

    NativeImport run(const std::vector<Entry>& entries) {
        def_.type = DomainType::Lxc;
        def_.os.type = OsType::Exe;
        def_.os.init = "/sbin/init";
        def_.memory.kib = 64 * 1024;  // libvirt's default for an LXC config without a limit
        for (const Entry& e : entries)
            apply(e);
        if (def_.name.empty())
            throw Error(ErrorCode::ConfigUnsupported,
                        filename_ + ": missing lxc.uts.name (lxc.utsname): the domain's name");
        if (!rootfs_)
            throw Error(ErrorCode::ConfigUnsupported,
                        filename_ + ": missing lxc.rootfs.path (lxc.rootfs)");
        def_.filesystems.insert(def_.filesystems.begin(), *rootfs_);
        finishNetwork();
        finishCaps();
        finishIdmap();
        return {std::move(def_), std::move(warnings_)};
    }

private:
    void warn(const Entry& e, const std::string& why) {
        warnings_.push_back(e.where() + ": " + e.key + " = " + e.value + ": " + why);
    }
    void ignored(const Entry& e) { warn(e, "no cvirt equivalent (ignored)"); }

    void apply(const Entry& e) {
        const std::string& k = e.key;
        const std::string& v = e.value;
        if (k == "lxc.uts.name") {
            def_.name = v;
        } else if (k == "lxc.rootfs.path") {
            std::string path = v;
            if (size_t colon = path.find(':'); colon != std::string::npos && path[0] != '/') {
                std::string kind = path.substr(0, colon);
                path = path.substr(colon + 1);
                if (kind != "dir") warn(e, "rootfs type '" + kind + "' is used as a directory");
            }
            Filesystem fs;
            fs.type = path.rfind("/dev/", 0) == 0 ? FsType::Block : FsType::Mount;
            fs.accessmode = FsAccessMode::Passthrough;
            fs.source = path;
            fs.target = "/";
            rootfs_ = fs;
            rootPath_ = path;
        } else if (k == "lxc.rootfs.options" || k == "lxc.rootfs.mount") {
            ignored(e);
        } else if (k == "lxc.arch") {
            def_.os.arch = v == "amd64" || v == "x86_64" ? "x86_64" : v == "x86" ? "i686" : v;
        } else if (k == "lxc.init.cmd") {
            auto w = quotedWords(v);
            if (w.empty()) throw bad(e, "empty command");
            def_.os.init = w[0];
            def_.os.initargs.assign(w.begin() + 1, w.end());
        } else if (k == "lxc.init.uid") {
            def_.os.inituser = v;
        } else if (k == "lxc.init.gid") {
            def_.os.initgroup = v;
        } else if (k == "lxc.init.cwd") {
            def_.os.initdir = v;
        } else if (k == "lxc.environment") {
            size_t eq = v.find('=');
            if (eq == std::string::npos) {
                warn(e, "passes the host's variable through: no cvirt equivalent (ignored)");
            } else {
                def_.os.initenv.push_back({v.substr(0, eq), v.substr(eq + 1)});
            }
        } else if (k == "lxc.idmap") {
            auto w = words(v);
            if (w.size() != 4 || (w[0] != "u" && w[0] != "g"))
                throw bad(e, "expected 'u|g START TARGET COUNT'");
            // LXC's order: CONTAINER_START HOST_START COUNT (libvirt's converter reads the
            // two starts the other way round; docs/OPERATIONS.md)
            IdmapRange r{number(e, w[1]), number(e, w[2]), number(e, w[3]), e.line};
            (w[0] == "u" ? def_.idmap.uid : def_.idmap.gid).push_back(r);
            if (!firstIdmap_[w[0] == "g"]) firstIdmap_[w[0] == "g"] = &e;
        } else if (k == "lxc.mount.entry") {
            mountEntry(e, v);
        } else if (k == "lxc.mount.fstab") {
            auto text = read_(v);
            if (!text) throw bad(e, "cannot read the fstab");
            std::istringstream in(*text);
            int n = 0;
            for (std::string line; std::getline(in, line);) {
                refuseBadLine(line, v, ++n, "fstab entry");
                line = trim(line);
                if (!line.empty() && line[0] != '#') mountEntry(e, line);
            }
        } else if (k == "lxc.mount.auto") {
            // proc, sys and cgroup are what cvirt mounts anyway (sys read-only, cgroup
            // namespaced): the same meaning, nothing to map.
            for (const auto& w : words(v))
                if (w.rfind("proc", 0) != 0 && w.rfind("sys", 0) != 0 && w.rfind("cgroup", 0) != 0)
                    warn(e, "mount.auto '" + w + "' has no cvirt equivalent (ignored)");
        } else if (k == "lxc.autodev") {
            if (v != "1") warn(e, "cvirt always gives the container a private /dev");
        } else if (k == "lxc.tty.max") {
            // libvirt's converter: N ttys are N consoles (the first is also /dev/console);
            // none without the key, and define then gives the container its one console
            uint64_t n = number(e, v);
            if (n > kMaxConsoles)
                throw bad(e, "more than " + std::to_string(kMaxConsoles) + " consoles");
            def_.consoles.clear();
            for (unsigned i = 0; i < n; ++i)
                def_.consoles.push_back(
                    {.kind = CharKind::Console, .targetType = "lxc", .targetPort = i});
        } else if (k == "lxc.console.path") {
            if (v == "none") warn(e, "cvirt gives every container a console, as libvirt does");
        } else if (k.rfind("lxc.console.", 0) == 0) {
            warn(e, "console output goes to the domain log (var/log/cvirt/lxc/NAME.log)");
        } else if (k == "lxc.cap.drop") {
            if (v.empty()) capsDrop_.clear();  // LXC: an empty value clears the list
            for (const auto& c : words(v))
                capsDrop_.push_back({c, &e});
        } else if (k == "lxc.cap.keep") {
            for (const auto& c : words(v))
                if (c == "none")  // LXC: forget what was kept so far
                    capsKeep_.clear();
                else
                    capsKeep_.push_back({c, &e});
        } else if (k.rfind("lxc.cgroup2.", 0) == 0) {
            cgroupV2(e, k.substr(12), v);
        } else if (k.rfind("lxc.cgroup.", 0) == 0) {
            cgroupV1(e, k.substr(11), v);
        } else if (k.rfind("lxc.net.", 0) == 0) {
            network(e);
        } else {
            ignored(e);
        }
    }

    void mountEntry(const Entry& e, const std::string& line) {
        auto w = words(line);
        if (w.size() < 4) throw bad(e, "expected 'SOURCE TARGET TYPE OPTIONS'");
        std::string dst = w[1];
        // Absolute targets are inside the rootfs path; relative ones are relative to it.
        if (!rootPath_.empty() && dst.rfind(rootPath_, 0) == 0) dst = dst.substr(rootPath_.size());
        if (dst.empty() || dst[0] != '/') dst = "/" + dst;
        if (isBasicMount(dst)) {
            warn(e, "cvirt mounts " + dst + " itself (skipped)");
            return;
        }
        std::vector<std::string> opts;
        std::istringstream o(w[3]);
        for (std::string s; std::getline(o, s, ',');)
            opts.push_back(s);
        auto has = [&](const char* o) {
            return std::find(opts.begin(), opts.end(), o) != opts.end();
        };
        Filesystem fs;
        fs.accessmode = FsAccessMode::Passthrough;
        fs.target = dst;
        fs.readonly = has("ro");
        if (w[2] == "tmpfs") {
            fs.type = FsType::Ram;
            for (const auto& s : opts)
                if (s.rfind("size=", 0) == 0) fs.usageKiB = sizeKiB(e, s.substr(5));
            if (!fs.usageKiB)
                throw bad(e, "tmpfs needs a size= option (its <filesystem type='ram'> usage)");
        } else if (w[0].rfind("/dev/", 0) == 0) {
            fs.type = FsType::Block;
            fs.source = w[0];
        } else if (has("bind") || has("rbind") || w[2] == "none") {
            fs.type = FsType::Mount;
            fs.source = w[0];
        } else {
            warn(e, "a '" + w[2] + "' mount has no cvirt equivalent (ignored)");
            return;
        }
        def_.filesystems.push_back(std::move(fs));
    }

    void cgroupV1(const Entry& e, const std::string& file, const std::string& v) {
        if (sharedCgroupFile(e, file, v)) return;
        if (file == "memory.limit_in_bytes") {
            if (v != "-1") memoryLimit(e, v);
        } else if (file == "memory.soft_limit_in_bytes") {
            if (v != "-1") def_.memtune.softLimitKiB = sizeKiB(e, v);
        } else if (file == "memory.memsw.limit_in_bytes") {
            if (v != "-1") def_.memtune.swapHardLimitKiB = sizeKiB(e, v);
        } else if (file == "cpu.shares") {
            def_.cputune.shares = number(e, v);
        } else if (file == "cpu.cfs_quota_us") {
            int64_t q = 0;
            auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), q);
            if (ec != std::errc() || p != v.data() + v.size()) throw bad(e, "not a number");
            def_.cputune.quota = q;
        } else if (file == "cpu.cfs_period_us") {
            def_.cputune.period = number(e, v);
        } else if (file == "blkio.weight") {
            def_.blkiotune.weight = static_cast<unsigned>(number(e, v));
        } else if (file.rfind("blkio.", 0) == 0) {
            auto w = words(v);
            if (w.size() != 2) throw bad(e, "expected 'MAJOR:MINOR VALUE'");
            BlkioDevice& d = device(w[0]);
            uint64_t n = number(e, w[1]);
            if (file == "blkio.device_weight" || file == "blkio.weight_device")
                d.weight = static_cast<unsigned>(n);
            else if (file == "blkio.throttle.read_bps_device")
                d.readBytesSec = n;
            else if (file == "blkio.throttle.write_bps_device")
                d.writeBytesSec = n;
            else if (file == "blkio.throttle.read_iops_device")
                d.readIopsSec = n;
            else if (file == "blkio.throttle.write_iops_device")
                d.writeIopsSec = n;
            else
                ignored(e);
        } else {
            ignored(e);
        }
    }

    void cgroupV2(const Entry& e, const std::string& file, const std::string& v) {
        if (sharedCgroupFile(e, file, v)) return;
        if (file == "memory.max") {
            if (v != "max") memoryLimit(e, v);
        } else if (file == "memory.high") {
            if (v != "max") def_.memtune.softLimitKiB = sizeKiB(e, v);
        } else if (file == "memory.swap.max") {
            if (v != "max") swapV2_ = sizeKiB(e, v);
        } else if (file == "cpu.weight") {
            // libvirt's conversion: shares = weight * 1024 / 100
            def_.cputune.shares = number(e, v) * 1024 / 100;
        } else if (file == "cpu.max") {
            auto w = words(v);
            if (w.empty() || w.size() > 2) throw bad(e, "expected 'QUOTA|max [PERIOD]'");
            if (w[0] != "max")
                def_.cputune.quota = static_cast<int64_t>(number(e, w[0]));
            else if (w.size() == 2)
                def_.cputune.quota = -1;  // libvirt's "no quota" beside a period
            if (w.size() == 2) def_.cputune.period = number(e, w[1]);
        } else if (file == "io.weight") {
            auto w = words(v);
            if (w.size() == 1 || (w.size() == 2 && w[0] == "default"))
                def_.blkiotune.weight = static_cast<unsigned>(number(e, w.back()));
            else if (w.size() == 2)
                device(w[0]).weight = static_cast<unsigned>(number(e, w[1]));
            else
                throw bad(e, "expected '[default|MAJOR:MINOR] WEIGHT'");
        } else if (file == "io.max") {
            auto w = words(v);
            if (w.size() < 2) throw bad(e, "expected 'MAJOR:MINOR rbps=N wbps=N riops=N wiops=N'");
            BlkioDevice& d = device(w[0]);
            for (size_t i = 1; i < w.size(); ++i) {
                size_t eq = w[i].find('=');
                std::string key = w[i].substr(0, eq),
                            val = eq == std::string::npos ? "" : w[i].substr(eq + 1);
                if (val == "max") continue;
                uint64_t n = number(e, val);
                if (key == "rbps")
                    d.readBytesSec = n;
                else if (key == "wbps")
                    d.writeBytesSec = n;
                else if (key == "riops")
                    d.readIopsSec = n;
                else if (key == "wiops")
                    d.writeIopsSec = n;
                else
                    throw bad(e, "unknown io.max key '" + key + "'");
            }
        } else {
            ignored(e);
        }
    }

    // The container's memory is its limit (libvirt: <memory> and <hard_limit>).
    void memoryLimit(const Entry& e, const std::string& v) {
        def_.memory.kib = sizeKiB(e, v);
        def_.memtune.hardLimitKiB = def_.memory.kib;
    }

    // Files with the same name and meaning under lxc.cgroup. and lxc.cgroup2.
    bool sharedCgroupFile(const Entry& e, const std::string& file, const std::string& v) {
        if (file == "cpuset.cpus")
            cpuset(e, v);
        else if (file == "cpuset.mems")
            nodeset(e, v);
        else if (file == "pids.max" && v != "max")
            def_.cvirtResources.pidsMax = number(e, v);
        else if (file.rfind("devices.", 0) == 0)
            warn(e, "cvirt's device filter follows the domain's <hostdev>s (ignored)");
        else
            return file == "pids.max";  // "max": no limit, nothing to set
        return true;
    }

    void cpuset(const Entry& e, const std::string& v) {
        auto cpus = parseCpuset(v);
        if (!cpus) throw bad(e, "invalid cpu list");
        def_.vcpu.cpuset = formatCpuList(*cpus);  // as libvirt writes it: 1,2,5-7 is 1-2,5-7
        def_.vcpu.placement = VcpuPlacement::Static;
    }
    void nodeset(const Entry& e, const std::string& v) {
        auto nodes = parseCpuset(v);
        if (!nodes) throw bad(e, "invalid node list");
        def_.numatune.nodeset = formatCpuList(*nodes);
        def_.numatune.mode = NumaMode::Strict;
    }
    BlkioDevice& device(const std::string& majMin) {
        std::string path = "/dev/block/" + majMin;
        auto& devs = def_.blkiotune.devices;
        for (auto& d : devs)
            if (d.path == path) return d;
        devs.push_back({.path = path});
        return devs.back();
    }

    void network(const Entry& e) {
        // lxc.net.N.KEY
        std::string rest = e.key.substr(8);
        size_t dot = rest.find('.');
        if (dot == std::string::npos) return ignored(e);
        int index = 0;
        std::string_view idx(rest.data(), dot);
        if (std::from_chars(idx.data(), idx.data() + idx.size(), index).ec != std::errc())
            return ignored(e);
        std::string key = rest.substr(dot + 1);
        if (key == "ipv4" || key == "ipv6") key += ".address";  // the pre-3.0 name, still read
        Nic& n = nics_[index];
        if (!n.first) n.first = &e;
        const std::string& v = e.value;
        static const std::map<std::string, std::string Nic::*> kFields = {
            {"type", &Nic::type},
            {"link", &Nic::link},
            {"hwaddr", &Nic::mac},
            {"flags", &Nic::flags},
            {"macvlan.mode", &Nic::macvlanMode},
            {"vlan.id", &Nic::vlanId},
            {"name", &Nic::name},
            {"mtu", &Nic::mtu},
            {"ipv4.gateway", &Nic::gw4},
            {"ipv6.gateway", &Nic::gw6}};
        if (auto f = kFields.find(key); f != kFields.end())
            n.*(f->second) = v;
        else if (key == "ipv4.address" || key == "ipv6.address") {
            for (const auto& cidr : words(v)) {
                size_t slash = cidr.find('/');
                IpAddress ip;
                ip.family = key[3] == '4' ? IpFamily::Ipv4 : IpFamily::Ipv6;
                ip.address = cidr.substr(0, slash);
                if (slash != std::string::npos)
                    ip.prefix = static_cast<unsigned>(number(e, cidr.substr(slash + 1)));
                n.ips.push_back(ip);
            }
        } else if (key == "veth.pair")
            warn(e, "the host end is named by <target dev> (ignored)");
        else
            ignored(e);
    }

    void finishNetwork() {
        bool none = false, any = false;
        for (auto& [index, n] : nics_) {
            const Entry& e = *n.first;
            std::vector<Route> routes;
            auto gateway = [&](const std::string& gw, IpFamily f) {
                if (gw.empty() || gw == "auto") return;
                Route r;
                r.family = f;
                r.address = f == IpFamily::Ipv4 ? "0.0.0.0" : "::";
                r.gateway = gw;  // no prefix, as libvirt writes it: 0.0.0.0 and :: mean /0
                routes.push_back(r);
            };
            gateway(n.gw4, IpFamily::Ipv4);
            gateway(n.gw6, IpFamily::Ipv6);
            if (n.type.empty() || n.type == "empty") continue;
            if (n.type == "none") {
                none = true;
                continue;
            }
            any = true;
            if (n.type == "phys" || n.type == "vlan") {
                if (n.link.empty()) throw bad(e, "missing 'link' for a " + n.type + " NIC");
                Hostdev h{HostdevCapsType::Net,
                          n.type == "vlan" && !n.vlanId.empty() ? n.link + "." + n.vlanId : n.link};
                h.ips = n.ips;
                h.routes = routes;
                if (!n.name.empty() && n.name != h.source)
                    warnings_.push_back(e.where() + ": lxc.net." + std::to_string(index) +
                                        ".name = " + n.name +
                                        ": a moved host device keeps its "
                                        "name '" +
                                        h.source +
                                        "' inside (libvirt's <hostdev> "
                                        "has no guest name; ignored)");
                def_.hostdevs.push_back(h);
                continue;
            }
            Interface i;
            i.line = e.line;
            i.mac = n.mac;
            std::transform(i.mac.begin(), i.mac.end(), i.mac.begin(), ::tolower);
            i.guestDev = n.name;
            i.link = n.flags == "up" ? LinkState::Up : LinkState::Down;  // as libvirt reads it
            if (!n.mtu.empty()) i.mtu = static_cast<unsigned>(number(e, n.mtu));
            i.ips = n.ips;
            i.routes = routes;
            if (n.type == "veth") {
                i.type = n.link.empty() ? NetType::Ethernet : NetType::Bridge;
                i.sourceBridge = n.link;
            } else if (n.type == "macvlan") {
                if (n.link.empty()) throw bad(e, "missing 'link' for a macvlan NIC");
                i.type = NetType::Direct;
                i.sourceDev = n.link;
                i.sourceMode = n.macvlanMode == "vepa"       ? MacvlanMode::Vepa
                               : n.macvlanMode == "bridge"   ? MacvlanMode::Bridge
                               : n.macvlanMode == "passthru" ? MacvlanMode::Passthrough
                                                             : MacvlanMode::Private;
            } else {
                throw bad(e, "unknown network type '" + n.type + "'");
            }
            def_.interfaces.push_back(std::move(i));
        }
        // No NIC at all (or only "empty"): LXC gives the container a loopback only.
        if (!any && !none) def_.features.privnet = true;
    }

    void finishCaps() {
        if (swapV2_) {  // v2 counts swap alone, libvirt's swap_hard_limit memory + swap
            def_.memtune.swapHardLimitKiB = def_.memory.kib + *swapV2_;
        }
        if (!capsKeep_.empty() && !capsDrop_.empty())
            throw bad(*capsDrop_.front().second,
                      "lxc.cap.keep is given too (line " +
                          std::to_string(capsKeep_.front().second->line) +
                          "): LXC refuses a container with both");
        // LXC keeps every capability but those lxc.cap.drop names: libvirt's converter writes
        // policy='allow' with each dropped one 'off', in libvirt's order, and the policy also
        // when nothing is dropped (cvirt's default policy would drop more than LXC does).
        // lxc.cap.keep, which libvirt's converter ignores, keeps LXC's meaning: only those.
        bool keep = !capsKeep_.empty();
        def_.features.capsPolicy = keep ? CapPolicy::Deny : CapPolicy::Allow;
        std::set<std::string> named;
        for (const auto& c : keep ? capsKeep_ : capsDrop_) {
            std::string name = c.first;
            std::transform(name.begin(), name.end(), name.begin(), ::tolower);
            if (name.rfind("cap_", 0) == 0) name = name.substr(4);
            if (std::find(kCapabilityNames.begin(), kCapabilityNames.end(), name) ==
                kCapabilityNames.end())
                warn(*c.second, "unknown capability '" + c.first + "' (ignored)");
            else
                named.insert(name);
        }
        for (const auto& name : kCapabilityNames)
            if (named.count(name))
                def_.features.caps.push_back({name, keep ? Toggle::On : Toggle::Off});
    }

    // A map that leaves the container's root out would be refused by define: say why in
    // LXC's words, on the line that is wrong.
    void finishIdmap() {
        for (int g = 0; g < 2; ++g) {
            const auto& list = g ? def_.idmap.gid : def_.idmap.uid;
            if (list.empty() ||
                std::any_of(list.begin(), list.end(), [](auto& r) { return r.start == 0; }))
                continue;
            const IdmapRange& r = list.front();
            throw bad(*firstIdmap_[g],
                      "maps container ids " + std::to_string(r.start) + "-" +
                          std::to_string(r.start + r.count - 1) + " to host ids " +
                          std::to_string(r.target) + "-" + std::to_string(r.target + r.count - 1) +
                          " (LXC's order: CONTAINER_START HOST_START COUNT), and no line maps "
                          "the container's root (0)");
        }
    }

    std::string filename_;
    const NativeReader& read_;
    DomainDef def_;
    std::vector<std::string> warnings_;
    std::optional<Filesystem> rootfs_;
    std::string rootPath_;
    std::map<int, Nic> nics_;
    std::vector<std::pair<std::string, const Entry*>> capsDrop_, capsKeep_;
    std::optional<uint64_t> swapV2_;
    const Entry* firstIdmap_[2] = {nullptr, nullptr};  // the first u and g lines
};

}  // namespace

NativeImport fromLxcConfig(std::string_view text, const std::string& filename,
                           const NativeReader& readInclude) {
    NativeImport imported =
        Converter(filename, readInclude).run(lxcread::readEntries(text, filename, readInclude));
    // Values are copied as the config gives them; what the domain schema refuses (a malformed
    // MAC, a bad name) is refused here, so that what domxml-from-native prints defines.
    try {
        parseDomain(formatDomain(imported.def), {.filename = "converted domain"});
    } catch (const Error& e) {
        throw Error(ErrorCode::ConfigUnsupported, filename + ": " + e.what());
    }
    return imported;
}

}  // namespace cvirt::conf
