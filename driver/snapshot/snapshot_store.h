// SPDX-License-Identifier: GPL-3.0-or-later
// The snapshots of one domain on disk, beside libvirt's layout (/var/lib/libvirt/qemu/
// snapshot/DOMAIN/NAME.xml): under <libDir>/snapshot/<domain>/
//   NAME.xml        the metadata, written atomically (temp, fsync, rename, fsync dir)
//   NAME.data/      what a container snapshot holds (a copy of each writable layer)
//   .current        symlink to the current snapshot's name, replaced atomically
//   .NAME.pending   a snapshot or revert under way: its journal (what to undo if the shell
//                   that wrote it died); sweep() finishes or undoes it
// Callers hold the domain lock for every change.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "snapshot/snapshot_def.h"
#include "state/uri.h"

namespace cvirt::snapshot {

namespace fs = std::filesystem;

class SnapshotStore {
public:
    SnapshotStore(const state::DriverPaths& paths, std::string_view domain);

    const fs::path& dir() const { return dir_; }
    // Every snapshot's metadata, in creation order (time, then name).
    std::vector<SnapshotDef> list() const;
    std::optional<SnapshotDef> find(std::string_view name) const;
    bool exists(std::string_view name) const;
    size_t count() const;
    // Atomic write of NAME.xml.
    void save(const SnapshotDef& def);
    // NAME.xml goes (and .current if it named it); the data stays (removeData).
    void removeMetadata(std::string_view name);
    void removeData(std::string_view name) noexcept;
    // The current snapshot, if it still exists.
    std::optional<std::string> current() const;
    void setCurrent(const std::optional<std::string>& name);

    fs::path dataDir(std::string_view name) const;      // NAME.data
    fs::path stagingDir(std::string_view name) const;   // .NAME.data.tmp
    fs::path pendingFile(std::string_view name) const;  // .NAME.pending

    // Names of the snapshots whose journal is left (their shell died), with its content.
    std::vector<std::pair<std::string, std::string>> pending() const;
    // Removes every snapshot's metadata, data and the directory itself.
    void removeAll() noexcept;

private:
    fs::path dir_;
};

// The tree, from a list of snapshots (pure).
std::vector<std::string> childrenOf(const std::vector<SnapshotDef>& all, std::string_view parent);
std::vector<std::string> descendantsOf(const std::vector<SnapshotDef>& all,
                                       std::string_view parent);

}  // namespace cvirt::snapshot
