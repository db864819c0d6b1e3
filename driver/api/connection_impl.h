// Internal: what a Connection holds — one ConfigStore and RuntimeState per driver.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cgroup/domain_cgroup.h"
#include "conf/domain_def.h"
#include "cvirt/connection.h"
#include "state/config_store.h"
#include "state/runtime_state.h"
#include "state/uri.h"

namespace cvirt {

struct DriverState {
    state::DriverPaths paths;
    state::ConfigStore store;
    state::RuntimeState runtime;
    DriverState(const state::DriverPaths& p, const std::filesystem::path& root);
};

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

    // The host's cgroup layout, read once per connection.
    const cgroup::HostLayout& hostCgroups() const;
    // The cgroup of a running container (from its live definition); not owned.
    cgroup::DomainCgroup cgroupOf(const conf::DomainDef& liveDef) const {
        return cgroup::DomainCgroup::open(hostCgroups(),
                                          cgroup::placementFor(liveDef, "lxc", uri_.root));
    }

private:
    state::ConnectionUri uri_;
    std::vector<DriverState> drivers_;
    state::DriverPaths networkPaths_;
    state::ConfigStore networks_;
    mutable std::optional<cgroup::HostLayout> hostCgroups_;
};

}  // namespace cvirt
