// SPDX-License-Identifier: GPL-3.0-or-later
// <seclabel>: libvirt's security labels (formatdomain "Security label"), one per model. cvirt
// keeps them as written and enforces none: requireEnforceable() refuses to start a domain
// whose label asks for confinement, so a label is never silently ignored.
#include "conf/domain.h"
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf {

namespace detail {

namespace {

Seclabel parseSeclabel(const XmlContext& ctx, pugi::xml_node node) {
    Seclabel sec;
    sec.line = ctx.lineOf(node);
    if (auto t = attrOf(node, "type"))
        sec.type = parseEnum(ctx, node, kSeclabelTypeNames, *t, "seclabel type");
    sec.model = attrOf(node, "model").value_or("");
    if (auto r = attrOf(node, "relabel")) {
        if (*r != "yes" && *r != "no")
            ctx.fail(node, "invalid relabel '" + std::string(*r) + "' (expected yes or no)");
        sec.relabel = *r == "yes";
    }
    const std::pair<const char*, std::string Seclabel::*> kTexts[] = {
        {"label", &Seclabel::label},
        {"imagelabel", &Seclabel::imagelabel},
        {"baselabel", &Seclabel::baselabel}};
    for (const auto& [name, field] : kTexts) {
        pugi::xml_node child = node.child(name);
        if (!child) continue;
        if (pugi::xml_node second = child.next_sibling(name))
            ctx.fail(second, "element appears twice (first at line " +
                                 std::to_string(ctx.lineOf(child)) + ")");
        sec.*field = trimmed(child.text().get());
        if ((sec.*field).empty()) ctx.fail(child, "empty <" + std::string(name) + ">");
    }
    // libvirt's rules (domaincommon.rng): none relabels nothing and has no label, static
    // needs its label and has no base, dynamic always relabels.
    SeclabelType type = sec.type.value_or(SeclabelType::Dynamic);
    if (type == SeclabelType::None && (sec.relabel.value_or(false) || !sec.label.empty() ||
                                       !sec.imagelabel.empty() || !sec.baselabel.empty()))
        ctx.fail(node, "seclabel type 'none' has no label and relabel='no' only");
    if (type == SeclabelType::Static && sec.label.empty())
        ctx.fail(node, "seclabel type 'static' needs a <label>");
    if (type == SeclabelType::Static && !sec.baselabel.empty())
        ctx.fail(node, "seclabel type 'static' has no <baselabel>");
    if (type == SeclabelType::Dynamic && sec.relabel == false)
        ctx.fail(node, "seclabel type 'dynamic' always relabels (relabel='no' is refused)");
    return sec;
}

}  // namespace

void parseSeclabels(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    for (pugi::xml_node n : domain.children("seclabel")) {
        Seclabel sec = parseSeclabel(ctx, n);
        // One label per security driver, as libvirt: several need a model each.
        for (const Seclabel& other : def.seclabels)
            if (other.model == sec.model)
                ctx.fail(n, sec.model.empty()
                                ? "seclabel without a model appears twice (several seclabels "
                                  "need a model each)"
                                : "seclabel model '" + sec.model +
                                      "' appears twice (first at line " +
                                      std::to_string(other.line) + ")");
        def.seclabels.push_back(std::move(sec));
    }
    if (def.seclabels.size() > 1)
        for (const Seclabel& sec : def.seclabels)
            if (sec.model.empty())
                throw Error(ErrorCode::XmlError, std::string(ctx.filename()) + ":" +
                                                     std::to_string(sec.line) +
                                                     ": <seclabel>: missing security model when "
                                                     "using several seclabels");
}

void formatSeclabels(const DomainDef& def, pugi::xml_node domain) {
    for (const Seclabel& sec : def.seclabels) {
        pugi::xml_node n = domain.append_child("seclabel");
        if (sec.type) setAttr(n, "type", kSeclabelTypeNames.name(*sec.type));
        if (!sec.model.empty()) setAttr(n, "model", sec.model);
        if (sec.relabel) setAttr(n, "relabel", *sec.relabel ? "yes" : "no");
        if (!sec.label.empty()) appendText(n, "label", sec.label);
        if (!sec.imagelabel.empty()) appendText(n, "imagelabel", sec.imagelabel);
        if (!sec.baselabel.empty()) appendText(n, "baselabel", sec.baselabel);
    }
}

}  // namespace detail

void requireEnforceable(const DomainDef& def) {
    for (const Seclabel& sec : def.seclabels) {
        if (sec.type == SeclabelType::None) continue;
        std::string type(kSeclabelTypeNames.name(sec.type.value_or(SeclabelType::Dynamic)));
        std::string model = sec.model.empty() ? "the host's default" : "'" + sec.model + "'";
        throw Error(ErrorCode::ConfigUnsupported,
                    "security model " + model + " (<seclabel type='" + type +
                        "'>) cannot be enforced: cvirt applies no security module (SELinux, "
                        "AppArmor, DAC labels); use <seclabel type='none'/> to run unconfined");
    }
}

}  // namespace cvirt::conf
