// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual networks (a domain's own interfaces are in interfaces.cc): net-define, net-create,
// net-undefine, net-start, net-destroy, net-list, net-info, net-dumpxml, net-autostart,
// net-uuid, net-name, net-dhcp-leases.
#include <ctime>

#include "commands/common.h"
#include "engine/file.h"
#include "engine/table.h"

namespace cvirt::shell {

namespace {

void declareNetwork(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("network", po::value<std::string>()->required(), "network name or uuid");
    pos.add("network", 1);
}
Network lookupNetwork(Session& s, const po::variables_map& args) {
    return s.connection().lookupNetwork(args["network"].as<std::string>());
}

void declareNetFile(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("file", po::value<std::string>()->required(),
                       "file containing an XML network description");
    pos.add("file", 1);
}
int cmdNetDefine(Session& s, const po::variables_map& args) {
    std::string file = args["file"].as<std::string>();
    Network n = s.connection().defineNetwork(readFile(file), file);
    s.info() << "Network " << n.name() << " defined from " << file << "\n";
    return 0;
}
int cmdNetCreate(Session& s, const po::variables_map& args) {
    std::string file = args["file"].as<std::string>();
    Network n = s.connection().createNetwork(readFile(file), file);
    s.info() << "Network " << n.name() << " created from " << file << "\n";
    return 0;
}
int cmdNetUndefine(Session& s, const po::variables_map& args) {
    Network n = lookupNetwork(s, args);
    n.undefine();
    s.info() << "Network " << n.name() << " has been undefined\n";
    return 0;
}
int cmdNetStart(Session& s, const po::variables_map& args) {
    Network n = lookupNetwork(s, args);
    n.start();
    s.info() << "Network " << n.name() << " started\n";
    return 0;
}
int cmdNetDestroy(Session& s, const po::variables_map& args) {
    Network n = lookupNetwork(s, args);
    n.destroy();
    s.info() << "Network " << n.name() << " destroyed\n";
    return 0;
}

void declareNetList(po::options_description& opts, po::positional_options_description&) {
    opts.add_options()("all", "list inactive & active networks")(
        "inactive", "list inactive networks")("name", "list network names only")(
        "uuid", "list uuid's only");
}
int cmdNetList(Session& s, const po::variables_map& args) {
    bool inactive = flag(args, "all") || flag(args, "inactive");
    bool active = !flag(args, "inactive");
    auto nets = s.connection().listNetworks(active, inactive);
    if (flag(args, "name") || flag(args, "uuid")) {
        for (const auto& n : nets)
            s.out() << (flag(args, "uuid") ? n.uuid : n.name) << "\n";
        return 0;
    }
    Table t({"Name", "State", "Autostart", "Persistent"});
    for (const auto& n : nets)
        t.add({n.name, n.active ? "active" : "inactive", n.autostart ? "yes" : "no",
               n.persistent ? "yes" : "no"});
    t.print(s.out(), !s.quiet);
    return 0;
}

int cmdNetInfo(Session& s, const po::variables_map& args) {
    NetworkSummary n = lookupNetwork(s, args).summary();
    auto line = [&](const char* k, const std::string& v) {
        s.out() << k << std::string(16 - std::string_view(k).size(), ' ') << v << "\n";
    };
    line("Name:", n.name);
    line("UUID:", n.uuid);
    line("Active:", n.active ? "yes" : "no");
    line("Persistent:", n.persistent ? "yes" : "no");
    line("Autostart:", n.autostart ? "yes" : "no");
    line("Bridge:", n.bridge);
    return 0;
}

void declareNetDumpxml(po::options_description& opts, po::positional_options_description& pos) {
    declareNetwork(opts, pos);
    opts.add_options()("inactive", "show inactive defined XML");
}
int cmdNetDumpxml(Session& s, const po::variables_map& args) {
    std::string xml = lookupNetwork(s, args).xml(flag(args, "inactive"));
    s.out() << xml << (xml.ends_with("\n") ? "" : "\n");
    return 0;
}

void declareNetAutostart(po::options_description& opts, po::positional_options_description& pos) {
    declareNetwork(opts, pos);
    opts.add_options()("disable", "disable autostarting");
}
int cmdNetAutostart(Session& s, const po::variables_map& args) {
    Network n = lookupNetwork(s, args);
    bool enable = !flag(args, "disable");
    n.setAutostart(enable);
    s.info() << "Network " << n.name() << (enable ? " marked" : " unmarked") << " as autostarted\n";
    return 0;
}

int cmdNetUuid(Session& s, const po::variables_map& args) {
    s.out() << lookupNetwork(s, args).summary().uuid << "\n";
    return 0;
}
int cmdNetName(Session& s, const po::variables_map& args) {
    s.out() << lookupNetwork(s, args).name() << "\n";
    return 0;
}

void declareLeases(po::options_description& opts, po::positional_options_description& pos) {
    declareNetwork(opts, pos);
    opts.add_options()("mac", po::value<std::string>(), "MAC address");
}
int cmdLeases(Session& s, const po::variables_map& args) {
    std::string mac = args.count("mac") ? args["mac"].as<std::string>() : "";
    Table t(
        {"Expiry Time", "MAC address", "Protocol", "IP address", "Hostname", "Client ID or DUID"});
    for (const auto& l : lookupNetwork(s, args).leases(mac)) {
        std::time_t when = static_cast<std::time_t>(l.expiry);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&when));
        bool v6 = l.ip.find(':') != std::string::npos;
        t.add({buf, l.mac, v6 ? "ipv6" : "ipv4", l.ip + "/" + std::to_string(l.prefix),
               l.hostname == "*" ? "-" : l.hostname, l.clientId == "*" ? "-" : l.clientId});
    }
    t.print(s.out(), !s.quiet);
    return 0;
}

}  // namespace

std::vector<Command> networkCommands() {
    return {
        {"net-define", "network", "define an inactive persistent virtual network",
         "Define (but don't start) a persistent virtual network from an XML file.", declareNetFile,
         cmdNetDefine, Complete::File},
        {"net-create", "network", "create a network from an XML file",
         "Create and start a transient network from an XML file: it is gone once destroyed.",
         declareNetFile, cmdNetCreate, Complete::File},
        {"net-undefine", "network", "undefine a persistent network",
         "Undefine the configuration for a persistent network.", declareNetwork, cmdNetUndefine,
         Complete::Network},
        {"net-start", "network", "start a (previously defined) inactive network",
         "Start a network: its bridge, forwarding rules and DHCP server.", declareNetwork,
         cmdNetStart, Complete::Network},
        {"net-destroy", "network", "destroy (stop) a network",
         "Stop a network and remove its bridge, rules and DHCP server.", declareNetwork,
         cmdNetDestroy, Complete::Network},
        {"net-list", "network", "list networks", "Returns list of networks.", declareNetList,
         cmdNetList},
        {"net-info", "network", "network information",
         "Returns basic information about the network", declareNetwork, cmdNetInfo,
         Complete::Network},
        {"net-dumpxml", "network", "network information in XML",
         "Output the network information as an XML dump to stdout.", declareNetDumpxml,
         cmdNetDumpxml, Complete::Network},
        {"net-autostart", "network", "autostart a network",
         "Configure a network to be automatically started at boot.", declareNetAutostart,
         cmdNetAutostart, Complete::Network},
        {"net-uuid", "network", "convert a network name to network UUID",
         "Convert a network name to network UUID.", declareNetwork, cmdNetUuid, Complete::Network},
        {"net-name", "network", "convert a network UUID to network name",
         "Convert a network UUID to network name.", declareNetwork, cmdNetName, Complete::Network},
        {"net-dhcp-leases", "network", "print lease info for a given network",
         "Print lease info for a given network (from its dnsmasq).", declareLeases, cmdLeases,
         Complete::Network},
    };
}

}  // namespace cvirt::shell
