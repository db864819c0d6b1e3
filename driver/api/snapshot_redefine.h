// SPDX-License-Identifier: GPL-3.0-or-later
// Internal: snapshot-create --redefine (api/snapshot_redefine.cc).
#pragma once

#include <string>

#include "api/connection_impl.h"
#include "snapshot/snapshot_def.h"

namespace cvirt {

// Puts back (or replaces) the metadata of snapshot `def` of `domain`, checked against the
// domain and its other snapshots; `makeCurrent`: it becomes the current one. Takes the
// domain lock. Throws Error naming what does not fit.
void redefineSnapshot(ConnectionImpl& conn, const std::string& domain, snapshot::SnapshotDef def,
                      bool makeCurrent);

}  // namespace cvirt
