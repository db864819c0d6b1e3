// SPDX-License-Identifier: GPL-3.0-or-later
// <controller>, <channel type='unix'>, <memballoon> and <rng> of a VM. What qemu makes of
// them is driver/qemu/devices.cc; what is refused for which machine, validate.cc.
#include <cstdio>

#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

namespace {

std::optional<unsigned> u32Attr(const XmlContext& ctx, pugi::xml_node n, const char* name) {
    if (auto v = attrOf(n, name)) return parseU32(ctx, n, *v, name);
    return std::nullopt;
}

// Only the one value of an attribute cvirt implements; anything else is named and refused.
void requireValue(const XmlContext& ctx, pugi::xml_node n, const char* attr, std::string_view only,
                  std::string_view what) {
    std::string v(attrOf(n, attr).value_or(only));
    if (v != only)
        ctx.fail(n, std::string(what) + " '" + v + "' is not supported (only '" +
                        std::string(only) + "')");
}

}  // namespace

Controller parseController(const XmlContext& ctx, pugi::xml_node node) {
    Controller c;
    c.type = parseEnum(ctx, node, kControllerTypeNames, attrOf(node, "type").value_or(""),
                       "controller type");
    c.index = u32Attr(ctx, node, "index");
    c.model = attrOf(node, "model").value_or("");
    c.ports = u32Attr(ctx, node, "ports");
    c.vectors = u32Attr(ctx, node, "vectors");
    refuseOtherChildren(ctx, node, {"master", "target", "alias"});
    if (pugi::xml_node m = node.child("master"))
        c.masterStartport = parseU32(ctx, m, attrOf(m, "startport").value_or(""), "startport");
    if (pugi::xml_node t = node.child("target")) {
        c.chassis = u32Attr(ctx, t, "chassis");
        if (auto p = attrOf(t, "port")) c.targetPort = parseU32OrHex(ctx, t, *p, "port");
    }
    c.alias = parseAlias(ctx, node);
    return c;
}

void formatController(const Controller& c, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("controller");
    setAttr(n, "type", kControllerTypeNames.name(c.type));
    if (c.index) setAttr(n, "index", *c.index);
    if (!c.model.empty()) setAttr(n, "model", c.model);
    if (c.ports) setAttr(n, "ports", *c.ports);
    if (c.vectors) setAttr(n, "vectors", *c.vectors);
    if (c.masterStartport) setAttr(n.append_child("master"), "startport", *c.masterStartport);
    if (c.chassis || c.targetPort) {
        pugi::xml_node t = n.append_child("target");
        if (c.chassis) setAttr(t, "chassis", *c.chassis);
        if (c.targetPort) {
            char hex[16];
            std::snprintf(hex, sizeof hex, "0x%x", *c.targetPort);
            setAttr(t, "port", hex);
        }
    }
    formatAlias(c.alias, n);
}

Channel parseChannel(const XmlContext& ctx, pugi::xml_node node) {
    Channel ch;
    std::string type(attrOf(node, "type").value_or(""));
    if (type != "unix")
        ctx.fail(node, "channel type '" + type +
                           "' is not supported (cvirt offers type='unix' with a virtio target)");
    refuseOtherChildren(ctx, node, {"source", "target", "alias"});
    if (pugi::xml_node s = node.child("source")) {
        requireValue(ctx, s, "mode", "bind", "channel source mode");
        ch.sourcePath = attrOf(s, "path").value_or("");
    }
    pugi::xml_node t = node.child("target");
    if (!t) ctx.fail(node, "missing <target type='virtio'>");
    requireValue(ctx, t, "type", "virtio", "channel target type");
    ch.targetName = attrOf(t, "name").value_or("");
    ch.alias = parseAlias(ctx, node);
    return ch;
}

void formatChannel(const Channel& ch, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("channel");
    setAttr(n, "type", "unix");
    pugi::xml_node s = n.append_child("source");
    setAttr(s, "mode", "bind");
    if (!ch.sourcePath.empty()) setAttr(s, "path", ch.sourcePath);
    pugi::xml_node t = n.append_child("target");
    setAttr(t, "type", "virtio");
    if (!ch.targetName.empty()) setAttr(t, "name", ch.targetName);
    formatAlias(ch.alias, n);
}

Memballoon parseMemballoon(const XmlContext& ctx, pugi::xml_node node) {
    Memballoon m;
    m.model = parseEnum(ctx, node, kMemballoonModelNames, attrOf(node, "model").value_or(""),
                        "memballoon model");
    refuseOtherChildren(ctx, node, {"alias"});
    m.alias = parseAlias(ctx, node);
    return m;
}

void formatMemballoon(const Memballoon& m, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("memballoon");
    setAttr(n, "model", kMemballoonModelNames.name(m.model));
    formatAlias(m.alias, n);
}

Rng parseRng(const XmlContext& ctx, pugi::xml_node node) {
    Rng r;
    requireValue(ctx, node, "model", "virtio", "rng model");
    refuseOtherChildren(ctx, node, {"rate", "backend", "alias"});
    pugi::xml_node b = node.child("backend");
    if (!b) ctx.fail(node, "missing <backend model='random'>");
    requireValue(ctx, b, "model", "random", "rng backend model");
    r.source = trimmed(b.text().get());
    if (pugi::xml_node rate = node.child("rate")) {
        r.rateBytes = parseU32(ctx, rate, attrOf(rate, "bytes").value_or(""), "rate bytes");
        r.ratePeriodMs = u32Attr(ctx, rate, "period");
    }
    r.alias = parseAlias(ctx, node);
    return r;
}

void formatRng(const Rng& r, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("rng");
    setAttr(n, "model", "virtio");
    if (r.rateBytes) {
        pugi::xml_node rate = n.append_child("rate");
        setAttr(rate, "bytes", *r.rateBytes);
        if (r.ratePeriodMs) setAttr(rate, "period", *r.ratePeriodMs);
    }
    pugi::xml_node b =
        r.source.empty() ? n.append_child("backend") : appendText(n, "backend", r.source);
    setAttr(b, "model", "random");
    formatAlias(r.alias, n);
}

}  // namespace cvirt::conf::detail
