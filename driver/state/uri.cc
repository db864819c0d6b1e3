// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/uri.h"

#include "conf/text_check.h"
#include "cvirt/error.h"

namespace cvirt::state {

std::string_view driverName(DriverKind kind) {
    switch (kind) {
        case DriverKind::Lxc: return "lxc";
        case DriverKind::Qemu: return "qemu";
        case DriverKind::Network: return "network";
        case DriverKind::Storage: return "storage";
    }
    return "network";
}

DriverPaths driverPaths(DriverKind kind, const fs::path& root) {
    fs::path base = root.empty() ? fs::path("/") : root;
    std::string name(driverName(kind));
    DriverPaths p;
    p.kind = kind;
    p.configDir = base / "etc/cvirt" / name;
    p.autostartDir = p.configDir / "autostart";
    p.uuidDir = p.configDir / ".uuid";
    p.runDir = base / "run/cvirt" / name;
    p.lockDir = p.runDir / "lock";
    p.logDir = base / "var/log/cvirt" / name;
    p.libDir = base / "var/lib/cvirt" / name;
    return p;
}

ConnectionUri parseUri(std::string_view uri) {
    auto bad = [&](std::string_view why) {
        return Error(ErrorCode::InvalidArg,
                     "invalid connection URI '" + std::string(uri) + "': " + std::string(why));
    };
    size_t sep = uri.find("://");
    if (sep == std::string_view::npos)
        throw bad("expected DRIVER:///system or DRIVER:///embed?root=DIR");
    ConnectionUri out;
    out.scheme = std::string(uri.substr(0, sep));
    std::string_view rest = uri.substr(sep + 3);
    if (!rest.empty() && rest[0] != '/') throw bad("remote hosts are not supported");

    std::vector<DriverKind> kinds;
    if (out.scheme == "lxc")
        kinds = {DriverKind::Lxc};
    else if (out.scheme == "qemu")
        kinds = {DriverKind::Qemu};
    else if (out.scheme == "cvirt")
        kinds = {DriverKind::Lxc, DriverKind::Qemu};
    else
        throw bad("unknown driver '" + out.scheme + "' (expected lxc, qemu or cvirt)");

    std::string_view path = rest, query;
    if (size_t q = rest.find('?'); q != std::string_view::npos) {
        path = rest.substr(0, q);
        query = rest.substr(q + 1);
    }
    if (path == "/system" || path == "/" || path.empty()) {
        if (!query.empty()) throw bad("unexpected parameters for a system connection");
        out.text = out.scheme + ":///system";
    } else if (path == "/embed") {
        constexpr std::string_view kRoot = "root=";
        if (query.substr(0, kRoot.size()) != kRoot || query.size() == kRoot.size())
            throw bad("embed needs root=DIR");
        std::string_view dir = query.substr(kRoot.size());
        if (dir.find('&') != std::string_view::npos) throw bad("unknown parameter");
        if (dir[0] != '/') throw bad("the embed root must be an absolute path");
        out.root = fs::path(dir).lexically_normal();
        out.text = out.scheme + ":///embed?root=" + out.root.string();
    } else if (path == "/session") {
        throw bad("session connections are not supported (use embed?root=DIR)");
    } else {
        throw bad("unknown path '" + std::string(path) + "'");
    }
    for (DriverKind k : kinds)
        out.drivers.push_back(driverPaths(k, out.root));
    return out;
}

fs::path entryPath(const fs::path& dir, std::string_view name, std::string_view suffix) {
    if (name.empty() || name.front() == '.' || name.find('/') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos)
        throw Error(ErrorCode::InvalidArg,
                    "invalid name '" + std::string(name.substr(0, name.find('\0'))) +
                        "': a name must not be empty, start with '.' or contain '/'");
    // Names typed on the command line come here first. C1 and overrides are refused at
    // define only: a domain defined before that rule must stay reachable to be undefined.
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw Error(ErrorCode::InvalidArg, "invalid name '" + conf::printable(name) +
                                                   "': a name must not contain a control "
                                                   "character");
    return dir / (std::string(name) + std::string(suffix));
}

}  // namespace cvirt::state
