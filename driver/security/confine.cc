// SPDX-License-Identifier: GPL-3.0-or-later
#include "security/confine.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "cvirt/error.h"
#include "security/caps.h"
#include "security/seccomp.h"

namespace cvirt::security {

namespace {

constexpr std::pair<const char*, int> kRlimits[] = {
    {"as", RLIMIT_AS},           {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},       {"fsize", RLIMIT_FSIZE},       {"locks", RLIMIT_LOCKS},
    {"memlock", RLIMIT_MEMLOCK}, {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},   {"nproc", RLIMIT_NPROC},       {"rss", RLIMIT_RSS},
    {"rtprio", RLIMIT_RTPRIO},   {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

}  // namespace

bool noNewPrivs(const conf::DomainDef& def) {
    if (def.features.capsPolicy == conf::CapPolicy::Deny) return true;
    return def.cvirtSecurity.noNewPrivs.value_or(conf::Toggle::On) == conf::Toggle::On;
}

int rlimitResource(const std::string& name) {
    for (const auto& [n, r] : kRlimits)
        if (name == n) return r;
    return -1;
}

Confinement prepareConfinement(const conf::DomainDef& def, std::vector<std::string> capsDrop) {
    Confinement how;
    how.noNewPrivs = noNewPrivs(def);
    if (def.cvirtSecurity.seccomp.value_or(conf::SeccompProfile::Default) ==
        conf::SeccompProfile::Default) {
        bool keepsSysAdmin =
            std::find(capsDrop.begin(), capsDrop.end(), "sys_admin") == capsDrop.end();
        how.seccomp = defaultProgram(keepsSysAdmin);
    }
    how.capsDrop = std::move(capsDrop);
    return how;
}

void confine(const conf::DomainDef& def, const Confinement& how) {
    for (const auto& r : def.cvirtResources.rlimits) {
        int resource = rlimitResource(r.name);
        if (resource < 0) throw Error(ErrorCode::ConfigUnsupported, "unknown rlimit " + r.name);
        rlimit value{r.soft.value_or(RLIM_INFINITY), r.hard.value_or(RLIM_INFINITY)};
        if (::setrlimit(resource, &value) < 0)
            throwSystemError(errno, "cannot set rlimit " + r.name);
    }
    if (how.noNewPrivs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        throwSystemError(errno, "cannot set no_new_privs");
    if (how.seccomp) loadSeccomp(*how.seccomp);
    dropCaps(how.capsDrop);
}

}  // namespace cvirt::security
