// SPDX-License-Identifier: GPL-3.0-or-later
// The effects of a `dir` pool on its target directory: build (make it), the check that
// start makes, the space pool-info reports. Volumes: volumes.h.
#pragma once

#include "storage/pool_def.h"

namespace cvirt::storage {

// pool-build: makes the target directory (and its parents) with the definition's
// permissions (0755 by default). A target that exists is given them. Throws naming it.
void buildPool(const PoolDef& pool);
// pool-start: the target must be a directory; throws OperationInvalid naming it otherwise.
void checkPoolTarget(const PoolDef& pool);
// statvfs of the target: its file system's size, used and free bytes.
PoolSpace poolSpace(const PoolDef& pool);
// pool-delete: removes the (empty but for cvirt's own layer directory) target.
void deletePoolTarget(const PoolDef& pool);

}  // namespace cvirt::storage
