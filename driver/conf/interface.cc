// SPDX-License-Identifier: GPL-3.0-or-later
// <interface type='bridge|network|ethernet|direct|hostdev'>
#include <cctype>
#include <cstdio>
#include <string_view>

#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

namespace {

std::string normalizeMac(const XmlContext& ctx, pugi::xml_node node, std::string_view text) {
    unsigned b[6];
    char tail;
    std::string t(text);
    if (std::sscanf(t.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
                    &b[5], &tail) != 6 ||
        t.size() != 17)
        ctx.fail(node, "invalid MAC address '" + t + "'");
    if (b[0] & 1) ctx.fail(node, "MAC address '" + t + "' is a multicast address");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 6; ++i) {
        if (i) out += ':';
        out += kHex[(b[i] >> 4) & 0xf];
        out += kHex[b[i] & 0xf];
    }
    return out;
}

std::optional<IpFamily> familyOf(const XmlContext& ctx, pugi::xml_node n) {
    auto f = attrOf(n, "family");
    if (!f) return std::nullopt;
    return parseEnum(ctx, n, kIpFamilyNames, *f, "address family");
}

unsigned hexField(const XmlContext& ctx, pugi::xml_node n, const char* name) {
    std::string v(attrOf(n, name).value_or("0"));
    try {
        return static_cast<unsigned>(std::stoul(v, nullptr, 0));
    } catch (...) {
        ctx.fail(n, "invalid PCI " + std::string(name) + " '" + v + "'");
    }
}

}  // namespace

void parseIpConfig(const XmlContext& ctx, pugi::xml_node node, std::vector<IpAddress>& ips,
                   std::vector<Route>& routes) {
    for (pugi::xml_node ip : node.children("ip")) {
        refuseNonEmpty(ctx, ip, {"address", "family", "prefix", "peer"});
        requireAttributes(ctx, ip, {"address"});
        IpAddress a;
        a.family = familyOf(ctx, ip);
        a.address = attrOf(ip, "address").value_or("");
        if (auto p = attrOf(ip, "prefix")) a.prefix = parseU32(ctx, ip, *p, "prefix");
        a.peer = attrOf(ip, "peer").value_or("");
        ips.push_back(std::move(a));
    }
    for (pugi::xml_node r : node.children("route")) {
        refuseNonEmpty(ctx, r, {"family", "address", "prefix", "gateway", "metric"});
        requireAttributes(ctx, r, {"address"});
        Route route;
        route.family = familyOf(ctx, r);
        route.address = attrOf(r, "address").value_or("");
        if (auto p = attrOf(r, "prefix")) route.prefix = parseU32(ctx, r, *p, "prefix");
        route.gateway = attrOf(r, "gateway").value_or("");
        if (auto m = attrOf(r, "metric")) route.metric = parseU32(ctx, r, *m, "metric");
        routes.push_back(std::move(route));
    }
}

void formatIpConfig(const std::vector<IpAddress>& ips, const std::vector<Route>& routes,
                    pugi::xml_node node) {
    for (const auto& ip : ips) {
        pugi::xml_node a = node.append_child("ip");
        setAttr(a, "address", ip.address);
        if (ip.family) setAttr(a, "family", kIpFamilyNames.name(*ip.family));
        if (ip.prefix) setAttr(a, "prefix", *ip.prefix);
        if (!ip.peer.empty()) setAttr(a, "peer", ip.peer);
    }
    for (const auto& r : routes) {
        pugi::xml_node a = node.append_child("route");
        if (r.family) setAttr(a, "family", kIpFamilyNames.name(*r.family));
        setAttr(a, "address", r.address);
        if (r.prefix) setAttr(a, "prefix", *r.prefix);
        if (!r.gateway.empty()) setAttr(a, "gateway", r.gateway);
        if (r.metric) setAttr(a, "metric", *r.metric);
    }
}

Interface parseInterface(const XmlContext& ctx, pugi::xml_node node) {
    Interface net;
    net.line = ctx.lineOf(node);
    if (!node.attribute("type")) ctx.fail(node, "missing attribute 'type'");
    net.type =
        parseEnum(ctx, node, kNetTypeNames, attrOf(node, "type").value_or(""), "interface type");
    // the parts of each child checked here, so an error names the one at fault (libxml2's
    // message may blame another)
    refuseDeviceAddress(ctx, node);
    refuseUnknownParts(
        ctx, node,
        {"mac", "source", "ip*", "route*", "target", "guest", "model", "link", "mtu", "alias"},
        {"type"});
    const std::pair<const char*, const char*> kLeaves[] = {{"mac", "address"}, {"target", "dev"},
                                                           {"guest", "dev"},   {"model", "type"},
                                                           {"link", "state"},  {"mtu", "size"}};
    for (auto [element, attribute] : kLeaves)
        if (pugi::xml_node leaf = node.child(element)) {
            refuseNonEmpty(ctx, leaf, {attribute});
            requireAttributes(ctx, leaf, {attribute});
        }
    if (pugi::xml_node m = node.child("mac"))
        net.mac = normalizeMac(ctx, m, attrOf(m, "address").value_or(""));
    if (pugi::xml_node s = node.child("source")) {
        // each type keeps what it uses, the rest is refused (formatInterface writes just that)
        const std::initializer_list<std::string_view> kAll = {
            "bridge", "network", "dev", "mode", "<address>", "<ip>", "<route>"};
        std::string kind = "interface type '" + std::string(kNetTypeNames.name(net.type)) + "'";
        refuseUnknownParts(ctx, s, {"address", "ip*", "route*"},
                           {"bridge", "network", "dev", "mode"});
        switch (net.type) {
            case NetType::Bridge:
                refuseForeignFields(ctx, s, kind, kAll, {"bridge"});
                break;
            case NetType::Network:
                refuseForeignFields(ctx, s, kind, kAll, {"network"});
                break;
            case NetType::Direct:
                refuseForeignFields(ctx, s, kind, kAll, {"dev", "mode"});
                break;
            case NetType::Hostdev:
                refuseForeignFields(ctx, s, kind, kAll, {"<address>"});
                break;
            case NetType::Ethernet:
                refuseForeignFields(ctx, s, kind, kAll, {"dev", "<ip>", "<route>"});
                break;
        }
        net.sourceBridge = attrOf(s, "bridge").value_or("");
        net.sourceNetwork = attrOf(s, "network").value_or("");
        net.sourceDev = attrOf(s, "dev").value_or("");
        if (auto mode = attrOf(s, "mode"))
            net.sourceMode = parseEnum(ctx, s, kMacvlanModeNames, *mode, "source mode");
        if (pugi::xml_node a = s.child("address")) {
            refuseNonEmpty(ctx, a, {"type", "domain", "bus", "slot", "function"});
            requireAttributes(ctx, a, {"type", "bus", "slot", "function"});
            if (std::string_view(a.attribute("type").value()) != "pci")
                ctx.fail(a, "unknown address type '" + std::string(a.attribute("type").value()) +
                                "' (only 'pci')");
            char buf[32];
            std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", hexField(ctx, a, "domain"),
                          hexField(ctx, a, "bus"), hexField(ctx, a, "slot"),
                          hexField(ctx, a, "function"));
            net.sourcePciAddress = buf;
        }
        parseIpConfig(ctx, s, net.hostIps, net.hostRoutes);  // only ethernet gets this far with any
    }
    parseIpConfig(ctx, node, net.ips, net.routes);
    if (pugi::xml_node t = node.child("target")) net.targetDev = attrOf(t, "dev").value_or("");
    // device names that reach netlink and /sys/class/net
    auto checkName = [&](const std::string& name, const char* what) {
        if (name.empty()) return;
        if (auto why = ifNameProblem(name))
            ctx.fail(node, std::string(what) + " '" + name + "' is no device name: " + *why);
    };
    checkName(net.sourceBridge, "source bridge");
    checkName(net.targetDev, "target dev");
    if (pugi::xml_node g = node.child("guest")) net.guestDev = attrOf(g, "dev").value_or("");
    checkName(net.guestDev, "guest dev");
    checkName(net.sourceDev, "source dev");
    if (pugi::xml_node m = node.child("model")) {
        net.model = attrOf(m, "type").value_or("");
        if (net.model.empty() ||
            net.model.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789-_") != std::string::npos)
            ctx.fail(m, "invalid model type '" + net.model + "'");
    }
    if (pugi::xml_node l = node.child("link"))
        net.link =
            parseEnum(ctx, l, kLinkStateNames, attrOf(l, "state").value_or(""), "link state");
    if (pugi::xml_node m = node.child("mtu"))
        net.mtu = parseU32(ctx, m, attrOf(m, "size").value_or(""), "mtu");
    net.alias = parseAlias(ctx, node);
    return net;
}

void formatInterface(const Interface& net, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("interface");
    setAttr(n, "type", kNetTypeNames.name(net.type));
    if (!net.mac.empty()) setAttr(n.append_child("mac"), "address", net.mac);
    switch (net.type) {
        case NetType::Bridge:
            setAttr(n.append_child("source"), "bridge", net.sourceBridge);
            break;
        case NetType::Network:
            setAttr(n.append_child("source"), "network", net.sourceNetwork);
            break;
        case NetType::Direct: {
            pugi::xml_node s = n.append_child("source");
            setAttr(s, "dev", net.sourceDev);
            if (net.sourceMode) setAttr(s, "mode", kMacvlanModeNames.name(*net.sourceMode));
            break;
        }
        case NetType::Hostdev:
            if (!net.sourcePciAddress.empty()) {
                unsigned dom = 0, bus = 0, slot = 0, fn = 0;
                std::sscanf(net.sourcePciAddress.c_str(), "%x:%x:%x.%x", &dom, &bus, &slot, &fn);
                pugi::xml_node a = n.append_child("source").append_child("address");
                char buf[32];
                setAttr(a, "type", "pci");
                std::snprintf(buf, sizeof buf, "0x%04x", dom), setAttr(a, "domain", buf);
                std::snprintf(buf, sizeof buf, "0x%02x", bus), setAttr(a, "bus", buf);
                std::snprintf(buf, sizeof buf, "0x%02x", slot), setAttr(a, "slot", buf);
                std::snprintf(buf, sizeof buf, "0x%x", fn), setAttr(a, "function", buf);
            }
            break;
        case NetType::Ethernet:
            if (!net.sourceDev.empty() || !net.hostIps.empty() || !net.hostRoutes.empty()) {
                pugi::xml_node s = n.append_child("source");
                if (!net.sourceDev.empty()) setAttr(s, "dev", net.sourceDev);
                formatIpConfig(net.hostIps, net.hostRoutes, s);
            }
            break;
    }
    formatIpConfig(net.ips, net.routes, n);
    if (!net.targetDev.empty()) setAttr(n.append_child("target"), "dev", net.targetDev);
    if (!net.guestDev.empty()) setAttr(n.append_child("guest"), "dev", net.guestDev);
    if (!net.model.empty()) setAttr(n.append_child("model"), "type", net.model);
    if (net.link) setAttr(n.append_child("link"), "state", kLinkStateNames.name(*net.link));
    if (net.mtu) setAttr(n.append_child("mtu"), "size", *net.mtu);
    formatAlias(net.alias, n);
}

}  // namespace cvirt::conf::detail
