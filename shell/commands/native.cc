// Other configuration formats: domxml-from-native and domxml-to-native for "lxc-tools" (an
// LXC container config), as virsh has them for libvirt's LXC driver.
#include <filesystem>
#include <iostream>

#include "commands/common.h"
#include "conf/domain.h"
#include "conf/lxc_native.h"
#include "cvirt/error.h"
#include "util/file.h"

namespace cvirt::shell {

namespace {

namespace fs = std::filesystem;

void requireLxcTools(const po::variables_map& args) {
    std::string format = args["format"].as<std::string>();
    if (format != "lxc-tools")
        throw Error(ErrorCode::ConfigUnsupported,
                    "unsupported config type " + format + " (expected lxc-tools)");
}

// lxc.include and lxc.mount.fstab: a file's text, or a directory's *.conf names.
std::optional<std::string> readNative(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(path, ec))
            if (e.path().extension() == ".conf") names.push_back(e.path().filename().string());
        std::sort(names.begin(), names.end());
        std::string out;
        for (const auto& n : names)
            out += "dir:" + n + "\n";
        return out.empty() ? std::string("dir:") : out;
    }
    return util::readFileIfExists(path);
}

void declareFromNative(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("format", po::value<std::string>()->required(), "source config data format")(
        "config", po::value<std::string>()->required(), "config data file to import from");
    pos.add("format", 1).add("config", 1);
}
int cmdFromNative(Session& s, const po::variables_map& args) {
    requireLxcTools(args);
    std::string file = args["config"].as<std::string>();
    conf::NativeImport imported = conf::fromLxcConfig(util::readFile(file), file, readNative);
    // What comes out must define: the same checks as define (on a copy with defaults).
    conf::DomainDef check = imported.def;
    conf::applyDefaults(check);
    conf::validate(check, file);
    for (const auto& w : imported.warnings)
        std::cerr << "warning: " << w << "\n";
    s.out() << conf::formatDomain(imported.def);
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
    requireLxcTools(args);
    std::string xml, name;
    if (args.count("xml")) {
        name = args["xml"].as<std::string>();
        xml = util::readFile(name);
    } else if (args.count("domain")) {
        Domain d = lookupDomain(s, args);
        name = d.name();
        xml = d.xml(true);
    } else {
        throw Error(ErrorCode::InvalidArg, "one of --xml FILE or --domain NAME is required");
    }
    conf::DomainDef def = conf::parseDomain(xml, {.filename = name});
    if (!def.isContainer())
        throw Error(ErrorCode::ConfigUnsupported,
                    "domain '" + def.name + "' is not an lxc domain: lxc-tools has no VMs");
    // cgroup keys for the kind of host this runs on
    bool v2 = fs::exists("/sys/fs/cgroup/cgroup.controllers");
    std::vector<std::string> warnings;
    std::string config = conf::toLxcConfig(def, v2, warnings);
    for (const auto& w : warnings)
        std::cerr << "warning: " << w << "\n";
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
