// SPDX-License-Identifier: GPL-3.0-or-later
// <alias name='…'/> of every device: libvirt's user aliases (ua-…) and the names it gives
// devices in the live XML (fs0, net0, console0, …), kept as written.
#include "conf/sections.h"

namespace cvirt::conf::detail {

std::string parseAlias(const XmlContext& ctx, pugi::xml_node device) {
    pugi::xml_node a = device.child("alias");
    if (!a) return {};
    if (pugi::xml_node second = a.next_sibling("alias"))
        ctx.fail(second,
                 "element appears twice (first at line " + std::to_string(ctx.lineOf(a)) + ")");
    refuseUnknownParts(ctx, a, {}, {"name"});
    std::string name(attrOf(a, "name").value_or(""));
    // libvirt's aliasName: it becomes part of qemu's device ids
    if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
                                               "VWXYZ0123456789_-.") != std::string::npos)
        ctx.fail(a, "invalid alias name '" + name + "' (letters, digits, '_', '-' and '.')");
    return name;
}

void formatAlias(const std::string& alias, pugi::xml_node device) {
    if (!alias.empty()) setAttr(device.append_child("alias"), "name", alias);
}

}  // namespace cvirt::conf::detail
