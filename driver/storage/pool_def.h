// SPDX-License-Identifier: GPL-3.0-or-later
// Storage pool and volume XML (libvirt's <pool> and <volume>, the subsets in
// schemas/storagepool.rng and storagevol.rng): models, parse (RelaxNG first), checks and
// format. Pure: nothing here touches the file system.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/uuid.h"

namespace cvirt::storage {

// <permissions> of a pool's target or a volume; unset fields are left as made.
struct Permissions {
    std::optional<unsigned> mode;
    std::optional<uint32_t> owner, group;
    bool operator==(const Permissions&) const = default;
};

// What a pool reports beside its definition (pool-info, dumpxml): the file system holding it.
struct PoolSpace {
    uint64_t capacity = 0, allocation = 0, available = 0;
};

struct PoolDef {
    std::string name;
    std::optional<util::UuidBytes> uuid;
    std::string type = "dir";  // the one type cvirt has
    std::string target;        // absolute, normalised
    Permissions perms;
    bool operator==(const PoolDef&) const = default;
};

// Schema, then model; errors name file, line and element. `validateSchema` false for files
// cvirt wrote itself.
PoolDef parsePool(std::string_view xml, std::string_view filename = "pool XML",
                  bool validateSchema = true);
// libvirt's layout; `space` adds capacity, allocation and available (0 for an inactive pool,
// as libvirt shows them).
std::string formatPool(const PoolDef& def, const PoolSpace& space = {});

enum class VolFormat { Raw, Qcow2, Dir };
std::string_view volFormatName(VolFormat format);           // "raw", "qcow2", "dir"
std::optional<VolFormat> parseVolFormat(std::string_view);  // nullopt when unknown

struct VolDef {
    std::string name;
    VolFormat format = VolFormat::Raw;
    uint64_t capacity = 0;               // bytes; a dir volume's is what it holds
    std::optional<uint64_t> allocation;  // bytes to allocate up front (raw: preallocate)
    Permissions perms;
    std::string backingPath;  // <backingStore><path>: a clone's source
    std::optional<VolFormat> backingFormat;
    bool operator==(const VolDef&) const = default;
};

// What a volume reports (vol-info, vol-dumpxml).
struct VolInfo {
    VolDef def;
    std::string path;  // its key too, as in libvirt's dir pools
    uint64_t allocation = 0;
    bool clone = false;  // a copy-on-write child (backingPath names its source)
};

VolDef parseVol(std::string_view xml, std::string_view filename = "volume XML",
                bool validateSchema = true);
std::string formatVol(const VolInfo& info);

// "N" or "N<unit>" (libvirt's units, a bare number in `defaultUnit`) in bytes. Throws
// Error(InvalidArg) naming the text.
uint64_t parseScaledBytes(std::string_view text, std::string_view defaultUnit = "B");

}  // namespace cvirt::storage
