// SPDX-License-Identifier: GPL-3.0-or-later
#include "cvirt/units.h"

#include <cctype>
#include <charconv>
#include <limits>
#include <string>

#include "cvirt/error.h"

namespace cvirt {

uint64_t unitScale(std::string_view unit) {
    std::string u;
    for (char c : unit)
        u += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (u == "b" || u == "bytes") return 1;
    static constexpr char kPrefixes[] = "kmgtpe";
    for (int i = 0; i < 6; ++i) {
        if (u.empty() || u[0] != kPrefixes[i]) continue;
        std::string_view rest = std::string_view(u).substr(1);
        uint64_t base = 0;
        if (rest.empty() || rest == "ib")
            base = 1024;
        else if (rest == "b")
            base = 1000;
        else
            return 0;
        uint64_t scale = 1;
        for (int j = 0; j <= i; ++j)
            scale *= base;
        return scale;
    }
    return 0;
}

uint64_t scaledToKiB(std::string_view text, std::string_view defaultUnit) {
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    auto bad = [&](const std::string& why) {
        return Error(ErrorCode::InvalidArg, "invalid size '" + std::string(text) + "': " + why);
    };
    if (ec == std::errc::result_out_of_range) throw bad("numerical overflow");
    if (ec != std::errc() || end == text.data()) throw bad("not a number");
    std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
    if (unit.empty()) unit = defaultUnit;
    uint64_t scale = unitScale(unit);
    if (scale == 0) throw bad("unknown unit '" + std::string(unit) + "'");
    if (value != 0 && scale > std::numeric_limits<uint64_t>::max() / value)
        throw bad("numerical overflow");
    uint64_t bytes = value * scale;
    return bytes / 1024 + (bytes % 1024 ? 1 : 0);
}

}  // namespace cvirt
