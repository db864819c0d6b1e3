// Usage counters of a domain: from its cgroup (CPU, memory, pids, block I/O) and the host
// side of its network devices. One live XML parse and a handful of small reads per domain.
#include <sys/stat.h>
#include <unistd.h>

#include "api/connection_impl.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "util/file.h"

namespace cvirt {

namespace {

// "8:0" → "sda" through /sys/dev/block, or the numbers when the host has no such link.
std::string blockName(const std::string& majMin) {
    std::error_code ec;
    std::filesystem::path target = std::filesystem::read_symlink("/sys/dev/block/" + majMin, ec);
    return ec ? majMin : target.filename().string();
}

uint64_t netCounter(const std::string& dev, const char* name) {
    auto text = util::readFileIfExists("/sys/class/net/" + dev + "/statistics/" + name);
    return text ? std::strtoull(text->c_str(), nullptr, 10) : 0;
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
    st.currentMemoryKiB = def->currentMemory ? def->currentMemory->kib : def->memory.kib;
    if (!live || d->paths.kind != state::DriverKind::Lxc) return st;

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
    for (const auto& net : def->interfaces) {
        if (net.targetDev.empty()) continue;
        // The host end of a veth counts the other way round: what it receives, the
        // container sent.
        InterfaceStats is{.name = net.targetDev};
        is.rxBytes = netCounter(net.targetDev, "tx_bytes");
        is.rxPackets = netCounter(net.targetDev, "tx_packets");
        is.rxErrs = netCounter(net.targetDev, "tx_errors");
        is.rxDrop = netCounter(net.targetDev, "tx_dropped");
        is.txBytes = netCounter(net.targetDev, "rx_bytes");
        is.txPackets = netCounter(net.targetDev, "rx_packets");
        is.txErrs = netCounter(net.targetDev, "rx_errors");
        is.txDrop = netCounter(net.targetDev, "rx_dropped");
        st.interfaces.push_back(is);
    }
    return st;
}

}  // namespace cvirt
