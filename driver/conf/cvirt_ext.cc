// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt's XML extensions in their own namespace (kCvirtNamespaceUri):
//   <cvirt:resources><cvirt:pids max='N'/><cvirt:rlimit name='nofile' soft='N' hard='N'/>
//   </cvirt:resources>
//   <cvirt:security><cvirt:seccomp profile='default|unconfined'/>
//                   <cvirt:nonewprivs state='on|off'/></cvirt:security>
#include "conf/domain.h"
#include "conf/sections.h"

namespace cvirt::conf::detail {

namespace {

// "unlimited" or a number.
std::optional<uint64_t> rlimitValue(const XmlContext& ctx, pugi::xml_node node, const char* attr) {
    auto text = attrOf(node, attr);
    if (!text) ctx.fail(node, std::string("missing attribute '") + attr + "'");
    if (*text == "unlimited") return std::nullopt;
    return parseU64(ctx, node, *text, std::string("rlimit ") + attr);
}

void parseResources(const XmlContext& ctx, pugi::xml_node res, const std::string& p,
                    DomainDef& def) {
    if (pugi::xml_node pids = res.child((p + ":pids").c_str())) {
        auto max = attrOf(pids, "max");
        if (!max) ctx.fail(pids, "missing attribute 'max'");
        def.cvirtResources.pidsMax = parseU64(ctx, pids, *max, "pids max");
        if (*def.cvirtResources.pidsMax == 0) ctx.fail(pids, "pids max must be at least 1");
    }
    const std::string rlimitTag = p + ":rlimit";  // children() keeps the pointer: outlive it
    for (pugi::xml_node r : res.children(rlimitTag.c_str())) {
        Rlimit limit;
        limit.name = std::string(attrOf(r, "name").value_or(""));
        limit.soft = rlimitValue(ctx, r, "soft");
        limit.hard = rlimitValue(ctx, r, "hard");
        if (limit.hard && (!limit.soft || *limit.soft > *limit.hard))
            ctx.fail(r, "rlimit " + limit.name + ": soft limit above the hard limit");
        for (const auto& other : def.cvirtResources.rlimits)
            if (other.name == limit.name) ctx.fail(r, "rlimit " + limit.name + " appears twice");
        def.cvirtResources.rlimits.push_back(std::move(limit));
    }
}

void parseSecurity(const XmlContext& ctx, pugi::xml_node sec, const std::string& p,
                   DomainDef& def) {
    if (pugi::xml_node s = sec.child((p + ":seccomp").c_str()))
        def.cvirtSecurity.seccomp = parseEnum(ctx, s, kSeccompProfileNames,
                                              attrOf(s, "profile").value_or(""), "seccomp profile");
    if (pugi::xml_node n = sec.child((p + ":nonewprivs").c_str()))
        def.cvirtSecurity.noNewPrivs =
            parseEnum(ctx, n, kToggleNames, attrOf(n, "state").value_or(""), "nonewprivs state");
}

std::string rlimitText(const std::optional<uint64_t>& v) {
    return v ? std::to_string(*v) : std::string("unlimited");
}

}  // namespace

void parseCvirtExtensions(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    auto prefix = namespacePrefix(domain, kCvirtNamespaceUri);
    if (!prefix) return;
    if (pugi::xml_node res = domain.child((*prefix + ":resources").c_str()))
        parseResources(ctx, res, *prefix, def);
    if (pugi::xml_node sec = domain.child((*prefix + ":security").c_str()))
        parseSecurity(ctx, sec, *prefix, def);
}

void formatCvirtExtensions(const DomainDef& def, pugi::xml_node domain) {
    if (!def.cvirtResources.empty()) {
        pugi::xml_node res = domain.append_child("cvirt:resources");
        if (def.cvirtResources.pidsMax)
            setAttr(res.append_child("cvirt:pids"), "max",
                    std::to_string(*def.cvirtResources.pidsMax));
        for (const auto& r : def.cvirtResources.rlimits) {
            pugi::xml_node n = res.append_child("cvirt:rlimit");
            setAttr(n, "name", r.name);
            setAttr(n, "soft", rlimitText(r.soft));
            setAttr(n, "hard", rlimitText(r.hard));
        }
    }
    if (!def.cvirtSecurity.empty()) {
        pugi::xml_node sec = domain.append_child("cvirt:security");
        if (def.cvirtSecurity.seccomp)
            setAttr(sec.append_child("cvirt:seccomp"), "profile",
                    kSeccompProfileNames.name(*def.cvirtSecurity.seccomp));
        if (def.cvirtSecurity.noNewPrivs)
            setAttr(sec.append_child("cvirt:nonewprivs"), "state",
                    kToggleNames.name(*def.cvirtSecurity.noNewPrivs));
    }
}

}  // namespace cvirt::conf::detail
