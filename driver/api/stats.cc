// Usage counters of a domain: from its cgroup (CPU, memory, pids, block I/O) or, for a VM,
// the qemu process and QMP; and the host side of its network devices. One live XML parse and a
// handful of small reads per domain.
#include <sys/stat.h>
#include <unistd.h>

#include "api/connection_impl.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "net/netlink.h"
#include "qemu/backend.h"
#include "qemu/command_line.h"
#include "util/file.h"

namespace cvirt {

namespace {

// "8:0" → "sda" through /sys/dev/block, or the numbers when the host has no such link.
std::string blockName(const std::string& majMin) {
    std::error_code ec;
    std::filesystem::path target = std::filesystem::read_symlink("/sys/dev/block/" + majMin, ec);
    return ec ? majMin : target.filename().string();
}

// The host end of a veth or tap counts the other way round: what it receives, the guest
// sent.
void addInterfaceStats(const conf::DomainDef& def, DomainStats& st) {
    std::optional<net::Netlink> nl;
    for (const auto& iface : def.interfaces) {
        if (iface.targetDev.empty()) continue;
        if (!nl) nl = net::Netlink::open();
        auto link = nl->link(iface.targetDev);
        if (!link) continue;
        st.interfaces.push_back({iface.targetDev, link->txBytes, link->txPackets, link->txErrors,
                                 link->txDropped, link->rxBytes, link->rxPackets, link->rxErrors,
                                 link->rxDropped});
    }
}

}  // namespace

DomainStats Domain::stats() const {
    DomainStats st;
    st.summary = summary();
    DriverState* d = conn_->driverOf(name_);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    std::optional<conf::DomainDef> def;
    std::optional<std::string> live = st.summary.id ? d->runtime.liveXml(name_) : std::nullopt;
    if (live)
        def = conf::parseDomain(*live, {.filename = name_, .validateSchema = false});
    else
        def = d->store.load(name_);
    if (!def) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    st.maxMemoryKiB = def->memory.kib;
    st.vcpuMaximum = def->vcpu.count;
    st.vcpuCurrent = def->vcpu.current.value_or(def->vcpu.count);
    st.currentMemoryKiB = def->currentMemory ? def->currentMemory->kib : def->memory.kib;
    if (!live) return st;
    if (d->paths.kind == state::DriverKind::Qemu) {
        if (auto running = d->runtime.find(name_)) {
            qemu::VmUsage u = qemu::usage(d->paths, name_, running->initPid);
            st.cpuTimeNs = u.cpuTimeNs;
            st.cpuUserNs = u.cpuUserNs;
            st.cpuSystemNs = u.cpuSystemNs;
            st.usedMemoryKiB = u.rssKiB;
            if (u.balloonKiB) st.currentMemoryKiB = *u.balloonKiB;
            if (u.vcpus) st.vcpuCurrent = u.vcpus;
            for (const auto& disk : def->disks)  // named by target dev, as libvirt does
                for (const auto& b : u.drives)
                    if (b.drive == qemu::driveId(disk))
                        st.blocks.push_back(
                            {disk.targetDev, b.rdReqs, b.rdBytes, b.wrReqs, b.wrBytes});
        }
        addInterfaceStats(*def, st);
        return st;
    }

    try {
        auto cg = conn_->cgroupOf(*def).stats();
        st.cpuTimeNs = cg.cpuNs;
        st.cpuUserNs = cg.cpuUserNs;
        st.cpuSystemNs = cg.cpuSystemNs;
        st.perCpuNs = std::move(cg.perCpuNs);
        st.usedMemoryKiB = cg.memoryBytes / 1024;
        st.swapUsedKiB = cg.swapBytes / 1024;
        st.pids = cg.pids;
        st.pidsMax = cg.pidsMax;
        for (const auto& io : cg.io)
            st.blocks.push_back(
                {blockName(io.device), io.readOps, io.readBytes, io.writeOps, io.writeBytes});
    } catch (const Error&) {
        // stopped meanwhile: zero counters
    }
    addInterfaceStats(*def, st);
    return st;
}

}  // namespace cvirt
