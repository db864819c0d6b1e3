// SPDX-License-Identifier: GPL-3.0-or-later
// Live changes of a running container, made from the calling process: its cgroup (freezer,
// limits, usage) and its network namespace (interfaces attached and detached, addresses).
#include <fcntl.h>
#include <sys/socket.h>

#include <filesystem>

#include "backend/host_ends.h"
#include "cgroup/limits.h"
#include "conf/domain.h"
#include "cvirt/error.h"
#include "lxc/backend.h"
#include "net/interfaces.h"
#include "net/netlink.h"
#include "state/events.h"
#include "util/fd.h"

namespace cvirt::lxc {

namespace {

util::Fd netnsOf(const state::LiveDomain& d) {
    util::Fd ns(
        ::open(("/proc/" + std::to_string(d.initPid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) throwSystemError(errno, "cannot open the network namespace of '" + d.name + "'");
    return ns;
}

// "8:0" → "sda" through /sys/dev/block, or the numbers when the host has no such link.
std::string blockName(const std::string& majMin) {
    std::error_code ec;
    std::filesystem::path target = std::filesystem::read_symlink("/sys/dev/block/" + majMin, ec);
    return ec ? majMin : target.filename().string();
}

}  // namespace

void LxcBackend::suspend(const state::LiveDomain& d, const conf::DomainDef& live) {
    // The record first (a full disk stops here, with nothing frozen), then the freeze; a
    // freeze that fails takes the record back.
    auto cg = cgroupOf(live);
    state::RuntimeState runtime(paths_);
    runtime.setPaused(d.name, true);
    try {
        cg.freeze(true);
    } catch (const Error&) {
        try {
            cg.freeze(false);
        } catch (const Error&) {
        }
        runtime.setPaused(d.name, false);
        throw;
    }
    state::emitEvent(paths_, d.name, "suspended", "paused");
}

void LxcBackend::resume(const state::LiveDomain& d, const conf::DomainDef& live) {
    cgroupOf(live).freeze(false);
    state::RuntimeState(paths_).setPaused(d.name, false);
    state::emitEvent(paths_, d.name, "resumed", "unpaused");
}

void LxcBackend::changeResources(const state::LiveDomain&, const conf::DomainDef& before,
                                 const conf::DomainDef& after) {
    // A value the kernel refuses is put back by change() itself.
    cgroupOf(before).change(cgroup::limitsFor(before), cgroup::limitsFor(after));
}

void LxcBackend::attachInterface(const state::LiveDomain& d, conf::DomainDef& live) {
    if (live.lxcNamespaces.sharenet || (live.interfaces.size() == 1 && !live.features.privnet))
        throw Error(ErrorCode::OperationInvalid,
                    "domain '" + d.name +
                        "' shares a network namespace: no interface can be attached live");
    conf::Interface& iface = live.interfaces.back();
    // names for the new one, given those in use
    auto plan = net::planInterfaces(live, d.id);
    net::InterfacePlan mine = plan.back();
    if (iface.targetDev.empty() &&
        mine.hostName == "cvt" + std::to_string(d.id) + "-" + std::to_string(mine.index)) {
        net::Netlink nl = net::Netlink::open();
        for (size_t n = mine.index; nl.exists(mine.hostName); ++n)
            mine.hostName = "cvt" + std::to_string(d.id) + "-" + std::to_string(n + 1);
    }
    conf::DomainDef one = live;
    one.interfaces = {iface};
    one.hostdevs.clear();
    mine.index = 0;
    util::Fd ns = netnsOf(d);
    net::DomainNetwork made = net::DomainNetwork::setUp(one, {mine}, d.initPid, ns.get(), nullptr);
    iface.targetDev = mine.hostName;
    iface.guestDev = mine.guestName;
    made.release();
}

void LxcBackend::detachInterface(const state::LiveDomain& d, const conf::Interface& gone) {
    if (!gone.targetDev.empty() && gone.type != conf::NetType::Direct) {
        net::Netlink::open().deleteLink(gone.targetDev);  // the pair goes at once
    } else {
        util::Fd ns = netnsOf(d);
        net::Netlink::openIn(ns.get()).deleteLink(gone.guestDev);
    }
}

void LxcBackend::setInterfaceLink(const state::LiveDomain&, const conf::Interface& iface, bool up) {
    // The host end of the veth: the container sees its carrier come and go.
    backend::setHostEndLink(iface.targetDev, up);
}

std::vector<InterfaceAddress> LxcBackend::interfaceAddresses(const state::LiveDomain& d) const {
    util::Fd ns = netnsOf(d);
    net::Netlink nl = net::Netlink::openIn(ns.get());
    std::vector<InterfaceAddress> out;
    auto links = nl.links();
    for (const auto& a : nl.addresses()) {
        if (a.dev == "lo" || a.address.starts_with("fe80:")) continue;
        InterfaceAddress ia{a.dev, "", a.family == AF_INET6 ? "ipv6" : "ipv4", a.address, a.prefix};
        for (const auto& l : links)
            if (l.name == a.dev) ia.mac = l.mac;
        out.push_back(ia);
    }
    return out;
}

backend::Usage LxcBackend::usage(const state::LiveDomain& d, const conf::DomainDef& live,
                                 backend::UsageDetail detail) const {
    backend::Usage u;
    try {
        auto cg = detail == backend::UsageDetail::Info
                      ? counters_.read(d.name, d.controller, [&] { return cgroupOf(live); })
                      : cgroupOf(live).stats();
        u.cpuNs = cg.cpuNs;
        u.cpuUserNs = cg.cpuUserNs;
        u.cpuSystemNs = cg.cpuSystemNs;
        u.perCpuNs = std::move(cg.perCpuNs);
        u.guestMemoryKiB = u.residentKiB = cg.memoryBytes / 1024;
        u.swapUsedKiB = cg.swapBytes / 1024;
        u.pids = cg.pids;
        u.pidsMax = cg.pidsMax;
        if (detail == backend::UsageDetail::Devices)
            for (const auto& io : cg.io)
                u.blocks.push_back(
                    {blockName(io.device), io.readOps, io.readBytes, io.writeOps, io.writeBytes});
    } catch (const Error&) {
        // stopped meanwhile: zero counters, the configured values stand
    }
    if (detail == backend::UsageDetail::Devices) u.interfaces = backend::hostEndStats(live);
    return u;
}

}  // namespace cvirt::lxc
