// SPDX-License-Identifier: GPL-3.0-or-later
// Domain snapshots (libvirt's virDomainSnapshot): a named copy of what a domain keeps on disk
// (a container's writable layers, a VM's qcow2 disks, with its memory when it runs), in
// libvirt's snapshot XML, forming a tree (each has the snapshot current when it was taken as
// its parent). Made by Domain::createSnapshot, found by Domain::snapshot and listSnapshots.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cvirt/export.h"

namespace cvirt {

// virDomainSnapshotCreateFlags (libvirt's values).
inline constexpr unsigned kSnapshotCreateRedefine = 1, kSnapshotCreateCurrent = 2,
                          kSnapshotCreateNoMetadata = 4, kSnapshotCreateHalt = 8,
                          kSnapshotCreateDiskOnly = 16, kSnapshotCreateQuiesce = 64,
                          kSnapshotCreateAtomic = 128;
// virDomainSnapshotRevertFlags.
inline constexpr unsigned kSnapshotRevertRunning = 1, kSnapshotRevertPaused = 2,
                          kSnapshotRevertForce = 4;
// virDomainSnapshotDeleteFlags.
inline constexpr unsigned kSnapshotDeleteChildren = 1, kSnapshotDeleteMetadataOnly = 2,
                          kSnapshotDeleteChildrenOnly = 4;

// What snapshot-list and snapshot-info show of one snapshot.
struct SnapshotSummary {
    std::string name;
    std::string domain;
    std::string description;
    std::string state;     // "running", "paused", "shutoff", "disk-snapshot"
    std::string location;  // "internal", "external"
    int64_t creationTime = 0;
    std::optional<std::string> parent;
    bool current = false;
    unsigned children = 0, descendants = 0;
};

class CVIRT_API DomainSnapshot {
public:
    const std::string& name() const { return name_; }
    const std::string& domainName() const { return domain_; }
    // The snapshot XML (with the domain as it was inside).
    std::string xml() const;
    SnapshotSummary summary() const;
    // snapshot-parent: nullopt for a root.
    std::optional<std::string> parent() const;
    // snapshot-revert: the domain's disks (and, when it was taken running, its memory for a
    // VM) back as they were, its definition as it was; running, paused or shut off as the
    // snapshot was (kSnapshotRevertRunning/Paused override). Reverting a running domain to
    // an inactive snapshot with Running/Paused needs kSnapshotRevertForce (libvirt's
    // "revert requires force"). The snapshot becomes the current one.
    void revert(unsigned flags = 0);
    // snapshot-delete: the snapshot (kSnapshotDeleteChildren: with its descendants;
    // ChildrenOnly: only them); MetadataOnly leaves what it holds on disk. Children of a
    // deleted snapshot get its parent.
    void remove(unsigned flags = 0);

private:
    friend class Domain;
    DomainSnapshot(std::shared_ptr<class ConnectionImpl> conn, std::string domain, std::string name)
        : conn_(std::move(conn)), domain_(std::move(domain)), name_(std::move(name)) {}
    std::shared_ptr<class ConnectionImpl> conn_;
    std::string domain_, name_;
};

}  // namespace cvirt
