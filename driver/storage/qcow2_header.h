// SPDX-License-Identifier: GPL-3.0-or-later
// The few fields of a qcow2 image's header cvirt reads (virtual size, backing file), so that
// listing a pool does not run qemu-img once per volume. Pure over the bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cvirt::storage {

struct Qcow2Header {
    uint64_t size = 0;        // virtual size in bytes
    std::string backingFile;  // "" when none
};

// nullopt when `head` (the file's first bytes, at least the first 4 KiB when there are as
// many) does not start with qcow2's magic or is too short for its fields.
std::optional<Qcow2Header> parseQcow2Header(std::string_view head);
// The same from the file at `path` (nullopt too when it cannot be read).
std::optional<Qcow2Header> readQcow2Header(const std::string& path);

}  // namespace cvirt::storage
