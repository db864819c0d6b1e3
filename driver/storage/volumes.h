// SPDX-License-Identifier: GPL-3.0-or-later
// The volumes of a `dir` pool: files (raw, qcow2) and directory trees (dir, and their
// copy-on-write clones, storage/layers.h) in the pool's target directory. Every call names
// the pool by its definition and the volume by name (state::entryPath's rules).
//
// Creations are all or nothing, also across a kill -9: a volume is made under a hidden name
// (".NAME.tmp-PID") and renamed into place last, so a volume is there complete or not at all;
// what a killed creation left (hidden, never listed) is removed by removeLeftovers. Errors
// throw cvirt::Error naming the volume; "no such volume" is nullopt from info().
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/pool_def.h"

namespace cvirt::storage {

namespace fs = std::filesystem;

// Names of the volumes (entries not starting with '.'), sorted.
std::vector<std::string> volumeNames(const PoolDef& pool);
// Path of volume `name` (whether or not it exists); throws InvalidArg for a bad name.
fs::path volumePath(const PoolDef& pool, std::string_view name);
// What the volume is now (format read from the file, sizes from the file system), or nullopt.
std::optional<VolInfo> volumeInfo(const PoolDef& pool, const std::string& name);

// vol-create: a raw file (sparse, or allocated up front when allocation >= capacity), a qcow2
// image (qemu-img create; a backing store makes it a child of that image), an empty
// directory. Refused when the name is taken.
void createVolume(const PoolDef& pool, const VolDef& def);
// The two halves of a creation, for a volume filled in between (vol-import): the name's
// checks and the volume made empty at `tmp` (temporaryPath: hidden, swept by
// removeLeftovers once its process is gone), then its rename into place, which refuses a
// name taken meanwhile.
fs::path temporaryPath(const PoolDef& pool, const std::string& name);
void prepareVolume(const PoolDef& pool, const VolDef& def, const fs::path& tmp);
void placeVolume(const PoolDef& pool, const std::string& name, const fs::path& tmp);
// vol-clone: `source` copied under `name`. dir → an overlay child (layers.h); qcow2 → a
// qcow2 child backed by the source; raw → a full copy (reflinked where the file system can).
void cloneVolume(const PoolDef& pool, const std::string& source, const std::string& name);
// The volumes of this pool that depend on `name` (clones, qcow2 images backed by it), sorted.
std::vector<std::string> dependants(const PoolDef& pool, const std::string& name);
// vol-delete: refused naming the dependants when there are any.
void deleteVolume(const PoolDef& pool, const std::string& name);
// vol-wipe: the content gone, the volume kept: a raw file all zeros, a qcow2 image empty again
// (same size and backing), a directory empty (a clone: back to its source's content).
void wipeVolume(const PoolDef& pool, const std::string& name);
// vol-resize of a file volume to `capacity` bytes; a smaller size needs `shrink`.
void resizeVolume(const PoolDef& pool, const std::string& name, uint64_t capacity, bool shrink);

// What killed creations and deletions left: hidden temporaries whose process is gone, and
// layer directories of clones that never got their volume. pool-refresh and pool-start.
void removeLeftovers(const PoolDef& pool);

// Bytes the file system gives the tree at `path` (st_blocks of each entry, links not followed).
uint64_t diskUsage(const fs::path& path);

}  // namespace cvirt::storage
