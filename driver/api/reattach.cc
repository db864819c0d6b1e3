// SPDX-License-Identifier: GPL-3.0-or-later
// Connection::reattach: the reconnect hook for the domains that run when a shell attaches.
#include <optional>

#include "api/connection_impl.h"
#include "cvirt/connection.h"
#include "hooks/hooks.h"
#include "state/driver_config.h"

namespace cvirt {

void Connection::reattach() {
    std::optional<state::DriverConfig> config;  // read only when some driver has a script
    for (DriverState& drv : impl_->drivers()) {
        if (!hooks::Hooks(drv.paths, 0).present()) continue;
        if (!config) config = state::loadDriverConfig(impl_->uri().root);
        hooks::Hooks hooks(drv.paths, config->hookTimeoutSec);
        for (const auto& name : drv.runtime.runningNames()) {
            auto xml = drv.runtime.liveXml(name);  // nullopt: it ended meanwhile
            if (xml) hooks.runLogged(name, hooks::Op::Reconnect, hooks::SubOp::Begin, *xml);
        }
    }
}

}  // namespace cvirt
