// SPDX-License-Identifier: GPL-3.0-or-later
// snapshot-create --redefine (VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE): a snapshot's metadata put
// back, or replaced, from the XML snapshot-dumpxml printed; nothing is taken. What it names
// must make sense where it lands: the domain's uuid, a parent that exists and no cycle, a
// container's data kept under the snapshot's name (as --no-metadata or snapshot-delete
// --metadata leave it).
#include "api/snapshot_redefine.h"

#include <algorithm>
#include <filesystem>

#include "api/domain_op.h"
#include "conf/domain.h"
#include "snapshot/snapshot_store.h"
#include "util/uuid.h"

namespace cvirt {

using snapshot::Location;
using snapshot::SnapshotDef;
using snapshot::SnapshotStore;
namespace fs = std::filesystem;

void redefineSnapshot(ConnectionImpl& conn, const std::string& domain, SnapshotDef def,
                      bool makeCurrent) {
    if (def.name.empty()) throw Error(ErrorCode::XmlError, "a redefined snapshot must have a name");
    if (!def.creationTime)
        throw Error(ErrorCode::Internal, "missing creationTime from existing snapshot");
    if (!def.state) throw Error(ErrorCode::Internal, "missing state from existing snapshot");
    if (def.domainXml.empty())
        throw Error(ErrorCode::ConfigUnsupported,
                    "snapshot " + def.name +
                        " has no <domain>: a redefined snapshot needs the domain it was taken "
                        "of, as snapshot-dumpxml prints it");
    DomainOp op(conn, domain, DomainOp::Lock::Domain);
    conf::DomainDef taken = conf::parseDomain(def.domainXml, {.validateSchema = false});
    const conf::DomainDef& now = op.current();
    if (taken.uuid && now.uuid && *taken.uuid != *now.uuid)
        throw Error(ErrorCode::InvalidArg, "definition for snapshot " + def.name +
                                               " must use uuid " + util::formatUuid(*now.uuid));
    SnapshotStore store(op.driver().paths, domain);
    std::vector<SnapshotDef> all = store.list();
    if (!def.parent.empty()) {
        // up the parent chain: it must exist and not come back to this snapshot
        for (std::string p = def.parent; !p.empty();) {
            if (p == def.name)
                throw Error(ErrorCode::InvalidArg, "parent " + def.parent + " of snapshot " +
                                                       def.name + " would make a cycle");
            auto it = std::find_if(all.begin(), all.end(),
                                   [&](const SnapshotDef& s) { return s.name == p; });
            if (it == all.end())
                throw Error(ErrorCode::InvalidArg,
                            "parent " + p + " for snapshot " + def.name + " not found");
            p = it->parent;
        }
    }
    auto old = std::find_if(all.begin(), all.end(),
                            [&](const SnapshotDef& s) { return s.name == def.name; });
    bool diskOnly = def.state == snapshot::SnapState::DiskSnapshot;
    if (old != all.end() && (old->state == snapshot::SnapState::DiskSnapshot) != diskOnly)
        throw Error(ErrorCode::InvalidArg,
                    "cannot change between disk only and full system in snapshot " + def.name);
    if (op.backend().kind() != state::DriverKind::Qemu) {
        // A container's snapshot is its copy of the layers: it has to be there.
        bool holdsData = false;
        for (const snapshot::DiskSnap& d : def.disks)
            holdsData |= d.snapshot != Location::No;
        if (holdsData && !fs::is_directory(store.dataDir(def.name)))
            throw Error(ErrorCode::OperationInvalid,
                        "snapshot " + def.name + " has no data at '" +
                            store.dataDir(def.name).string() +
                            "': a container snapshot is redefined where its data was kept");
    }
    store.save(def);
    if (makeCurrent) store.setCurrent(def.name);
}

}  // namespace cvirt
