// SPDX-License-Identifier: GPL-3.0-or-later
// A `dir` volume's layers on disk, as a container's root (or any <filesystem> source) sees
// them. A plain dir volume is its directory POOL/NAME. A copy-on-write clone NAME of a dir
// volume SRC is
//   POOL/NAME                        an empty directory: what the container's mount covers
//   POOL/.cvirt-layers/NAME/upper    what the clone wrote (overlayfs upper layer)
//   POOL/.cvirt-layers/NAME/work     overlayfs's work directory
//   POOL/.cvirt-layers/NAME/source   the name of SRC in the same pool (one line)
// and its read-only lower layers are SRC's layers: SRC itself, or, SRC being a clone too,
// SRC's upper layer and then SRC's lowers. The container's start mounts the overlay in the
// container's own mount namespace (lxc/container/rootfs.cc), so it goes with the container.
// Reads only; nothing here creates or removes anything.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cvirt::storage {

namespace fs = std::filesystem;

inline constexpr const char* kLayersDir = ".cvirt-layers";

struct Overlay {
    std::vector<fs::path> lowers;  // top first, as overlayfs's lowerdir= lists them
    fs::path upper, work;
};

// The layer directory of clone volume `name` in the pool whose target is `pool`.
fs::path cloneLayerDir(const fs::path& pool, const std::string& name);

// The overlay of `dir` (a <filesystem> source: POOL/NAME) when it is a clone volume;
// nullopt when it is anything else (a plain directory, a plain dir volume). Throws
// Error(OperationFailed) naming the volume when its layers are incomplete or its source
// chain is missing or loops.
std::optional<Overlay> cloneOverlay(const fs::path& dir);

// What a container writes when `dir` is its root or another filesystem's source: the clone's
// upper layer when `dir` is a clone volume, else `dir` itself. For snapshots of a
// container's writable layer.
fs::path writableLayer(const fs::path& dir);

// Names of the clones whose source is the volume at `dir` (POOL/NAME), sorted: while there
// are any, `dir` is their read-only lower layer.
std::vector<std::string> cloneDependants(const fs::path& dir);

// overlayfs's mount options for `o` ("lowerdir=…,upperdir=…,workdir=…"). Throws
// Error(ConfigUnsupported) for a path overlayfs cannot take (',' ':' or '\\' in it).
std::string overlayOptions(const Overlay& o);

}  // namespace cvirt::storage
