// SPDX-License-Identifier: GPL-3.0-or-later
// <cpu> (mode, match, check, migratable, <model>, <feature>) and <pm> (VMs).
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

namespace {

std::optional<bool> parseEnabled(const XmlContext& ctx, pugi::xml_node pm, const char* name) {
    pugi::xml_node n = pm.child(name);
    if (!n) return std::nullopt;
    std::string v(attrOf(n, "enabled").value_or(""));
    if (v != "yes" && v != "no") ctx.fail(n, "enabled must be 'yes' or 'no', not '" + v + "'");
    return v == "yes";
}

}  // namespace

void parseCpuAndPm(const XmlContext& ctx, pugi::xml_node domain, DomainDef& def) {
    if (pugi::xml_node c = domain.child("cpu")) {
        Cpu cpu;
        if (auto m = attrOf(c, "mode")) cpu.mode = parseEnum(ctx, c, kCpuModeNames, *m, "cpu mode");
        if (auto m = attrOf(c, "match"))
            cpu.match = parseEnum(ctx, c, kCpuMatchNames, *m, "cpu match");
        if (auto k = attrOf(c, "check"))
            cpu.check = parseEnum(ctx, c, kCpuCheckNames, *k, "cpu check");
        if (auto m = attrOf(c, "migratable"))
            cpu.migratable = parseEnum(ctx, c, kToggleNames, *m, "cpu migratable");
        for (pugi::xml_node n : c.children()) {
            if (n.type() != pugi::node_element) continue;
            std::string_view name = n.name();
            if (name == "model") {
                if (!cpu.model.empty()) ctx.fail(n, "only one <model> is allowed");
                cpu.model = trimmed(n.text().get());
                if (cpu.model.empty()) ctx.fail(n, "empty CPU model");
            } else if (name == "feature") {
                CpuFeature f;
                f.policy = parseEnum(ctx, n, kCpuFeaturePolicyNames,
                                     attrOf(n, "policy").value_or("require"), "feature policy");
                f.name = attrOf(n, "name").value_or("");
                if (f.name.empty()) ctx.fail(n, "missing attribute 'name'");
                cpu.features.push_back(std::move(f));
            } else {
                ctx.fail(n, "not supported in <cpu> (cvirt takes <model> and <feature>)");
            }
        }
        def.cpu = std::move(cpu);
    }
    if (pugi::xml_node pm = domain.child("pm")) {
        def.pm.suspendToMem = parseEnabled(ctx, pm, "suspend-to-mem");
        def.pm.suspendToDisk = parseEnabled(ctx, pm, "suspend-to-disk");
    }
}

void formatCpu(const DomainDef& def, pugi::xml_node domain) {
    if (!def.cpu) return;
    const Cpu& cpu = *def.cpu;
    pugi::xml_node c = domain.append_child("cpu");
    if (cpu.mode) setAttr(c, "mode", kCpuModeNames.name(*cpu.mode));
    if (cpu.match) setAttr(c, "match", kCpuMatchNames.name(*cpu.match));
    if (cpu.check) setAttr(c, "check", kCpuCheckNames.name(*cpu.check));
    if (cpu.migratable) setAttr(c, "migratable", kToggleNames.name(*cpu.migratable));
    if (!cpu.model.empty()) appendText(c, "model", cpu.model);
    for (const auto& f : cpu.features) {
        pugi::xml_node n = c.append_child("feature");
        setAttr(n, "policy", kCpuFeaturePolicyNames.name(f.policy));
        setAttr(n, "name", f.name);
    }
}

void formatPm(const DomainDef& def, pugi::xml_node domain) {
    if (def.pm.empty()) return;
    pugi::xml_node pm = domain.append_child("pm");
    if (def.pm.suspendToMem)
        setAttr(pm.append_child("suspend-to-mem"), "enabled", *def.pm.suspendToMem ? "yes" : "no");
    if (def.pm.suspendToDisk)
        setAttr(pm.append_child("suspend-to-disk"), "enabled",
                *def.pm.suspendToDisk ? "yes" : "no");
}

}  // namespace cvirt::conf::detail
