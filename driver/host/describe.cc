// SPDX-License-Identifier: GPL-3.0-or-later
#include "host/describe.h"

#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "cgroup/layout.h"
#include "qemu/kvm.h"
#include "util/file.h"

namespace cvirt::host {

void describeHost(pugi::xml_node host) {
    const std::string ns = "cvirt:";
    const cgroup::HostLayout layout = cgroup::detectHost();
    pugi::xml_node cg = host.append_child((ns + "cgroups").c_str());
    cg.append_attribute("layout") = std::string(cgroup::layoutName(layout.layout)).c_str();
    for (const auto& h : layout.hierarchies) {
        pugi::xml_node e = cg.append_child((ns + "hierarchy").c_str());
        e.append_attribute("mount") = h.mount.c_str();
        e.append_attribute("version") = h.unified ? 2 : 1;
        std::string list;
        for (const auto& c : h.controllers)
            list += (list.empty() ? "" : ",") + c;
        if (!h.name.empty()) list += (list.empty() ? "name=" : ",name=") + h.name;
        e.append_attribute("controllers") = list.c_str();
    }
    pugi::xml_node nss = host.append_child((ns + "namespaces").c_str());
    for (const char* type : {"pid", "mnt", "uts", "ipc", "net", "user", "cgroup"}) {
        pugi::xml_node e = nss.append_child((ns + "namespace").c_str());
        e.append_attribute("type") = type;
        bool have = ::access(("/proc/self/ns/" + std::string(type)).c_str(), F_OK) == 0;
        if (have && std::string(type) == "user") {
            auto max = util::readFileIfExists("/proc/sys/user/max_user_namespaces");
            have = !max || std::atoi(max->c_str()) > 0;
        }
        e.append_attribute("available") = have ? "yes" : "no";
    }
    std::optional<std::string> kvmWhy = qemu::kvmUnusable();
    pugi::xml_node kvm = host.append_child((ns + "kvm").c_str());
    kvm.append_attribute("usable") = kvmWhy ? "no" : "yes";
    if (kvmWhy) kvm.append_attribute("reason") = kvmWhy->c_str();
}

}  // namespace cvirt::host
