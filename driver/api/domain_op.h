// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: the skeleton every API call on one domain shares — resolve the name to its
// driver, repair what a dead controller left (an explicit step, under the domain lock), take
// the lock when the call changes something, check the state, and hand out the live
// definition, parsed once per call.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/connection_impl.h"
#include "conf/domain_def.h"
#include "state/config_store.h"
#include "state/domain_lock.h"
#include "state/runtime_state.h"

namespace cvirt {

// "failed to get domain 'KEY'" (ErrorCode::NoDomain), libvirt's words.
Error noDomain(std::string_view key);
// "domain 'NAME' is not running" (ErrorCode::OperationInvalid).
Error notRunning(std::string_view name);

class DomainOp {
public:
    enum class Lock { None, Domain };

    // Throws noDomain(name) when no driver holds the domain, persistent or running.
    DomainOp(ConnectionImpl& conn, const std::string& name, Lock lock = Lock::None);

    DriverState& driver() { return *driver_; }
    const DriverState& driver() const { return *driver_; }
    backend::Backend& backend() { return *driver_->backend; }
    const std::string& name() const { return name_; }

    // The running domain, or nullopt (read once per call).
    const std::optional<state::LiveDomain>& live();
    // The same, or throws notRunning.
    const state::LiveDomain& requireRunning();
    // The live definition of the running domain, parsed once; throws notRunning.
    conf::DomainDef& liveDef();
    // The stored (persistent) definition, or nullopt for a transient domain.
    std::optional<conf::DomainDef>& persistent();
    // The live definition when running (and not `inactive`), else the persistent one; throws
    // noDomain when neither exists.
    conf::DomainDef& current(bool inactive = false);
    // Which definitions a change with `impact` goes to (resolveImpact, connection_impl.h).
    ImpactTargets targets(Impact impact);

    // A live change of the running domain recorded all or nothing, `config` (when given)
    // becoming the stored definition with it. recordAhead: the record and the config are
    // written before `change` runs (a full disk stops the call first), the config put back if
    // it throws. recordAfter: the change was made; when the record or the config cannot be
    // written, `undo` takes it back before the error goes on.
    void recordAhead(const conf::DomainDef& live, const conf::DomainDef* config,
                     const std::function<void()>& change);
    void recordAfter(const conf::DomainDef& live, const conf::DomainDef* config,
                     const std::function<void()>& undo);

private:
    DriverState* driver_;
    std::string name_;
    std::optional<state::DomainLock> lock_;
    std::optional<std::optional<state::LiveDomain>> live_;
    std::optional<conf::DomainDef> liveDef_;
    std::optional<std::optional<conf::DomainDef>> persistent_;
};

// A change of the stored definition made together with a live one: written at once (a full
// disk stops the call before the domain changed), and written back as it was unless commit()
// is called once the live change is done and recorded.
class StagedConfig {
public:
    StagedConfig(state::ConfigStore& store, conf::DomainDef before, const conf::DomainDef& after);
    StagedConfig(const StagedConfig&) = delete;
    StagedConfig& operator=(const StagedConfig&) = delete;
    ~StagedConfig();
    void commit() noexcept { committed_ = true; }

private:
    state::ConfigStore& store_;
    conf::DomainDef before_;
    bool committed_ = false;
};

}  // namespace cvirt
