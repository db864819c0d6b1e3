// SPDX-License-Identifier: GPL-3.0-or-later
// <hostdev mode='capabilities' type='storage|misc|net'>; a net one may carry <ip> and <route>
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

namespace {
const char* sourceElement(HostdevCapsType t) {
    switch (t) {
        case HostdevCapsType::Storage:
            return "block";
        case HostdevCapsType::Misc:
            return "char";
        case HostdevCapsType::Net:
            return "interface";
    }
    return "block";
}
}  // namespace

Hostdev parseHostdev(const XmlContext& ctx, pugi::xml_node node) {
    std::string mode(attrOf(node, "mode").value_or(""));
    if (mode != "capabilities")
        ctx.fail(node, "hostdev mode '" + mode + "' is not supported (only 'capabilities')");
    refuseUnknownParts(ctx, node, {"source", "alias", "ip*", "route*"}, {"mode", "type"});
    Hostdev dev;
    dev.type = parseEnum(ctx, node, kHostdevCapsTypeNames, attrOf(node, "type").value_or(""),
                         "hostdev type");
    dev.source = childText(node.child("source"), sourceElement(dev.type)).value_or("");
    if (dev.source.empty())
        ctx.fail(node, std::string("missing <source><") + sourceElement(dev.type) + ">");
    // The node is made again at the same path inside the container's /dev.
    if (dev.type != HostdevCapsType::Net &&
        (!dev.source.starts_with("/dev/") || dev.source.find("/../") != std::string::npos ||
         dev.source.ends_with("/..")))
        ctx.fail(node, "hostdev source '" + dev.source + "' is not a device under /dev");
    if (dev.type == HostdevCapsType::Net) parseIpConfig(ctx, node, dev.ips, dev.routes);
    dev.alias = parseAlias(ctx, node);
    return dev;
}

void formatHostdev(const Hostdev& dev, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("hostdev");
    setAttr(n, "mode", "capabilities");
    setAttr(n, "type", kHostdevCapsTypeNames.name(dev.type));
    appendText(n.append_child("source"), sourceElement(dev.type), dev.source);
    formatIpConfig(dev.ips, dev.routes, n);
    formatAlias(dev.alias, n);
}

}  // namespace cvirt::conf::detail
