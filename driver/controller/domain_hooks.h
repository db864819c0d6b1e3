// SPDX-License-Identifier: GPL-3.0-or-later
// The hook points of one supervised domain, in libvirt's order: prepare and start (fatal:
// they stop the start), started, stopped and release (logged). Once prepare ran, stopped and
// release follow whatever happens, so a script can undo what it did.
#pragma once

#include <filesystem>
#include <optional>

#include "conf/domain_def.h"
#include "hooks/hooks.h"
#include "state/driver_config.h"
#include "state/uri.h"

namespace cvirt::controller {

class DomainHooks {
public:
    DomainHooks() = default;
    // Runs prepare, with the connection's cvirt.conf (its hook timeout).
    void prepare(const state::DriverPaths& paths, const state::DriverConfig& config,
                 const conf::DomainDef& def);
    void start(const conf::DomainDef& def);             // throws HookFailed
    void started(const conf::DomainDef& def, int id);   // the domain runs with `id`
    void stopped(const conf::DomainDef& def) noexcept;  // live XML (with the id)
    void release(const conf::DomainDef& def) noexcept;  // without the id

    bool running() const { return id_.has_value(); }

private:
    std::optional<hooks::Hooks> hooks_;
    bool owed_ = false;  // prepare ran: stopped and release follow
    std::optional<int> id_;
};

}  // namespace cvirt::controller
