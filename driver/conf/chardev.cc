// SPDX-License-Identifier: GPL-3.0-or-later
// <console> and <serial>, type='pty'; in a live XML with the host pty (tty, <source path>).
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

CharDevice parseCharDevice(const XmlContext& ctx, pugi::xml_node node) {
    CharDevice chr;
    chr.kind = parseEnum(ctx, node, kCharKindNames, node.name(), "character device");
    chr.type = parseEnum(ctx, node, kCharSourceTypeNames, attrOf(node, "type").value_or("pty"),
                         "character device type");
    // libxml2 blames the first child for any wrong one in here (an <alias> was reported as a
    // bad <target>): name the element or attribute that is wrong ourselves.
    refuseUnknownParts(ctx, node, {"source", "target", "alias"}, {"type", "tty"});
    if (pugi::xml_node src = node.child("source")) refuseUnknownParts(ctx, src, {}, {"path"});
    if (pugi::xml_node t = node.child("target")) refuseUnknownParts(ctx, t, {}, {"type", "port"});
    if (pugi::xml_node t = node.child("target")) {
        chr.targetType = attrOf(t, "type").value_or("");
        if (auto p = attrOf(t, "port")) chr.targetPort = parseU32(ctx, t, *p, "port");
    }
    // The host pty of a running domain (its live XML); tty='…' says the same.
    chr.ptyPath = attrOf(node.child("source"), "path").value_or(attrOf(node, "tty").value_or(""));
    chr.alias = parseAlias(ctx, node);
    return chr;
}

void formatCharDevice(const CharDevice& chr, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child(std::string(kCharKindNames.name(chr.kind)).c_str());
    setAttr(n, "type", kCharSourceTypeNames.name(chr.type));
    if (!chr.ptyPath.empty()) {
        setAttr(n, "tty", chr.ptyPath);
        setAttr(n.append_child("source"), "path", chr.ptyPath);
    }
    if (!chr.targetType.empty() || chr.targetPort) {
        pugi::xml_node t = n.append_child("target");
        if (!chr.targetType.empty()) setAttr(t, "type", chr.targetType);
        if (chr.targetPort) setAttr(t, "port", *chr.targetPort);
    }
    formatAlias(chr.alias, n);
}

}  // namespace cvirt::conf::detail
