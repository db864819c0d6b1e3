// domrename, domhostname, domtime, setvcpus: the calls on one domain that libvirt's drivers
// answer differently, with libvirt's refusals where cvirt has nothing to offer.
#include "api/domain_op.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "snapshot/snapshot_store.h"
#include "state/domain_lock.h"
#include "state/events.h"

namespace cvirt {

namespace {

// libvirt's answer when a driver has no entry for an API (virReportUnsupportedError).
Error unsupported(const char* api) {
    return Error(ErrorCode::ConfigUnsupported,
                 std::string("this function is not supported by the connection driver: ") + api);
}

}  // namespace

void Domain::rename(std::string_view newName) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    DriverState& d = op.driver();
    std::string target(newName);
    if (target.empty()) throw Error(ErrorCode::InvalidArg, "new domain name must not be empty");
    if (!op.persistent())
        throw Error(ErrorCode::OperationInvalid, "cannot rename a transient domain");
    if (op.live()) throw Error(ErrorCode::OperationInvalid, "cannot rename active domain");
    // its snapshots are kept under its name, and each holds its definition (libvirt's refusal)
    if (snapshot::SnapshotStore(d.paths, name_).count() > 0)
        throw Error(ErrorCode::OperationInvalid, "cannot rename domain with snapshots");
    // before the second lock: the same name's lock would wait for the one this call holds
    if (target == name_) throw Error(ErrorCode::OperationInvalid, "Can't rename domain to itself");
    auto newLock = state::DomainLock::acquire(d.paths.lockDir, target);
    for (const auto& other : conn_->drivers())
        if (other.store.exists(target) || other.runtime.find(target))
            throw Error(ErrorCode::OperationInvalid,
                        "domain with name '" + target + "' already exists");
    conf::DomainDef renamed = *op.persistent();
    renamed.name = target;
    conf::validate(renamed, target);
    d.store.rename(renamed, name_);
    state::emitEvent(d.paths, name_, "undefined", "renamed");
    state::emitEvent(d.paths, target, "defined", "renamed");
}

std::string Domain::hostname() const {
    DomainOp op(*conn_, name_);
    return op.backend().hostname(op.requireRunning());
}

void Domain::guestTime() const {
    DomainOp op(*conn_, name_);
    if (op.backend().kind() == state::DriverKind::Lxc) throw unsupported("virDomainGetTime");
    op.requireRunning();
    throw Error(ErrorCode::ConfigUnsupported,
                "argument unsupported: QEMU guest agent is not configured");
}

void Domain::setVcpus(unsigned count, bool maximum, Impact impact) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    if (op.backend().kind() == state::DriverKind::Lxc) throw unsupported("virDomainSetVcpusFlags");
    if (count == 0) throw Error(ErrorCode::InvalidArg, "a VM cannot have 0 vcpus");
    ImpactTargets t = op.targets(impact);
    if (t.live)
        throw Error(ErrorCode::ConfigUnsupported,
                    "Operation not supported: cvirt's VMs have no hotpluggable vcpus: change "
                    "the count with --config, for the next start");
    conf::DomainDef def = *op.persistent();
    if (maximum) {
        def.vcpu.count = count;
        if (def.vcpu.current && *def.vcpu.current > count) def.vcpu.current = count;
    } else {
        if (count > def.vcpu.count)
            throw Error(ErrorCode::InvalidArg,
                        "requested vcpus is greater than max allowable vcpus for the persistent "
                        "domain: " +
                            std::to_string(count) + " > " + std::to_string(def.vcpu.count));
        def.vcpu.current = count;
    }
    if (def.vcpu.current == def.vcpu.count) def.vcpu.current.reset();
    conf::validate(def, name_);
    op.driver().store.save(def);
}

}  // namespace cvirt
