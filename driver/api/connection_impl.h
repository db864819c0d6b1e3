// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: what a Connection holds — one ConfigStore and RuntimeState per driver.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/autodestroy.h"
#include "backend/backend.h"
#include "conf/domain_def.h"
#include "cvirt/connection.h"
#include "state/config_store.h"
#include "state/runtime_state.h"
#include "state/uri.h"

namespace cvirt {

struct DriverState {
    state::DriverPaths paths;
    std::unique_ptr<backend::Backend> backend;
    state::ConfigStore store;
    state::RuntimeState runtime;
    DriverState(const state::DriverPaths& p, std::unique_ptr<backend::Backend> b);

    // Cleans up after the dead controller of `name` (state::RuntimeState::reap with the
    // backend's cleanup), under the domain lock; false while a controller still runs.
    bool repair(std::string_view name, int waitMs = 0, int reasonIfRunning = state::kReasonCrashed);
    // repair() of every domain a dead controller left state of.
    void repairAll();

    // `xml` (a live record or a stored config of `name`) parsed, without the schema; the last
    // parse of each is kept while its text stays the same, so a long-lived connection
    // (cvirtd's) parses a document once, not on every call. `config`: the stored one, with
    // applyDefaults (a no-op for files cvirt wrote). `schema`: validate it first (a stored
    // config cvirt did not seal, state/config_seal.h); a text once parsed stays trusted.
    conf::DomainDef parse(const std::string& name, const std::string& xml, bool config,
                          bool schema = false) const;

private:
    struct ParseCache;
    std::shared_ptr<ParseCache> parsed_;
};

// What makes each driver's Backend: lxc/ and qemu/ ones, unless a test installed its own
// (a fake that records calls). `root` is the connection's embed root ("" for the system).
using BackendFactory = std::function<std::unique_ptr<backend::Backend>(
    const state::DriverPaths& paths, const std::filesystem::path& root)>;
void setBackendFactoryForTesting(BackendFactory factory);

// virDomainModificationImpact resolved against what the domain has: neither flag means the
// live definition of a running domain, else the persistent one. Throws "not running" for
// live on a stopped domain and "transient domains …" for config on a transient one.
struct ImpactTargets {
    bool live = false, config = false;
};
ImpactTargets resolveImpact(Impact impact, bool running, bool persistent, const std::string& name);

class ConnectionImpl {
public:
    explicit ConnectionImpl(state::ConnectionUri uri);

    const state::ConnectionUri& uri() const { return uri_; }
    std::vector<DriverState>& drivers() { return drivers_; }
    const std::vector<DriverState>& drivers() const { return drivers_; }

    // The driver that holds domain `name` (persistent or running), if any.
    const DriverState* driverOf(std::string_view name) const;
    DriverState* driverOf(std::string_view name);
    // The driver that takes domains of this type; throws ConfigUnsupported if none.
    DriverState& driverFor(conf::DomainType type);

    // Virtual networks: persistent configs, and live XML in networkPaths().runDir.
    const state::DriverPaths& networkPaths() const { return networkPaths_; }
    state::ConfigStore& networks() { return networks_; }
    const state::ConfigStore& networks() const { return networks_; }

    // Storage pools: persistent configs, and the live copy of active ones in
    // storagePaths().runDir.
    const state::DriverPaths& storagePaths() const { return storagePaths_; }
    state::ConfigStore& pools() { return pools_; }
    const state::ConfigStore& pools() const { return pools_; }

    // The domains this connection started with autodestroy (start, create).
    Autodestroy& autodestroy() { return autodestroy_; }

private:
    state::ConnectionUri uri_;
    std::vector<DriverState> drivers_;
    state::DriverPaths networkPaths_;
    state::ConfigStore networks_;
    state::DriverPaths storagePaths_;
    state::ConfigStore pools_;
    Autodestroy autodestroy_;  // destroyed first: its close may wait for their teardown
};

}  // namespace cvirt
