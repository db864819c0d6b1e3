// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/environment.h"

#include "cvirt/error.h"
#include "util/uuid.h"

namespace cvirt::lxc {

std::vector<std::string> containerEnvironment(const conf::DomainDef& def, std::string_view term) {
    std::string uuid = def.uuid ? util::formatUuid(*def.uuid) : std::string();
    std::vector<std::string> env = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "TERM=" + std::string(term.empty() ? "linux" : term),
        "container=cvirt",
        "container_uuid=" + uuid,
        "CVIRT_LXC_NAME=" + def.name,
        "CVIRT_LXC_UUID=" + uuid,
        "LIBVIRT_LXC_NAME=" + def.name,
        "LIBVIRT_LXC_UUID=" + uuid,
    };
    for (const auto& e : def.os.initenv)
        env.push_back(e.name + "=" + e.value);
    return env;
}

void checkEnvironmentEntry(std::string_view entry) {
    auto fail = [&](const std::string& why) {
        throw Error(ErrorCode::InvalidArg,
                    "invalid environment entry '" + std::string(entry) + "': " + why);
    };
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) fail("expected NAME=VALUE");
    for (size_t i = 0; i < eq; ++i) {
        char c = entry[i];
        bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (i > 0 && c >= '0' && c <= '9');
        if (!ok) fail("a name is letters, digits and '_', not starting with a digit");
    }
    for (unsigned char c : entry)
        if (c < 0x20 || c == 0x7f) fail("control characters are not allowed");
}

}  // namespace cvirt::lxc
