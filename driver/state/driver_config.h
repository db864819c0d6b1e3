// SPDX-License-Identifier: GPL-3.0-or-later
// The connection's settings: <root>/etc/cvirt/cvirt.conf (/etc/cvirt/cvirt.conf for a system
// connection), shared by every driver of the root. `key = value` lines, `#` comments, blank
// lines; a missing file means every default.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cvirt::state {

namespace fs = std::filesystem;

struct DriverConfig {
    // How long one hook script may run before its process group is killed and the operation
    // it guards fails; 0 = no limit.
    unsigned hookTimeoutSec = 30;
    // How long a graceful shutdown may take before the controller kills the domain; 0 = it
    // waits for the guest however long it takes.
    unsigned shutdownTimeoutSec = 30;
    // The domain log (var/log/cvirt/DRIVER/NAME.log) of a controller: once it would pass
    // log_max_size bytes it is renamed NAME.log.1 (older backups shift up to
    // log_max_backups, the oldest dropped) and a new one started; 0 = never rotated.
    unsigned logMaxSize = 1024 * 1024;
    unsigned logMaxBackups = 3;

    bool operator==(const DriverConfig&) const = default;
};

inline constexpr unsigned kMaxConfigSeconds = 86400;
inline constexpr unsigned kMaxLogSize = 1u << 30;  // 1 GiB
inline constexpr unsigned kMaxLogBackups = 100;

// `filename` is named in errors: "FILE:LINE: …". An unknown key throws ConfigUnsupported; a
// malformed line, a key set twice or a value out of its key's range (0..kMaxConfigSeconds
// seconds, 0..kMaxLogSize bytes, 0..kMaxLogBackups backups) InvalidArg.
DriverConfig parseDriverConfig(std::string_view text, const std::string& filename);

fs::path driverConfigPath(const fs::path& root);  // root "" = the system's /etc/cvirt
// Reads and parses the file of `root`; defaults when it does not exist.
DriverConfig loadDriverConfig(const fs::path& root);

}  // namespace cvirt::state
