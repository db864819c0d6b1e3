// SPDX-License-Identifier: GPL-3.0-or-later
// What every process cvirt starts inside a container runs under, init and `cvirsh exec`
// alike: rlimits, no_new_privs, the seccomp profile, then the capability bounding set.
#pragma once

#include <linux/filter.h>

#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::security {

// On unless <cvirt:nonewprivs state='off'/>; the 'deny' capability policy forces it on.
bool noNewPrivs(const conf::DomainDef& def);

// The RLIMIT_* of an rlimit name ("nofile" → RLIMIT_NOFILE), -1 if unknown.
int rlimitResource(const std::string& name);

// What confine applies, worked out ahead (the seccomp program compiled: most of a
// millisecond). `capsDrop` is capsToDrop(def).
struct Confinement {
    std::vector<std::string> capsDrop;
    bool noNewPrivs = true;
    std::optional<std::vector<sock_filter>> seccomp;  // none: no filter
};
Confinement prepareConfinement(const conf::DomainDef& def, std::vector<std::string> capsDrop);

// Applies all of it to the calling process, in the order that keeps each step possible
// (rlimits and the filter while the capabilities are still there). Call last before exec.
// Throws Error naming the step that failed.
void confine(const conf::DomainDef& def, const Confinement& how);
inline void confine(const conf::DomainDef& def, const std::vector<std::string>& capsDrop) {
    confine(def, prepareConfinement(def, capsDrop));
}

}  // namespace cvirt::security
