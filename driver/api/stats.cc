// Usage counters of a domain (domstats, dommemstat, cpu-stats, domblkstat, domifstat, top):
// the definition's figures, and what the backend reads of a running one. One live XML parse
// per domain.
#include "api/domain_op.h"
#include "conf/domain.h"
#include "cvirt/connection.h"

namespace cvirt {

DomainStats Domain::stats() const {
    DomainStats st;
    st.summary = summary();
    DomainOp op(*conn_, name_);
    const conf::DomainDef* def = &op.current();
    st.maxMemoryKiB = def->memory.kib;
    st.vcpuMaximum = def->vcpu.count;
    st.vcpuCurrent = def->vcpu.current.value_or(def->vcpu.count);
    st.currentMemoryKiB = def->currentMemory ? def->currentMemory->kib : def->memory.kib;
    if (!op.live()) return st;
    backend::Usage u = op.backend().usage(*op.live(), *def, backend::UsageDetail::Devices);
    st.cpuTimeNs = u.cpuNs;
    st.cpuUserNs = u.cpuUserNs;
    st.cpuSystemNs = u.cpuSystemNs;
    st.perCpuNs = std::move(u.perCpuNs);
    st.usedMemoryKiB = u.residentKiB;
    st.swapUsedKiB = u.swapUsedKiB;
    st.pids = u.pids;
    st.pidsMax = u.pidsMax;
    if (u.balloonKiB) st.currentMemoryKiB = *u.balloonKiB;
    if (u.vcpusOnline) st.vcpuCurrent = *u.vcpusOnline;
    st.blocks = std::move(u.blocks);
    st.interfaces = std::move(u.interfaces);
    return st;
}

}  // namespace cvirt
