// Internal: what a Connection holds — one ConfigStore and RuntimeState per driver.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.h"
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

private:
    state::ConnectionUri uri_;
    std::vector<DriverState> drivers_;
};

}  // namespace cvirt
