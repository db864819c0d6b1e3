// SPDX-License-Identifier: GPL-3.0-or-later
#include "conf/network.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <pugixml.hpp>
#include <set>

#include "conf/domain.h"
#include "conf/schema.h"
#include "conf/text_check.h"
#include "conf/xml_util.h"
#include "cvirt/error.h"

namespace cvirt::conf {

std::string_view forwardModeName(ForwardMode mode) {
    return mode == ForwardMode::Nat ? "nat" : mode == ForwardMode::Route ? "route" : "none";
}

std::string networkTableName(std::string_view name) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string t = "cvirt_";
    for (char c : name) {
        auto u = static_cast<unsigned char>(c);
        if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9'))
            t += c;
        else if (c == '_')
            t += "__";
        else
            t += {'_', kHex[u >> 4], kHex[u & 15]};
    }
    return t;
}

namespace {

// Prefix length of a dotted IPv4 netmask, or nullopt when it is not contiguous.
std::optional<unsigned> netmaskPrefix(std::string_view mask) {
    in_addr a{};
    if (::inet_pton(AF_INET, std::string(mask).c_str(), &a) != 1) return std::nullopt;
    uint32_t m = ntohl(a.s_addr);
    unsigned n = 0;
    while (n < 32 && (m & (0x80000000u >> n)))
        ++n;
    if (n < 32 && (m << n) != 0) return std::nullopt;
    return n;
}

}  // namespace

NetworkDef parseNetwork(std::string_view xml, std::string_view filename, bool validateSchema) {
    refuseUnsafeXml(xml, filename);
    pugi::xml_document doc;
    XmlContext ctx(filename, xml);
    bool loaded = bool(doc.load_buffer(xml.data(), xml.size()));
    // Before the schema, whose message for a control character names no attribute.
    if (loaded) refuseBadText(ctx, doc.document_element(), {"description"}, {});
    if (validateSchema) conf::validateSchema(Schema::Network, xml, filename);
    if (!loaded) throw Error(ErrorCode::XmlError, std::string(filename) + ": malformed XML");
    pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "network")
        ctx.fail(root, "expected root element <network>");
    NetworkDef def;
    auto name = childText(root, "name");
    if (!name || name->empty()) ctx.fail(root, "missing <name>");
    def.name = *name;
    if (auto uuid = childText(root, "uuid")) {
        def.uuid = util::parseUuid(*uuid);
        if (!def.uuid) ctx.fail(root.child("uuid"), "invalid uuid '" + *uuid + "'");
    }
    def.title = childText(root, "title").value_or("");
    def.description = childText(root, "description").value_or("");
    if (pugi::xml_node b = root.child("bridge")) {
        def.bridge = attrOf(b, "name").value_or("");
        def.stp = attrOf(b, "stp").value_or("on") == "on";
        if (auto d = attrOf(b, "delay")) def.delay = parseU32(ctx, b, *d, "delay");
    }
    if (pugi::xml_node m = root.child("mac"))
        def.mac = std::string(attrOf(m, "address").value_or(""));
    if (pugi::xml_node f = root.child("forward")) {
        auto mode = attrOf(f, "mode").value_or("nat");
        def.forward = mode == "route" ? ForwardMode::Route : ForwardMode::Nat;
        def.forwardDev = attrOf(f, "dev").value_or("");
    }
    for (pugi::xml_node ipn : root.children("ip")) {
        NetworkIp ip;
        auto address = attrOf(ipn, "address");
        if (!address) ctx.fail(ipn, "missing attribute 'address'");
        ip.address = *address;
        ip.ipv6 = attrOf(ipn, "family").value_or("") == "ipv6" ||
                  ip.address.find(':') != std::string::npos;
        if (auto p = attrOf(ipn, "prefix")) {
            ip.prefix = parseU32(ctx, ipn, *p, "prefix");
        } else if (auto m = attrOf(ipn, "netmask")) {
            auto prefix = netmaskPrefix(*m);
            if (!prefix) ctx.fail(ipn, "invalid netmask '" + std::string(*m) + "'");
            ip.prefix = *prefix;
        } else {
            ip.prefix = ip.ipv6 ? 64 : 24;
        }
        if (pugi::xml_node dhcp = ipn.child("dhcp")) {
            for (pugi::xml_node r : dhcp.children("range"))
                ip.ranges.emplace_back(attrOf(r, "start").value_or(""),
                                       attrOf(r, "end").value_or(""));
            for (pugi::xml_node h : dhcp.children("host"))
                ip.hosts.push_back({std::string(attrOf(h, "mac").value_or("")),
                                    std::string(attrOf(h, "name").value_or("")),
                                    std::string(attrOf(h, "ip").value_or(""))});
        }
        def.ips.push_back(std::move(ip));
    }
    return def;
}

std::string formatNetwork(const NetworkDef& def) {
    pugi::xml_document doc;
    pugi::xml_node root = doc.append_child("network");
    appendText(root, "name", def.name);
    if (def.uuid) appendText(root, "uuid", util::formatUuid(*def.uuid));
    if (!def.title.empty()) appendText(root, "title", def.title);
    if (!def.description.empty()) appendText(root, "description", def.description);
    if (def.forward != ForwardMode::None) {
        pugi::xml_node f = root.append_child("forward");
        setAttr(f, "mode", forwardModeName(def.forward));
        if (!def.forwardDev.empty()) setAttr(f, "dev", def.forwardDev);
    }
    pugi::xml_node b = root.append_child("bridge");
    setAttr(b, "name", def.bridge);
    setAttr(b, "stp", def.stp ? "on" : "off");
    setAttr(b, "delay", std::to_string(def.delay));
    if (!def.mac.empty()) setAttr(root.append_child("mac"), "address", def.mac);
    for (const auto& ip : def.ips) {
        pugi::xml_node n = root.append_child("ip");
        if (ip.ipv6) setAttr(n, "family", "ipv6");
        setAttr(n, "address", ip.address);
        setAttr(n, "prefix", std::to_string(ip.prefix));
        if (ip.ranges.empty() && ip.hosts.empty()) continue;
        pugi::xml_node dhcp = n.append_child("dhcp");
        for (const auto& [start, end] : ip.ranges) {
            pugi::xml_node r = dhcp.append_child("range");
            setAttr(r, "start", start);
            setAttr(r, "end", end);
        }
        for (const auto& h : ip.hosts) {
            pugi::xml_node e = dhcp.append_child("host");
            if (!h.mac.empty()) setAttr(e, "mac", h.mac);
            if (!h.name.empty()) setAttr(e, "name", h.name);
            if (!h.ip.empty()) setAttr(e, "ip", h.ip);
        }
    }
    return saveDocument(doc);
}

void applyNetworkDefaults(NetworkDef& def, const std::vector<std::string>& taken) {
    if (!def.uuid) def.uuid = util::randomUuid();
    if (def.mac.empty()) def.mac = randomMac();
    for (unsigned i = 0; def.bridge.empty(); ++i) {
        std::string candidate = "cvtbr" + std::to_string(i);
        if (std::find(taken.begin(), taken.end(), candidate) == taken.end()) def.bridge = candidate;
    }
}

namespace {
// The address as 16 bytes (IPv4 in the first 4), or nullopt.
std::optional<std::array<uint8_t, 16>> bytesOf(const std::string& text, bool v6) {
    std::array<uint8_t, 16> b{};
    if (::inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), b.data()) != 1) return std::nullopt;
    return b;
}
bool isMacAddress(std::string_view mac) {
    if (mac.size() != 17) return false;
    for (size_t i = 0; i < mac.size(); ++i)
        if (i % 3 == 2 ? mac[i] != ':' : !std::isxdigit(static_cast<unsigned char>(mac[i])))
            return false;
    return true;
}

// RFC 1123 host names: dot-separated labels of letters, digits and '-' (not first or last),
// 1 to 63 characters each, at most 253 in all.
std::optional<std::string> hostNameProblem(std::string_view name) {
    if (name.size() > 253) return "is " + std::to_string(name.size()) + " bytes long (at most 253)";
    for (size_t b = 0; b <= name.size();) {
        size_t e = name.find('.', b);
        if (e == std::string_view::npos) e = name.size();
        std::string_view label = name.substr(b, e - b);
        if (label.empty() || label.size() > 63)
            return std::string("has a label of ") + std::to_string(label.size()) +
                   " characters (1 to 63)";
        if (label.front() == '-' || label.back() == '-')
            return std::string("has a label that starts or ends with '-'");
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
                return std::string("may hold only letters, digits, '-' and '.'");
        b = e + 1;
    }
    return std::nullopt;
}

bool sameNet(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, unsigned prefix) {
    for (unsigned bit = 0; bit < prefix; ++bit) {
        uint8_t m = static_cast<uint8_t>(0x80 >> (bit % 8));
        if ((a[bit / 8] & m) != (b[bit / 8] & m)) return false;
    }
    return true;
}
}  // namespace

void validateNetwork(const NetworkDef& def, std::string_view filename) {
    auto fail = [&](const std::string& msg) {
        throw Error(ErrorCode::XmlError, std::string(filename) + ": " + msg);
    };
    if (def.name.empty()) fail("<name>: network name must not be empty");
    if (def.name.find('/') != std::string::npos || def.name[0] == '.')
        fail("<name>: network name '" + def.name + "' must not contain '/' or start with '.'");
    if (auto why = textProblem(def.name)) fail("<name>: network name " + *why);
    if (std::string table = networkTableName(def.name); table.size() > kMaxNftTableName)
        fail("<name>: network name is " + std::to_string(def.name.size()) +
             " bytes long: its nftables table name would be " + std::to_string(table.size()) +
             " bytes (at most " + std::to_string(kMaxNftTableName) + ")");
    if (!def.bridge.empty())
        if (auto why = ifNameProblem(def.bridge))
            fail("<bridge>: bridge name '" + def.bridge + "' " + *why);
    if (!def.forwardDev.empty())
        if (auto why = ifNameProblem(def.forwardDev))
            fail("<forward>: dev '" + def.forwardDev + "' " + *why);
    std::set<std::string> macs, ips;
    for (const auto& ip : def.ips) {
        auto self = bytesOf(ip.address, ip.ipv6);
        if (!self) fail("<ip>: invalid address '" + ip.address + "'");
        if (ip.prefix > (ip.ipv6 ? 128u : 32u) || ip.prefix == 0)
            fail("<ip>: prefix " + std::to_string(ip.prefix) + " of '" + ip.address +
                 "' is out of range");
        auto inside = [&](const std::string& a, const char* what) {
            auto b = bytesOf(a, ip.ipv6);
            if (!b) fail("<" + std::string(what) + ">: invalid address '" + a + "'");
            if (!sameNet(*b, *self, ip.prefix))
                fail("<" + std::string(what) + ">: address '" + a + "' is outside " + ip.address +
                     "/" + std::to_string(ip.prefix));
            return *b;
        };
        for (const auto& [start, end] : ip.ranges) {
            auto s = inside(start, "range"), e = inside(end, "range");
            if (e < s) fail("<range>: start '" + start + "' is after end '" + end + "'");
        }
        for (const auto& h : ip.hosts) {
            if (h.ip.empty()) fail("<host>: missing attribute 'ip'");
            inside(h.ip, "host");
            if (h.mac.empty() && h.name.empty()) fail("<host>: needs 'mac' or 'name'");
            // Each host is a line "MAC,IP,NAME" of dnsmasq's hosts file: only a MAC address
            // and a host name may go there.
            if (!h.mac.empty() && !isMacAddress(h.mac))
                fail("<host>: invalid MAC address '" + h.mac + "'");
            if (!h.name.empty())
                if (auto why = hostNameProblem(h.name))
                    fail("<host>: host name '" + h.name + "' " + *why);
            if (!h.mac.empty() && !macs.insert(h.mac).second)
                fail("<host>: MAC address '" + h.mac + "' appears twice");
            if (!ips.insert(h.ip).second) fail("<host>: address '" + h.ip + "' appears twice");
        }
    }
}

}  // namespace cvirt::conf
