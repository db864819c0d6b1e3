// SPDX-License-Identifier: GPL-3.0-or-later
// Other configuration formats: domxml-from-native and domxml-to-native for "lxc-tools" (an
// LXC container config), as virsh has them for libvirt's LXC driver.
#include <iostream>

#include "commands/common.h"
#include "cvirt/error.h"
#include "engine/file.h"

namespace cvirt::shell {

namespace {

void printWarnings(const std::vector<std::string>& warnings) {
    for (const auto& w : warnings)
        std::cerr << "warning: " << w << "\n";
}

void declareFromNative(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("format", po::value<std::string>()->required(), "source config data format")(
        "config", po::value<std::string>()->required(), "config data file to import from");
    pos.add("format", 1).add("config", 1);
}
int cmdFromNative(Session& s, const po::variables_map& args) {
    std::string file = args["config"].as<std::string>();
    std::vector<std::string> warnings;
    std::string xml = s.connection().domainXmlFromNative(args["format"].as<std::string>(),
                                                         readFile(file), file, &warnings);
    printWarnings(warnings);
    s.out() << xml;
    return 0;
}

void declareToNative(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("format", po::value<std::string>()->required(),
                       "target config data type format")("xml", po::value<std::string>(),
                                                         "xml data file to export from")(
        "domain", po::value<std::string>(), "domain name, id or uuid");
    pos.add("format", 1).add("xml", 1);
}
int cmdToNative(Session& s, const po::variables_map& args) {
    std::string xml, name;
    if (args.count("xml")) {
        name = args["xml"].as<std::string>();
        xml = readFile(name);
    } else if (args.count("domain")) {
        Domain d = lookupDomain(s, args);
        name = d.name();
        xml = d.xml(true);
    } else {
        throw Error(ErrorCode::InvalidArg, "one of --xml FILE or --domain NAME is required");
    }
    std::vector<std::string> warnings;
    std::string config =
        s.connection().domainXmlToNative(args["format"].as<std::string>(), xml, name, &warnings);
    printWarnings(warnings);
    s.out() << config;
    return 0;
}

}  // namespace

std::vector<Command> nativeCommands() {
    return {
        {"domxml-from-native", "domain", "Convert native config to domain XML",
         "Convert an LXC container config (format lxc-tools; LXC 1.x-2.x and 3.x+ keys, "
         "lxc.include followed) into domain XML; keys with no equivalent are listed as "
         "warnings on stderr.",
         declareFromNative, cmdFromNative, Complete::File},
        {"domxml-to-native", "domain", "Convert domain XML to native config",
         "Convert a container's domain XML (--xml FILE or --domain NAME) into an LXC 3.x+ "
         "config (format lxc-tools); cgroup keys for this host's cgroup version.",
         declareToNative, cmdToNative},
    };
}

}  // namespace cvirt::shell
