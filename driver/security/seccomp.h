// The seccomp filter of a container: what its processes may not ask of the kernel even as
// root. Built with libseccomp for the native ABI and the compat ones (i386, x32 on x86_64),
// so a 32-bit call cannot go around it.
#pragma once

#include <string>
#include <vector>

#include "conf/domain_def.h"

namespace cvirt::security {

struct SyscallRule {
    std::string name;          // as libseccomp spells it
    int err = 0;               // errno the call fails with
    bool newUserOnly = false;  // only when arg 0 (flags) asks for a new user namespace
    std::string why;           // for docs/SECURITY.md and test messages
};

// The 'default' profile. `keepsSysAdmin`: the container keeps CAP_SYS_ADMIN, so mount,
// umount2, pivot_root and new user namespaces stay the kernel's to decide. Pure.
std::vector<SyscallRule> defaultProfile(bool keepsSysAdmin);

// Loads `rules` into the calling thread, inherited across fork and exec; every other call is
// allowed. `noNewPrivs` as the process will have it (without it, loading needs
// CAP_SYS_ADMIN). Throws Error naming what failed.
void loadSeccomp(const std::vector<SyscallRule>& rules, bool noNewPrivs);

}  // namespace cvirt::security
