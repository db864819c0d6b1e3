// SPDX-License-Identifier: GPL-3.0-or-later
// The domain-state vocabulary: libvirt's virDomainState and its reasons, with their names.
// Defined once here for the API, the state files and both controllers.
#pragma once

#include <string_view>

#include "cvirt/export.h"

namespace cvirt {

// libvirt's virDomainState values and names ("running", "shut off", …).
enum class DomainState {
    NoState,
    Running,
    Blocked,
    Paused,
    Shutdown,
    Shutoff,
    Crashed,
    PmSuspended
};
CVIRT_API std::string_view stateName(DomainState state);
// libvirt's reason names per state ("unknown", "booted", "destroyed", "crashed", …).
CVIRT_API std::string_view stateReasonName(DomainState state, int reason);

// A domain's state and its reason (virDomainGetState's answer).
struct StateAndReason {
    DomainState state = DomainState::Shutoff;
    int reason = 0;
};

// virDomainShutoffReason subset
enum ShutoffReason {
    kShutoffUnknown = 0,
    kShutoffShutdown,
    kShutoffDestroyed,
    kShutoffCrashed,
    kShutoffMigrated,
    kShutoffSaved,
    kShutoffFailed,
    kShutoffFromSnapshot,
    kShutoffDaemon
};
// virDomainRunningReason subset
enum RunningReason { kRunningUnknown = 0, kRunningBooted };

}  // namespace cvirt
