// SPDX-License-Identifier: GPL-3.0-or-later
// domxml-from-native / domxml-to-native: libvirt's virConnectDomainXMLFromNative and
// virConnectDomainXMLToNative for the one native format cvirt knows, "lxc-tools" (an LXC
// container config, as libvirt's LXC driver has it).
#include <algorithm>
#include <filesystem>

#include "conf/domain.h"
#include "conf/lxc_native.h"
#include "cvirt/connection.h"
#include "util/file.h"

namespace cvirt {

namespace {

namespace fs = std::filesystem;

void requireLxcTools(std::string_view format) {
    if (format != "lxc-tools")
        throw Error(ErrorCode::ConfigUnsupported,
                    "unsupported config type " + std::string(format) + " (expected lxc-tools)");
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

void report(const std::vector<std::string>& found, std::vector<std::string>* warnings) {
    if (warnings) warnings->insert(warnings->end(), found.begin(), found.end());
}

}  // namespace

std::string Connection::domainXmlFromNative(std::string_view format, std::string_view config,
                                            std::string_view filename,
                                            std::vector<std::string>* warnings) const {
    requireLxcTools(format);
    conf::NativeImport imported = conf::fromLxcConfig(config, std::string(filename), readNative);
    // What comes out must define: the same checks as define (on a copy with defaults).
    conf::DomainDef check = imported.def;
    conf::applyDefaults(check);
    conf::validate(check, filename);
    report(imported.warnings, warnings);
    return conf::formatDomain(imported.def);
}

std::string Connection::domainXmlToNative(std::string_view format, std::string_view xml,
                                          std::string_view filename,
                                          std::vector<std::string>* warnings) const {
    requireLxcTools(format);
    conf::DomainDef def = conf::parseDomain(xml, {.filename = filename});
    if (!def.isContainer())
        throw Error(ErrorCode::ConfigUnsupported,
                    "domain '" + def.name + "' is not an lxc domain: lxc-tools has no VMs");
    // cgroup keys for the kind of host this runs on
    bool v2 = fs::exists("/sys/fs/cgroup/cgroup.controllers");
    std::vector<std::string> found;
    std::string config = conf::toLxcConfig(def, v2, found);
    report(found, warnings);
    return config;
}

}  // namespace cvirt
