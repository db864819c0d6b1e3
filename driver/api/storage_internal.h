// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: what api/storage.cc and the volume import (api/storage_import.cc) share.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "cvirt/error.h"
#include "storage/pool_def.h"

namespace cvirt {

class ConnectionImpl;

namespace storage_api {

Error noPool(std::string_view name);
Error noVolume(std::string_view name);
std::filesystem::path liveFile(const ConnectionImpl& c, std::string_view name);
std::optional<storage::PoolDef> storedPool(const ConnectionImpl& c, std::string_view name);
std::optional<storage::PoolDef> livePool(const ConnectionImpl& c, std::string_view name);
// The definition of active pool `name`; throws "not active" or "failed to get pool".
storage::PoolDef activePool(const ConnectionImpl& c, const std::string& name);
// A running domain of this connection with a <filesystem> or <disk> source at `path` (or, with
// `below`, anywhere under it).
std::optional<std::string> domainUsing(const ConnectionImpl& c, const std::filesystem::path& path,
                                       bool below);

}  // namespace storage_api
}  // namespace cvirt
