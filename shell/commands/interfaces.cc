// SPDX-License-Identifier: GPL-3.0-or-later
// A domain's network interfaces (not virtual networks: network.cc): domiflist, domifaddr,
// domif-setlink, domif-getlink, attach-interface, detach-interface (attach-device of an
// <interface>: devices.cc).
#include "commands/common.h"
#include "engine/table.h"

namespace cvirt::shell {

namespace {

std::string orDash(const std::string& s) {
    return s.empty() ? "-" : s;
}

void declareDomiflist(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("inactive", "get inactive rather than running configuration");
}
int cmdDomiflist(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Table t({"Interface", "Type", "Source", "Model", "MAC"});
    for (const auto& i : d.interfaces(flag(args, "inactive")))
        t.add({orDash(i.hostDev), i.type, orDash(i.source), orDash(i.model), i.mac});
    t.print(s.out(), !s.quiet);
    return 0;
}

void declareDomifaddr(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("interface", po::value<std::string>(), "network interface name")(
        "full", "always display names and MACs of interfaces")(
        "source", po::value<std::string>(), "address source: 'agent' (read inside the container)");
    pos.add("interface", 1);
}
int cmdDomifaddr(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    if (args.count("source") && args["source"].as<std::string>() != "agent")
        throw Error(ErrorCode::ConfigUnsupported,
                    "address source '" + args["source"].as<std::string>() +
                        "' is not supported for containers (use 'agent')");
    std::string only = args.count("interface") ? args["interface"].as<std::string>() : "";
    Table t({"Name", "MAC address", "Protocol", "Address"});
    std::string last;
    for (const auto& a : d.interfaceAddresses()) {
        if (!only.empty() && a.name != only) continue;
        bool repeat = a.name == last && !flag(args, "full");
        t.add({repeat ? "-" : a.name, repeat ? "-" : orDash(a.mac), a.family,
               a.address + "/" + std::to_string(a.prefix)});
        last = a.name;
    }
    t.print(s.out(), !s.quiet);
    return 0;
}

void declareSetlink(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("interface", po::value<std::string>()->required(),
                       "interface device (MAC Address)")(
        "state", po::value<std::string>()->required(), "new state of the device")(
        "config", "affect next boot");
    pos.add("interface", 1).add("state", 1);
}
int cmdSetlink(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string state = args["state"].as<std::string>();
    if (state != "up" && state != "down")
        throw Error(ErrorCode::InvalidArg, "invalid link state '" + state + "'");
    Impact impact;
    impact.config = flag(args, "config");
    d.setInterfaceLink(args["interface"].as<std::string>(), state == "up", impact);
    s.info() << "Device updated successfully\n";
    return 0;
}

void declareGetlink(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("interface", po::value<std::string>()->required(),
                       "interface device (MAC Address)")("config",
                                                         "Get persistent interface state");
    pos.add("interface", 1);
}
int cmdGetlink(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string key = args["interface"].as<std::string>();
    for (const auto& i : d.interfaces(flag(args, "config"))) {
        if (i.hostDev != key && i.mac != key && i.guestDev != key) continue;
        s.out() << key << " " << i.linkState << "\n";
        return 0;
    }
    throw Error(ErrorCode::InvalidArg,
                "interface '" + key + "' not found in domain '" + d.name() + "'");
}

void declareAttachInterface(po::options_description& opts,
                            po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("type", po::value<std::string>()->required(),
                       "network interface type (bridge, network, ethernet, direct)")(
        "source", po::value<std::string>(), "source of network interface")(
        "target", po::value<std::string>(), "target network name")(
        "mac", po::value<std::string>(), "MAC address")("model", po::value<std::string>(),
                                                        "model type");
    pos.add("type", 1).add("source", 1);
    declareImpact(opts, true);
}
int cmdAttachInterface(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string type = args["type"].as<std::string>();
    auto opt = [&](const char* k) {
        return args.count(k) ? escapeAttr(args[k].as<std::string>()) : "";
    };
    std::string xml = "<interface type='" + escapeAttr(type) + "'>";
    if (!opt("mac").empty()) xml += "<mac address='" + opt("mac") + "'/>";
    if (!opt("source").empty()) {
        const char* attr = type == "bridge" ? "bridge" : type == "network" ? "network" : "dev";
        xml += std::string("<source ") + attr + "='" + opt("source") + "'" +
               (type == "direct" ? " mode='bridge'" : "") + "/>";
    }
    if (!opt("target").empty()) xml += "<target dev='" + opt("target") + "'/>";
    if (!opt("model").empty()) xml += "<model type='" + opt("model") + "'/>";
    xml += "</interface>";
    d.attachInterface(xml, impactOf(args), "attach-interface");
    s.info() << "Interface attached successfully\n";
    return 0;
}

void declareDetachInterface(po::options_description& opts,
                            po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("type", po::value<std::string>()->required(), "network interface type")(
        "mac", po::value<std::string>(), "MAC address");
    pos.add("type", 1);
    declareImpact(opts, true);
}
int cmdDetachInterface(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    Impact impact = impactOf(args);
    std::string type = args["type"].as<std::string>();
    std::string mac = args.count("mac") ? args["mac"].as<std::string>() : "";
    if (mac.empty()) {
        std::vector<InterfaceSummary> of;
        for (const auto& i : d.interfaces(impact.config && !impact.live))
            if (i.type == type) of.push_back(i);
        if (of.size() != 1)
            throw Error(ErrorCode::InvalidArg,
                        "Domain has " + std::to_string(of.size()) + " interfaces of type " + type +
                            ". Please specify which one to detach using --mac");
        mac = of[0].mac;
    }
    d.detachInterface(mac, impact);
    s.info() << "Interface detached successfully\n";
    return 0;
}

}  // namespace

std::vector<Command> interfaceCommands() {
    return {
        {"domiflist", "monitor", "list all domain virtual interfaces",
         "Get the summary of virtual interfaces for a domain.", declareDomiflist, cmdDomiflist,
         Complete::Domain},
        {"domifaddr", "monitor", "Get network interfaces' addresses for a running domain",
         "Get the addresses configured inside a running container (its network namespace).",
         declareDomifaddr, cmdDomifaddr, Complete::Domain},
        {"domif-setlink", "monitor", "set link state of a virtual interface",
         "Set the link state of a domain's virtual interface (the host end of its veth).",
         declareSetlink, cmdSetlink, Complete::Domain},
        {"attach-interface", "domain", "attach network interface",
         "Attach a new network interface to the domain (a running container gets it at once).",
         declareAttachInterface, cmdAttachInterface, Complete::Domain},
        {"detach-interface", "domain", "detach network interface",
         "Detach a network interface from a domain, by --mac when it has several.",
         declareDetachInterface, cmdDetachInterface, Complete::Domain},
        {"domif-getlink", "monitor", "get link state of a virtual interface",
         "Get the link state of a domain's virtual interface.", declareGetlink, cmdGetlink,
         Complete::Domain},
    };
}

}  // namespace cvirt::shell
