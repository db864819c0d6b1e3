// SPDX-License-Identifier: GPL-3.0-or-later
// Connection URIs: lxc:///system, qemu:///system, cvirt:///system, and each with
// ///embed?root=DIR (the same layout below DIR). Pure: no file system access.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cvirt::state {

namespace fs = std::filesystem;

// Network and Storage are not domain drivers: the same layout holds virtual networks
// (net-define) and storage pools (pool-define).
enum class DriverKind { Lxc, Qemu, Network, Storage };
std::string_view driverName(DriverKind kind);  // "lxc", "qemu", "network", "storage"

// Where one driver keeps its files.
struct DriverPaths {
    DriverKind kind = DriverKind::Lxc;
    fs::path configDir;     // <name>.xml persistent configs
    fs::path autostartDir;  // <name>.xml -> ../<name>.xml
    fs::path uuidDir;       // <uuid> -> <name>: uuid index, O(1) duplicate checks
    fs::path runDir;        // live state: <name>.xml, .pid, .sock
    fs::path lockDir;       // <name>.lock, per-domain flock
    fs::path logDir;        // <name>.log
    fs::path libDir;        // images, per-domain data
};

struct ConnectionUri {
    std::string text;                  // as given (normalised)
    std::string scheme;                // lxc, qemu, cvirt
    fs::path root;                     // "" for system, DIR for embed
    std::vector<DriverPaths> drivers;  // one (lxc, qemu) or both (cvirt)
};

// Throws Error(InvalidArg) naming the URI and what is wrong with it.
ConnectionUri parseUri(std::string_view uri);

DriverPaths driverPaths(DriverKind kind, const fs::path& root);

// `dir`/`name``suffix`, the one way a domain's or network's name becomes a file name: a name
// that could leave `dir` (empty, ".", "..", a leading '.', a '/', a NUL) or holds a C0
// control character or DEL throws Error(InvalidArg) before anything is opened or made.
fs::path entryPath(const fs::path& dir, std::string_view name, std::string_view suffix);

}  // namespace cvirt::state
