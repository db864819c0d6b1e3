// SPDX-License-Identifier: GPL-3.0-or-later
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

void Domain::setVcpus(unsigned count, VcpuFlags flags, Impact impact) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    if (op.backend().kind() == state::DriverKind::Lxc) throw unsupported("virDomainSetVcpusFlags");
    if (count == 0) throw Error(ErrorCode::InvalidArg, "a VM cannot have 0 vcpus");
    if (flags.guest) {
        op.requireRunning();
        throw Error(ErrorCode::ConfigUnsupported,
                    "argument unsupported: QEMU guest agent is not configured");
    }
    ImpactTargets t = op.targets(impact);
    if (flags.maximum && t.live)
        throw Error(ErrorCode::ConfigUnsupported,
                    "maximum vcpu count of a live domain can't be modified");
    if (flags.hotpluggable && t.config)
        throw Error(ErrorCode::ConfigUnsupported,
                    "cvirt's VM definitions do not mark single vcpus hotpluggable (libvirt's "
                    "<vcpus>): the vcpus above <vcpu current> are the ones hot-plugged live");
    // the stored definition and the running one, each checked before either changes
    auto apply = [&](conf::DomainDef def, const char* which) {
        if (flags.maximum) {
            def.vcpu.count = count;
            if (def.vcpu.current && *def.vcpu.current > count) def.vcpu.current = count;
        } else {
            if (count > def.vcpu.count)
                throw Error(ErrorCode::InvalidArg,
                            std::string("requested vcpus is greater than max allowable vcpus for "
                                        "the ") +
                                which + " domain: " + std::to_string(count) + " > " +
                                std::to_string(def.vcpu.count));
            def.vcpu.current = count;
        }
        if (def.vcpu.current == def.vcpu.count) def.vcpu.current.reset();
        conf::validate(def, name_);
        return def;
    };
    std::optional<conf::DomainDef> persistent;
    if (t.config) persistent = apply(*op.persistent(), "persistent");
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& live = op.liveDef();
    conf::DomainDef before = live;
    live = apply(before, "live");
    op.backend().changeResources(running, before, live);
    op.recordAfter(live, persistent ? &*persistent : nullptr,
                   [&] { op.backend().changeResources(running, live, before); });
}

}  // namespace cvirt
