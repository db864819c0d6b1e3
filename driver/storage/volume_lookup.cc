// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/volume_lookup.h"

#include "cvirt/error.h"
#include "state/uri.h"
#include "storage/volumes.h"
#include "util/file.h"

namespace cvirt::storage {

VolInfo lookupVolume(const std::filesystem::path& root, const std::string& pool,
                     const std::string& volume) {
    state::DriverPaths paths = state::driverPaths(state::DriverKind::Storage, root);
    auto live = util::readFileIfExists(state::entryPath(paths.runDir, pool, ".xml"));
    if (!live) {
        if (std::filesystem::exists(state::entryPath(paths.configDir, pool, ".xml")))
            throw Error(
                ErrorCode::OperationInvalid,
                "storage pool '" + pool + "' containing volume '" + volume + "' is not active");
        throw Error(ErrorCode::NoDomain,
                    "Storage pool not found: no storage pool with matching name '" + pool + "'");
    }
    auto info = volumeInfo(parsePool(*live, pool, false), volume);
    if (!info)
        throw Error(ErrorCode::NoDomain,
                    "Storage volume not found: no storage vol with matching name '" + volume + "'");
    return *info;
}

}  // namespace cvirt::storage
