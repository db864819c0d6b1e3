// SPDX-License-Identifier: GPL-3.0-or-later
// domxml-from-native lxc-tools: an LXC config to a domain, as `cvirsh domxml-from-native`
// does it, then domxml-to-native of the result. lxc.include and lxc.mount.fstab never reach
// the host's files: they read from files carried in the input itself.
//
// Input: the main config, then any number of in-memory files, each introduced by a line
// "--- PATH". A path that prefixes others ("PATH/NAME") reads as a directory listing.
#include <map>

#include "conf/domain.h"
#include "conf/lxc_native.h"
#include "cvirt/error.h"
#include "fuzz_target.h"

using namespace cvirt;

namespace {

struct Files {
    std::string main;
    std::map<std::string, std::string> byPath;
};

Files split(std::string_view text) {
    Files out;
    std::string* current = &out.main;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find('\n', pos);
        size_t next = end == std::string_view::npos ? text.size() : end + 1;
        std::string_view line = text.substr(pos, next - pos);
        if (line.starts_with("--- ")) {
            std::string path(line.substr(4));
            if (!path.empty() && path.back() == '\n') path.pop_back();
            current = &out.byPath[path];
        } else {
            current->append(line);
        }
        pos = next;
    }
    return out;
}

// The NativeReader contract: a file's text, nullopt when missing, "dir:NAME\n…" (the *.conf
// files, sorted) for a directory.
conf::NativeReader readerOf(const Files& files) {
    return [&files](const std::string& path) -> std::optional<std::string> {
        if (auto it = files.byPath.find(path); it != files.byPath.end()) return it->second;
        std::string prefix = path + "/", listing;
        for (auto it = files.byPath.lower_bound(prefix);
             it != files.byPath.end() && it->first.starts_with(prefix); ++it) {
            std::string name = it->first.substr(prefix.size());
            if (name.find('/') == std::string::npos && name.ends_with(".conf"))
                listing += "dir:" + name + "\n";
        }
        if (listing.empty()) return std::nullopt;
        return listing;
    };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    Files files = split(fuzz::asText(data, size));
    conf::NativeImport imported;
    try {
        imported = conf::fromLxcConfig(files.main, "fuzz.conf", readerOf(files));
    } catch (const Error&) {
        return 0;
    }
    std::string xml = conf::formatDomain(imported.def);
    std::vector<std::string> warnings;
    conf::toLxcConfig(imported.def, true, warnings);
    conf::toLxcConfig(imported.def, false, warnings);
    // The command checks the result as define would (on a copy with defaults); what passes
    // is printed for the user to define.
    conf::DomainDef check = imported.def;
    try {
        conf::applyDefaults(check);
        conf::validate(check, "fuzz.conf");
    } catch (const Error&) {
        return 0;
    }
    try {
        conf::loadDomain(xml, {.filename = "imported.xml"});
    } catch (const Error& e) {
        fuzz::invariantBroken("domxml-from-native output does not define",
                              std::string(e.what()) + "\n" + xml);
    }
    return 0;
}
