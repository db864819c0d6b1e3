// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/driver_config.h"

#include <charconv>

#include "cvirt/error.h"
#include "util/file.h"

namespace cvirt::state {

namespace {

struct Key {
    std::string_view name;
    unsigned DriverConfig::*field;
    unsigned max;
    std::string_view unit;  // what the number counts, for the error
};
constexpr Key kKeys[] = {
    {"hook_timeout", &DriverConfig::hookTimeoutSec, kMaxConfigSeconds, "seconds"},
    {"shutdown_timeout", &DriverConfig::shutdownTimeoutSec, kMaxConfigSeconds, "seconds"},
    {"log_max_size", &DriverConfig::logMaxSize, kMaxLogSize, "bytes"},
    {"log_max_backups", &DriverConfig::logMaxBackups, kMaxLogBackups, "backups"},
};

std::string_view trim(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

}  // namespace

DriverConfig parseDriverConfig(std::string_view text, const std::string& filename) {
    DriverConfig cfg;
    size_t seenAt[std::size(kKeys)] = {};
    size_t lineNo = 0;
    while (!text.empty()) {
        size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        ++lineNo;
        if (size_t hash = line.find('#'); hash != std::string_view::npos)
            line = line.substr(0, hash);
        line = trim(line);
        if (line.empty()) continue;
        std::string where = filename + ":" + std::to_string(lineNo) + ": ";
        size_t eq = line.find('=');
        if (eq == std::string_view::npos)
            throw Error(ErrorCode::InvalidArg,
                        where + "expected 'key = value', got '" + std::string(line) + "'");
        std::string_view key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        size_t k = 0;
        while (k < std::size(kKeys) && kKeys[k].name != key)
            ++k;
        if (k == std::size(kKeys))
            throw Error(ErrorCode::ConfigUnsupported,
                        where + "unknown key '" + std::string(key) +
                            "' (known: hook_timeout, shutdown_timeout, log_max_size, "
                            "log_max_backups)");
        if (seenAt[k])
            throw Error(ErrorCode::InvalidArg, where + "key '" + std::string(key) +
                                                   "' is already set at line " +
                                                   std::to_string(seenAt[k]));
        seenAt[k] = lineNo;
        unsigned number = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
            number > kKeys[k].max)
            throw Error(ErrorCode::InvalidArg,
                        where + "key '" + std::string(key) + "' needs a number of " +
                            std::string(kKeys[k].unit) + " from 0 to " +
                            std::to_string(kKeys[k].max) + ", got '" + std::string(value) + "'");
        cfg.*kKeys[k].field = number;
    }
    return cfg;
}

fs::path driverConfigPath(const fs::path& root) {
    return (root.empty() ? fs::path("/") : root) / "etc/cvirt/cvirt.conf";
}

DriverConfig loadDriverConfig(const fs::path& root) {
    fs::path path = driverConfigPath(root);
    auto text = util::readFileIfExists(path);
    return text ? parseDriverConfig(*text, path.string()) : DriverConfig{};
}

}  // namespace cvirt::state
