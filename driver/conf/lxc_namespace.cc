// SPDX-License-Identifier: GPL-3.0-or-later
// <lxc:namespace> with sharenet/shareipc/shareuts (libvirt's LXC extension).
#include "conf/domain.h"
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

std::optional<std::string> namespacePrefix(pugi::xml_node domain, std::string_view uri) {
    for (pugi::xml_attribute a : domain.attributes()) {
        std::string_view n = a.name();
        if (n.rfind("xmlns:", 0) == 0 && std::string_view(a.value()) == uri)
            return std::string(n.substr(6));
    }
    return std::nullopt;
}

void parseLxcNamespace(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    auto prefix = namespacePrefix(domain, kLxcNamespaceUri);
    if (!prefix) return;
    pugi::xml_node ns = domain.child((*prefix + ":namespace").c_str());
    if (!ns) return;
    auto share = [&](const char* what) -> std::optional<NsShare> {
        pugi::xml_node n = ns.child((*prefix + ":" + what).c_str());
        if (!n) return std::nullopt;
        NsShare s;
        s.type = parseEnum(ctx, n, kNsShareTypeNames, attrOf(n, "type").value_or(""),
                           "namespace share type");
        s.value = attrOf(n, "value").value_or("");
        if (s.value.empty()) ctx.fail(n, "missing attribute 'value'");
        // The value becomes part of a host path: /proc/PID/ns, /run/netns/NAME, the state
        // directory's NAME.pid.
        if (s.type == NsShareType::Pid &&
            s.value.find_first_not_of("0123456789") != std::string::npos)
            ctx.fail(n, "pid '" + s.value + "' is not a process id");
        if (s.type != NsShareType::Pid &&
            (s.value.find('/') != std::string::npos || s.value[0] == '.'))
            ctx.fail(n, std::string(s.type == NsShareType::Netns ? "netns" : "domain") + " name '" +
                            s.value + "' must not contain '/' or start with '.'");
        return s;
    };
    def.lxcNamespaces.sharenet = share("sharenet");
    def.lxcNamespaces.shareipc = share("shareipc");
    def.lxcNamespaces.shareuts = share("shareuts");
}

void formatLxcNamespace(const DomainDef& def, pugi::xml_node domain) {
    if (def.lxcNamespaces.empty()) return;
    pugi::xml_node ns = domain.append_child("lxc:namespace");
    auto put = [&](const char* name, const std::optional<NsShare>& s) {
        if (!s) return;
        pugi::xml_node n = ns.append_child(name);
        setAttr(n, "type", kNsShareTypeNames.name(s->type));
        setAttr(n, "value", s->value);
    };
    put("lxc:sharenet", def.lxcNamespaces.sharenet);
    put("lxc:shareipc", def.lxcNamespaces.shareipc);
    put("lxc:shareuts", def.lxcNamespaces.shareuts);
}

}  // namespace cvirt::conf::detail
