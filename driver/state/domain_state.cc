// SPDX-License-Identifier: GPL-3.0-or-later
// Names of the domain states and their reasons, as libvirt prints them.
#include "cvirt/domain_state.h"

#include <iterator>

namespace cvirt {

std::string_view stateName(DomainState state) {
    switch (state) {
        case DomainState::NoState:
            return "no state";
        case DomainState::Running:
            return "running";
        case DomainState::Blocked:
            return "idle";
        case DomainState::Paused:
            return "paused";
        case DomainState::Shutdown:
            return "in shutdown";
        case DomainState::Shutoff:
            return "shut off";
        case DomainState::Crashed:
            return "crashed";
        case DomainState::PmSuspended:
            return "pmsuspended";
    }
    return "no state";
}

std::string_view stateReasonName(DomainState state, int reason) {
    static constexpr std::string_view kRunning[] = {
        "unknown",       "booted",   "migrated",           "restored",
        "from snapshot", "unpaused", "migration canceled", "save canceled",
        "woken up",      "crashed",  "post-copy"};
    static constexpr std::string_view kPaused[] = {
        "unknown",   "user",       "migrating",     "saving",        "dumping",
        "I/O error", "watchdog",   "from snapshot", "shutting down", "creating snapshot",
        "crashed",   "starting up"};
    static constexpr std::string_view kShutoff[] = {"unknown", "shutdown",      "destroyed",
                                                    "crashed", "migrated",      "saved",
                                                    "failed",  "from snapshot", "daemon"};
    static constexpr std::string_view kCrashed[] = {"unknown", "panicked"};
    static constexpr std::string_view kShutdown[] = {"unknown", "user"};
    auto pick = [&](auto& table) -> std::string_view {
        size_t n = std::size(table);
        return reason >= 0 && static_cast<size_t>(reason) < n ? table[reason] : "unknown";
    };
    switch (state) {
        case DomainState::Running:
            return pick(kRunning);
        case DomainState::Paused:
            return pick(kPaused);
        case DomainState::Shutoff:
            return pick(kShutoff);
        case DomainState::Crashed:
            return pick(kCrashed);
        case DomainState::Shutdown:
            return pick(kShutdown);
        default:
            return "unknown";
    }
}

}  // namespace cvirt
