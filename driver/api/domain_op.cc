// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/domain_op.h"

#include "conf/domain.h"
#include "util/file.h"
#include "util/stamp.h"

namespace cvirt {

Error noDomain(std::string_view key) {
    return Error(ErrorCode::NoDomain, "failed to get domain '" + std::string(key) + "'");
}

Error notRunning(std::string_view name) {
    return Error(ErrorCode::OperationInvalid, "domain '" + std::string(name) + "' is not running");
}

DomainOp::DomainOp(ConnectionImpl& conn, const std::string& name, Lock lock)
    : driver_(conn.driverOf(name)), name_(name) {
    if (!driver_)  // a transient domain whose controller died: only its state files are left
        for (auto& d : conn.drivers())
            if (d.runtime.isStale(name)) driver_ = &d;
    if (!driver_) throw noDomain(name);
    if (lock == Lock::Domain) {
        lock_ = state::DomainLock::acquire(driver_->paths.lockDir, name);
        util::stamp("shell:locked");
    }
    // A running domain (its controller alive) is not stale: one look at its state files
    // answers both questions.
    if (live()) return;
    if (driver_->runtime.isStale(name)) {
        driver_->repair(name);
        live_.reset();
        if (!driver_->store.exists(name) && !live()) throw noDomain(name);
    }
}

const std::optional<state::LiveDomain>& DomainOp::live() {
    if (!live_) live_ = driver_->runtime.find(name_);
    return *live_;
}

const state::LiveDomain& DomainOp::requireRunning() {
    if (!live()) throw notRunning(name_);
    return *live();
}

conf::DomainDef& DomainOp::liveDef() {
    if (!liveDef_) {
        liveDef_ = driver_->parse(name_, requireRunning().record, false);
    }
    return *liveDef_;
}

std::optional<conf::DomainDef>& DomainOp::persistent() {
    if (!persistent_) {
        auto stored = driver_->store.read(name_);
        util::stamp("shell:config-read");
        persistent_ =
            stored ? std::optional(driver_->parse(name_, stored->text, true, !stored->intact))
                   : std::nullopt;
        util::stamp("shell:config-parsed");
    }
    return *persistent_;
}

conf::DomainDef& DomainOp::current(bool inactive) {
    if (!inactive && live()) return liveDef();
    if (persistent()) return *persistent();
    if (live()) return liveDef();  // transient: only the live definition
    throw noDomain(name_);
}

ImpactTargets DomainOp::targets(Impact impact) {
    return resolveImpact(impact, live().has_value(), driver_->store.exists(name_), name_);
}

void DomainOp::recordAhead(const conf::DomainDef& live, const conf::DomainDef* config,
                           const std::function<void()>& change) {
    util::StagedFile record =
        driver_->runtime.stageLiveXml(name_, conf::formatDomain(live, {.id = requireRunning().id}));
    std::optional<StagedConfig> staged;
    if (config) staged.emplace(driver_->store, *persistent(), *config);
    change();
    record.commit();
    if (staged) staged->commit();
}

void DomainOp::recordAfter(const conf::DomainDef& live, const conf::DomainDef* config,
                           const std::function<void()>& undo) {
    try {
        recordAhead(live, config, [] {});
    } catch (const Error&) {
        try {
            undo();
        } catch (const Error&) {
        }
        throw;
    }
}

StagedConfig::StagedConfig(state::ConfigStore& store, conf::DomainDef before,
                           const conf::DomainDef& after)
    : store_(store), before_(std::move(before)) {
    store_.save(after);
}

StagedConfig::~StagedConfig() {
    if (committed_) return;
    try {
        store_.save(before_);
    } catch (const Error&) {
        // the error that undid the change is the one to report
    }
}

}  // namespace cvirt
