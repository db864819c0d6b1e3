// SPDX-License-Identifier: GPL-3.0-or-later
// defaultProgram: the programs the build compiled (apart from seccomp.cc, which the build's
// generator links).
#include "security/seccomp.h"

namespace cvirt::security {

namespace generated {  // seccomp_programs.cc, written by cvirt-seccomp-gen at build time
extern const sock_filter kWithoutSysAdmin[];
extern const size_t kWithoutSysAdminLength;
extern const sock_filter kWithSysAdmin[];
extern const size_t kWithSysAdminLength;
}  // namespace generated

const std::vector<sock_filter>& defaultProgram(bool keepsSysAdmin) {
    static const std::vector<sock_filter> without(
        generated::kWithoutSysAdmin,
        generated::kWithoutSysAdmin + generated::kWithoutSysAdminLength);
    static const std::vector<sock_filter> with(
        generated::kWithSysAdmin, generated::kWithSysAdmin + generated::kWithSysAdminLength);
    return keepsSysAdmin ? with : without;
}

}  // namespace cvirt::security
