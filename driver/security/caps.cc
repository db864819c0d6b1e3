// SPDX-License-Identifier: GPL-3.0-or-later
#include "security/caps.h"

#include <sys/capability.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>

#include "cvirt/error.h"

namespace cvirt::security {

std::vector<std::string> kernelCapabilities() {
    std::vector<std::string> names;
    for (cap_value_t v = 0; v < static_cast<cap_value_t>(cap_max_bits()); ++v) {
        char* n = cap_to_name(v);
        if (!n) continue;
        std::string name = n;
        cap_free(n);
        if (name.rfind("cap_", 0) == 0) names.push_back(name.substr(4));
    }
    return names;
}

std::vector<std::string> capsToDrop(const conf::DomainDef& def) {
    return capsToDrop(def, kernelCapabilities());
}

bool sharesHostNetwork(const conf::DomainDef& def) {
    // The controller's rule for CLONE_NEWNET (driver/lxc/controller/controller.cc).
    bool movesDevices = std::any_of(def.hostdevs.begin(), def.hostdevs.end(),
                                    [](auto& h) { return h.type == conf::HostdevCapsType::Net; });
    return def.interfaces.empty() && !def.features.privnet && !movesDevices &&
           !def.lxcNamespaces.sharenet;
}

std::vector<std::string> capsToDrop(const conf::DomainDef& def,
                                    const std::vector<std::string>& kernelCaps) {
    static const std::vector<std::string> kDefaultDrop = {"sys_module", "sys_time", "mknod",
                                                          "audit_control", "mac_admin"};
    // Over the host's own network namespace these reconfigure the host's interfaces, routes
    // and firewall, and sniff or forge its traffic: dropped there unless turned on by name.
    static const std::vector<std::string> kHostNetDrop = {"net_admin", "net_raw"};
    bool hostNet = sharesHostNetwork(def);
    auto stateOf = [&](const std::string& name) -> std::optional<conf::Toggle> {
        for (const auto& c : def.features.caps)
            if (c.name == name) return c.state;
        return std::nullopt;
    };
    conf::CapPolicy policy = def.features.capsPolicy.value_or(conf::CapPolicy::Default);
    std::vector<std::string> drop;
    std::vector<std::string> names = conf::kCapabilityNames;
    for (const auto& k : kernelCaps)
        if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    for (const std::string& name : names) {
        auto state = stateOf(name);
        bool toDrop = false;
        switch (policy) {
            case conf::CapPolicy::Deny:
                toDrop = state != conf::Toggle::On;
                break;
            case conf::CapPolicy::Allow:
                toDrop = state == conf::Toggle::Off;
                break;
            case conf::CapPolicy::Default:
                if (std::find(kDefaultDrop.begin(), kDefaultDrop.end(), name) !=
                        kDefaultDrop.end() ||
                    (hostNet && std::find(kHostNetDrop.begin(), kHostNetDrop.end(), name) !=
                                    kHostNetDrop.end()))
                    toDrop = state != conf::Toggle::On;
                else
                    toDrop = state == conf::Toggle::Off;
                break;
        }
        if (toDrop) drop.push_back(name);
    }
    return drop;
}

void dropCaps(const std::vector<std::string>& names) {
    if (names.empty()) return;
    cap_t caps = cap_get_proc();
    if (!caps) throwSystemError(errno, "cannot read the capability sets");
    std::vector<cap_value_t> values;
    for (const auto& n : names) {
        cap_value_t v;
        std::string full = "cap_" + n;
        if (cap_from_name(full.c_str(), &v) < 0) continue;  // unknown to this kernel/libcap
        if (!CAP_IS_SUPPORTED(v)) continue;
        if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL) {
            int err = errno;
            cap_free(caps);
            throwSystemError(err, "cannot drop capability '" + n + "' from the bounding set");
        }
        values.push_back(v);
    }
    for (cap_flag_t flag : {CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE})
        cap_set_flag(caps, flag, static_cast<int>(values.size()), values.data(), CAP_CLEAR);
    int rc = cap_set_proc(caps);
    int err = errno;
    cap_free(caps);
    if (rc < 0) throwSystemError(err, "cannot apply the container's capability set");
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

}  // namespace cvirt::security
