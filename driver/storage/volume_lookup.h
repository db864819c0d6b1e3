// SPDX-License-Identifier: GPL-3.0-or-later
// A volume named by pool and volume (<disk type='volume'><source pool volume/>), found in the
// storage driver's files below a connection's root: the live copy of the active pool, then
// the volume in its directory. For what resolves such a name outside a Connection (the VM's
// controller at start) and for the checks that a volume is in use.
#pragma once

#include <filesystem>
#include <string>

#include "storage/pool_def.h"

namespace cvirt::storage {

// Throws, as libvirt words it at start: "storage pool 'P' containing volume 'V' is not
// active", "Storage pool not found: no storage pool with matching name 'P'", "Storage volume
// not found: no storage vol with matching name 'V'".
VolInfo lookupVolume(const std::filesystem::path& root, const std::string& pool,
                     const std::string& volume);

}  // namespace cvirt::storage
