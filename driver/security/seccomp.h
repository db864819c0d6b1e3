// SPDX-License-Identifier: GPL-3.0-or-later
// The seccomp filter of a container: what its processes may not ask of the kernel even as
// root. Built with libseccomp for the native ABI and the compat ones (i386, x32 on x86_64),
// so a 32-bit call cannot go around it.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conf/domain_def.h"
#include "util/fd.h"

namespace cvirt::security {

// The call matches only when (argument `arg` & mask) == value.
struct ArgMatch {
    unsigned arg = 0;
    uint64_t mask = 0;
    uint64_t value = 0;
};

struct SyscallRule {
    std::string name;              // as libseccomp spells it
    int err = 0;                   // errno the call fails with
    std::optional<ArgMatch> when;  // none: every call
    std::string why;               // for docs/SECURITY.md and test messages
};

// The 'default' profile. Without CAP_SYS_ADMIN: no mount family, no new user namespace
// (which would give the capabilities back). With it: mount(2) only for propagation changes
// and read-only bind (per-mount) remounts, no umount, so what cvirt masked or made read-only stays
// so (the masks are made inside the container's own namespaces, where even a user namespace's root
// could take them away: the kernel only locks mounts it copies into a user namespace). Pure.
std::vector<SyscallRule> defaultProfile(bool keepsSysAdmin);

// `rules` as the BPF program the kernel runs (every other call allowed, the compat ABIs of
// this machine filtered too). libseccomp takes most of a millisecond: the default profile's
// programs are compiled at build time (defaultProgram).
std::vector<sock_filter> compileSeccomp(const std::vector<SyscallRule>& rules);

// compileSeccomp(defaultProfile(keepsSysAdmin)) as the build compiled it (cvirt-seccomp-gen,
// driver/security/gen): no libseccomp work at start. A unit test checks that it equals what
// this machine's libseccomp compiles now.
const std::vector<sock_filter>& defaultProgram(bool keepsSysAdmin);

// Loads a program of compileSeccomp into the calling thread, inherited across fork and exec.
// Without no_new_privs, loading needs CAP_SYS_ADMIN. Throws Error naming what failed.
void loadSeccomp(const std::vector<sock_filter>& program);

// Loads a filter that hands every native sysinfo(2) call of this process and its children to
// whoever holds the returned listener (SECCOMP_RET_USER_NOTIF): the container's controller
// answers with the container's figures. Needs CAP_SYS_ADMIN (in the process's user
// namespace) or no_new_privs. An empty descriptor when the kernel cannot (before Linux 5.0).
util::Fd trapSysinfo();

}  // namespace cvirt::security
