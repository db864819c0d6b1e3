// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cvirt::util {

using UuidBytes = std::array<uint8_t, 16>;

// Accepts libvirt's forms: 8-4-4-4-12 hex with dashes, or 32 hex digits (dashes anywhere).
std::optional<UuidBytes> parseUuid(std::string_view text);
std::string formatUuid(const UuidBytes& uuid);  // lower-case 8-4-4-4-12
UuidBytes randomUuid();                         // version 4, from getrandom(2)
void randomBytes(void* buf, size_t len);

}  // namespace cvirt::util
