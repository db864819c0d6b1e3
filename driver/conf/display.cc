// SPDX-License-Identifier: GPL-3.0-or-later
// <video>, <graphics type='vnc'> and <input> of a VM: what a viewer sees and what it types.
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

Video parseVideo(const XmlContext& ctx, pugi::xml_node node) {
    Video v;
    refuseOtherChildren(ctx, node, {"model", "alias"});
    pugi::xml_node m = node.child("model");
    if (!m) ctx.fail(node, "missing <model type='…'>");
    v.model = parseEnum(ctx, m, kVideoModelNames, attrOf(m, "type").value_or(""), "video model");
    if (auto a = attrOf(m, "vram")) v.vramKiB = parseU32(ctx, m, *a, "vram");
    if (auto a = attrOf(m, "heads")) v.heads = parseU32(ctx, m, *a, "heads");
    if (auto a = attrOf(m, "primary")) {
        if (*a != "yes" && *a != "no") ctx.fail(m, "primary must be 'yes' or 'no'");
        v.primary = *a == "yes";
    }
    v.alias = parseAlias(ctx, node);
    return v;
}

void formatVideo(const Video& v, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("video");
    pugi::xml_node m = n.append_child("model");
    setAttr(m, "type", kVideoModelNames.name(v.model));
    if (v.vramKiB) setAttr(m, "vram", *v.vramKiB);
    if (v.heads) setAttr(m, "heads", *v.heads);
    if (v.primary) setAttr(m, "primary", *v.primary ? "yes" : "no");
    formatAlias(v.alias, n);
}

Graphics parseGraphics(const XmlContext& ctx, pugi::xml_node node) {
    Graphics g;
    std::string type(attrOf(node, "type").value_or(""));
    if (type != "vnc")
        ctx.fail(node, "graphics type '" + type +
                           "' is not supported (cvirt offers type='vnc' on a UNIX socket or a "
                           "loopback address)");
    if (auto p = attrOf(node, "port")) {
        int64_t port = parseI64(ctx, node, *p, "port");
        if (port < -1 || port > 65535) ctx.fail(node, "port " + std::string(*p) + " is not valid");
        g.port = static_cast<int>(port);
    }
    if (auto a = attrOf(node, "autoport")) {
        if (*a != "yes" && *a != "no") ctx.fail(node, "autoport must be 'yes' or 'no'");
        g.autoport = *a == "yes";
    }
    refuseOtherChildren(ctx, node, {"listen", "alias"});
    std::string listenAttr(attrOf(node, "listen").value_or(""));
    std::string socketAttr(attrOf(node, "socket").value_or(""));
    if (pugi::xml_node l = node.child("listen")) {
        if (pugi::xml_node second = l.next_sibling("listen"))
            ctx.fail(second, "only one <listen> is supported");
        g.listenType = parseEnum(ctx, l, kGraphicsListenTypeNames, attrOf(l, "type").value_or(""),
                                 "listen type");
        g.listenAddress = attrOf(l, "address").value_or("");
        g.socket = attrOf(l, "socket").value_or("");
        // libvirt: the listen attribute repeats the first <listen>'s address
        if (!listenAttr.empty() && listenAttr != g.listenAddress)
            ctx.fail(node, "listen attribute '" + listenAttr +
                               "' must match the address of <listen> ('" + g.listenAddress + "')");
        if (!socketAttr.empty() && socketAttr != g.socket)
            ctx.fail(node, "socket attribute '" + socketAttr +
                               "' must match the socket of <listen> ('" + g.socket + "')");
    } else if (!socketAttr.empty() && !listenAttr.empty()) {
        ctx.fail(node, "a listen address and a socket exclude each other");
    } else if (!socketAttr.empty()) {
        g.listenType = GraphicsListenType::Socket;
        g.socket = socketAttr;
    } else if (!listenAttr.empty()) {
        g.listenType = GraphicsListenType::Address;
        g.listenAddress = listenAttr;
    }
    g.alias = parseAlias(ctx, node);
    return g;
}

void formatGraphics(const Graphics& g, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("graphics");
    setAttr(n, "type", "vnc");
    if (g.port) setAttr(n, "port", std::to_string(*g.port));
    if (g.autoport) setAttr(n, "autoport", *g.autoport ? "yes" : "no");
    if (g.listenType == GraphicsListenType::Address && !g.listenAddress.empty())
        setAttr(n, "listen", g.listenAddress);
    if (g.listenType) {
        pugi::xml_node l = n.append_child("listen");
        setAttr(l, "type", kGraphicsListenTypeNames.name(*g.listenType));
        if (!g.listenAddress.empty()) setAttr(l, "address", g.listenAddress);
        if (!g.socket.empty()) setAttr(l, "socket", g.socket);
    }
    formatAlias(g.alias, n);
}

Input parseInput(const XmlContext& ctx, pugi::xml_node node) {
    Input in;
    in.type =
        parseEnum(ctx, node, kInputTypeNames, attrOf(node, "type").value_or(""), "input type");
    if (auto b = attrOf(node, "bus"))
        in.bus = parseEnum(ctx, node, kInputBusNames, *b, "input bus");
    refuseOtherChildren(ctx, node, {"alias"});
    in.alias = parseAlias(ctx, node);
    return in;
}

void formatInput(const Input& in, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("input");
    setAttr(n, "type", kInputTypeNames.name(in.type));
    if (in.bus) setAttr(n, "bus", kInputBusNames.name(*in.bus));
    formatAlias(in.alias, n);
}

}  // namespace cvirt::conf::detail
