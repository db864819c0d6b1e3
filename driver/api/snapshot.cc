// SPDX-License-Identifier: GPL-3.0-or-later
// Domain snapshots (libvirt's virDomainSnapshot*): the metadata in snapshot/snapshot_store.h,
// a container's layers copied with it frozen (snapshot/tree_copy.h), a VM's qcow2 disks
// (api/snapshot_vm.cc). Every change under the domain lock; a create is journaled
// (.NAME.pending) so that the next snapshot call on the domain removes what a killed shell
// left and thaws a container it had frozen.
#include <cstdio>
#include <ctime>
#include <map>

#include "api/domain_op.h"
#include "api/snapshot_redefine.h"
#include "api/snapshot_vm.h"
#include "conf/domain.h"
#include "snapshot/layers.h"
#include "snapshot/snapshot_store.h"
#include "snapshot/tree_copy.h"
#include "state/events.h"
#include "util/fault.h"
#include "util/file.h"

namespace cvirt {

using snapshot::Location;
using snapshot::SnapshotDef;
using snapshot::SnapshotStore;
using snapshot::SnapState;
namespace fs = std::filesystem;

Error noSnapshot(std::string_view name) {
    return Error(ErrorCode::NoDomainSnapshot,
                 "Domain snapshot not found: no domain snapshot with matching name '" +
                     std::string(name) + "'");
}

namespace {

bool isVm(DomainOp& op) {
    return op.backend().kind() == state::DriverKind::Qemu;
}

// What a killed shell left: a create that did not finish is undone (its data, a VM's
// internal snapshots), a container it froze is thawed. Under the domain lock.
void sweep(DomainOp& op, SnapshotStore& store) {
    for (const auto& [name, journal] : store.pending()) {
        bool done = store.exists(name);
        if (!done) {
            store.removeData(name);
            if (isVm(op)) undoVmSnapshot(op, name);
        }
        // read again: this call may have frozen it itself
        auto live = op.driver().runtime.find(op.name());
        if (journal.find("thaw") != std::string::npos && live && live->paused) {
            try {
                op.backend().resume(*live, op.liveDef());
            } catch (const Error&) {
            }
        }
        util::removeFile(store.pendingFile(name));
    }
}

std::string timeName(int64_t t) {
    return std::to_string(t);  // libvirt names an unnamed snapshot by its creation time
}

// A container: its layers copied into NAME.data/<n>, frozen while they are copied.
void createContainer(DomainOp& op, SnapshotStore& store, SnapshotDef& def, bool frozenHere) {
    const conf::DomainDef& dom = op.current();
    std::vector<snapshot::Layer> layers = snapshot::writableLayers(dom);
    if (def.memory && *def.memory != Location::No)
        throw Error(ErrorCode::ConfigUnsupported,
                    "a container snapshot holds no memory (memory snapshot='" +
                        std::string(snapshot::kLocationNames.name(*def.memory)) + "')");
    std::vector<snapshot::DiskSnap> disks;
    for (const snapshot::DiskSnap& asked : def.disks) {
        bool found = false;
        for (const auto& l : layers)
            found |= l.name == asked.name;
        if (!found)
            throw Error(ErrorCode::ConfigUnsupported,
                        "domain '" + op.name() + "' has no writable filesystem with target '" +
                            asked.name + "'");
        if (asked.snapshot && *asked.snapshot != Location::Internal &&
            *asked.snapshot != Location::No)
            throw Error(ErrorCode::ConfigUnsupported,
                        "filesystem '" + asked.name + "': snapshot='" +
                            std::string(snapshot::kLocationNames.name(*asked.snapshot)) +
                            "' is not supported for a container (internal or no)");
    }
    fs::path staging = store.stagingDir(def.name);
    util::makeDirs(staging, 0700);
    if (frozenHere) op.backend().suspend(*op.live(), op.liveDef());
    util::fault::point("snapshot:shell-frozen");
    size_t index = 0;
    for (const snapshot::Layer& layer : layers) {
        Location where = Location::Internal;
        for (const snapshot::DiskSnap& asked : def.disks)
            if (asked.name == layer.name && asked.snapshot) where = *asked.snapshot;
        disks.push_back({.name = layer.name, .snapshot = where});
        if (where == Location::No) continue;
        snapshot::copyTree(layer.path, staging / std::to_string(index++));
        util::fault::point("snapshot:shell-layer-copied");
    }
    if (frozenHere) op.backend().resume(*op.live(), op.liveDef());
    if (::rename(staging.c_str(), store.dataDir(def.name).c_str()) < 0)
        throwSystemError(errno, "cannot put snapshot data in place at '" +
                                    store.dataDir(def.name).string() + "'");
    def.memory = Location::No;
    def.disks = std::move(disks);
}

// libvirt's checks of the flags, in its order and words (virDomainSnapshotCreateXML).
void checkCreateFlags(unsigned flags) {
    constexpr unsigned kKnown = kSnapshotCreateRedefine | kSnapshotCreateCurrent |
                                kSnapshotCreateNoMetadata | kSnapshotCreateHalt |
                                kSnapshotCreateDiskOnly | kSnapshotCreateQuiesce |
                                kSnapshotCreateAtomic;
    if (flags & ~kKnown) {
        char text[96];
        std::snprintf(text, sizeof text, "unsupported flags (0x%x) in function %s", flags & ~kKnown,
                      "virDomainSnapshotCreateXML");
        throw Error(ErrorCode::InvalidArg, text);
    }
    auto name = [](unsigned bit) {
        switch (bit) {
            case kSnapshotCreateRedefine:
                return "VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE";
            case kSnapshotCreateCurrent:
                return "VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT";
            case kSnapshotCreateNoMetadata:
                return "VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA";
            case kSnapshotCreateHalt:
                return "VIR_DOMAIN_SNAPSHOT_CREATE_HALT";
            case kSnapshotCreateDiskOnly:
                return "VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY";
            default:
                return "VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE";
        }
    };
    auto needs = [&](unsigned bit, unsigned needed) {
        if ((flags & bit) && !(flags & needed))
            throw Error(ErrorCode::InvalidArg, std::string("Flag '") + name(needed) +
                                                   "' is required by flag '" + name(bit) + "'");
    };
    auto exclusive = [&](unsigned a, unsigned b) {
        if ((flags & a) && (flags & b))
            throw Error(ErrorCode::InvalidArg, std::string("Flags '") + name(a) + "' and '" +
                                                   name(b) + "' are mutually exclusive");
    };
    needs(kSnapshotCreateCurrent, kSnapshotCreateRedefine);
    exclusive(kSnapshotCreateRedefine, kSnapshotCreateNoMetadata);
    exclusive(kSnapshotCreateRedefine, kSnapshotCreateHalt);
    needs(kSnapshotCreateQuiesce, kSnapshotCreateDiskOnly);
}

SnapState stateNow(DomainOp& op, bool diskOnly) {
    if (diskOnly) return SnapState::DiskSnapshot;
    if (!op.live()) return SnapState::Shutoff;
    return op.live()->paused ? SnapState::Paused : SnapState::Running;
}

}  // namespace

DomainSnapshot Domain::createSnapshot(std::string_view xml, unsigned flags,
                                      std::string_view filename) {
    checkCreateFlags(flags);
    bool redefine = flags & kSnapshotCreateRedefine;
    SnapshotDef def = snapshot::parseSnapshot(xml, {.filename = filename, .request = !redefine});
    if (redefine) {
        std::string name = def.name;
        redefineSnapshot(*conn_, name_, std::move(def), flags & kSnapshotCreateCurrent);
        return DomainSnapshot(conn_, name_, name);
    }
    bool metadata = !(flags & kSnapshotCreateNoMetadata), halt = false;
    {
        DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
        if ((flags & kSnapshotCreateHalt) && !op.persistent())
            throw Error(ErrorCode::OperationInvalid, "cannot halt after transient domain snapshot");
        if (flags & kSnapshotCreateQuiesce) {
            op.requireRunning();  // libvirt asks a running domain's guest agent to freeze
            throw Error(ErrorCode::ConfigUnsupported,
                        "argument unsupported: QEMU guest agent is not configured");
        }
        SnapshotStore store(op.driver().paths, name_);
        sweep(op, store);
        int64_t now = static_cast<int64_t>(std::time(nullptr));
        if (def.name.empty()) def.name = timeName(now);
        if (store.exists(def.name))
            throw Error(ErrorCode::OperationFailed,
                        "domain snapshot " + def.name + " already exists");
        if (fs::exists(store.dataDir(def.name)))
            throw Error(ErrorCode::OperationFailed,
                        "domain snapshot " + def.name +
                            " already exists without metadata (taken with --no-metadata or "
                            "its metadata deleted): redefine it (snapshot-create --redefine) "
                            "or remove '" +
                            store.dataDir(def.name).string() + "'");
        bool diskOnly = flags & kSnapshotCreateDiskOnly;
        def.state = stateNow(op, diskOnly);
        def.creationTime = now;
        def.parent = store.current().value_or("");
        def.domainXml = conf::formatDomain(op.current());
        bool running = op.live().has_value();
        bool freeze = running && !op.live()->paused && !isVm(op);
        // The journal first: whatever happens after, the next call knows what to undo.
        util::makeDirs(store.dir(), 0700);
        util::writeFileAtomic(store.pendingFile(def.name), freeze ? "create thaw\n" : "create\n");
        util::fault::point("snapshot:shell-journaled");
        try {
            if (isVm(op))
                createVmSnapshot(op, def, diskOnly);
            else
                createContainer(op, store, def, freeze);
            util::fault::point("snapshot:shell-copied");
            if (metadata) store.save(def);
        } catch (const Error&) {
            sweep(op, store);  // undoes it as after a crash: data, a VM's snapshots, the freezer
            throw;
        }
        if (metadata) store.setCurrent(def.name);
        util::removeFile(store.pendingFile(def.name));
        halt = (flags & kSnapshotCreateHalt) && running;
    }
    // Once the lock is let go: the controller's teardown may take it.
    if (halt) destroy();
    return DomainSnapshot(conn_, name_, def.name);
}

DomainSnapshot Domain::snapshot(std::string_view name) const {
    DomainOp op(*conn_, name_);
    SnapshotStore store(op.driver().paths, name_);
    try {
        if (store.exists(name)) return DomainSnapshot(conn_, name_, std::string(name));
    } catch (const Error&) {
        // an impossible name names no snapshot
    }
    throw noSnapshot(name);
}

std::vector<SnapshotSummary> Domain::listSnapshots() const {
    DomainOp op(*conn_, name_);
    SnapshotStore store(op.driver().paths, name_);
    std::vector<SnapshotDef> all = store.list();
    std::optional<std::string> current = store.current();
    std::vector<SnapshotSummary> out;
    for (const SnapshotDef& s : all) {
        SnapshotSummary sum;
        sum.name = s.name;
        sum.domain = name_;
        sum.description = s.description;
        sum.state =
            std::string(snapshot::kSnapStateNames.name(s.state.value_or(SnapState::Shutoff)));
        bool external = s.memory == Location::External;
        for (const auto& d : s.disks)
            external |= d.snapshot == Location::External;
        sum.location = external ? "external" : "internal";
        sum.creationTime = s.creationTime.value_or(0);
        if (!s.parent.empty()) sum.parent = s.parent;
        sum.current = current == s.name;
        sum.children = static_cast<unsigned>(snapshot::childrenOf(all, s.name).size());
        sum.descendants = static_cast<unsigned>(snapshot::descendantsOf(all, s.name).size());
        out.push_back(std::move(sum));
    }
    return out;
}

std::optional<DomainSnapshot> Domain::currentSnapshot() const {
    DomainOp op(*conn_, name_);
    SnapshotStore store(op.driver().paths, name_);
    if (auto name = store.current()) return DomainSnapshot(conn_, name_, *name);
    return std::nullopt;
}

void Domain::undefine(bool snapshotsMetadata) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    DriverState& d = op.driver();
    if (!d.store.exists(name_))
        throw Error(ErrorCode::OperationInvalid,
                    "cannot undefine transient domain '" + name_ + "'");
    SnapshotStore snapshots(d.paths, name_);
    if (size_t n = snapshots.count(); n > 0 && !op.live()) {
        if (!snapshotsMetadata)
            throw Error(ErrorCode::OperationInvalid,
                        "cannot delete inactive domain with " + std::to_string(n) + " snapshots");
        snapshots.removeAll();
    }
    d.store.remove(name_);
    if (!op.live()) d.runtime.clear(name_);
    state::emitEvent(d.paths, name_, "undefined", "removed");
}

std::string DomainSnapshot::xml() const {
    DomainOp op(*conn_, domain_);
    SnapshotStore store(op.driver().paths, domain_);
    auto def = store.find(name_);
    if (!def) throw noSnapshot(name_);
    return snapshot::formatSnapshot(*def);
}

SnapshotSummary DomainSnapshot::summary() const {
    for (SnapshotSummary& s : Domain(conn_, domain_).listSnapshots())
        if (s.name == name_) return std::move(s);
    throw noSnapshot(name_);
}

std::optional<std::string> DomainSnapshot::parent() const {
    return summary().parent;
}

void DomainSnapshot::remove(unsigned flags) {
    DomainOp op(*conn_, domain_, DomainOp::Lock::Domain);
    SnapshotStore store(op.driver().paths, domain_);
    sweep(op, store);
    std::vector<SnapshotDef> all = store.list();
    auto self =
        std::find_if(all.begin(), all.end(), [&](const auto& s) { return s.name == name_; });
    if (self == all.end()) throw noSnapshot(name_);
    std::vector<std::string> doomed;
    if (flags & (kSnapshotDeleteChildren | kSnapshotDeleteChildrenOnly))
        doomed = snapshot::descendantsOf(all, name_);
    std::reverse(doomed.begin(), doomed.end());  // leaves first
    if (!(flags & kSnapshotDeleteChildrenOnly)) doomed.push_back(name_);
    bool metadataOnly = flags & kSnapshotDeleteMetadataOnly;
    std::optional<std::string> current = store.current();
    for (const std::string& name : doomed) {
        const SnapshotDef& s =
            *std::find_if(all.begin(), all.end(), [&](const auto& x) { return x.name == name; });
        if (!metadataOnly) {
            if (isVm(op))
                deleteVmSnapshot(op, s);
            else
                store.removeData(name);
        }
        // its children (those that stay) get its parent, as libvirt reparents them
        for (SnapshotDef& child : all)
            if (child.parent == name &&
                std::find(doomed.begin(), doomed.end(), child.name) == doomed.end()) {
                child.parent = s.parent;
                store.save(child);
            }
        store.removeMetadata(name);
        if (current == name && !s.parent.empty() &&
            std::find(doomed.begin(), doomed.end(), s.parent) == doomed.end())
            store.setCurrent(s.parent);  // libvirt makes the parent current
    }
}

void DomainSnapshot::revert(unsigned flags) {
    if ((flags & kSnapshotRevertRunning) && (flags & kSnapshotRevertPaused))
        throw Error(ErrorCode::InvalidArg,
                    "flags 'running' and 'paused' in function virDomainRevertToSnapshot are "
                    "mutually exclusive");
    SnapshotDef def;
    bool vm = false, wasRunning = false;
    {
        DomainOp op(*conn_, domain_, DomainOp::Lock::Domain);
        SnapshotStore store(op.driver().paths, domain_);
        sweep(op, store);
        auto found = store.find(name_);
        if (!found) throw noSnapshot(name_);
        def = std::move(*found);
        vm = isVm(op);
        wasRunning = op.live().has_value();
        bool active = def.state == SnapState::Running || def.state == SnapState::Paused;
        if (wasRunning && !active && (flags & (kSnapshotRevertRunning | kSnapshotRevertPaused)) &&
            !(flags & kSnapshotRevertForce))
            throw Error(ErrorCode::OperationInvalid,
                        std::string("revert requires force: must respawn ") +
                            (vm ? "qemu" : "the container") + " to start inactive snapshot");
        if (vm && wasRunning && revertVmLive(op, def, flags)) {
            store.setCurrent(def.name);
            return;
        }
    }
    // Stopped (a container's init is restarted from the restored files: it has no memory
    // to restore), replaced, restarted as the snapshot was or as the flags say.
    Domain dom(conn_, domain_);
    if (wasRunning) dom.destroy();
    bool start = false;
    {
        DomainOp op(*conn_, domain_, DomainOp::Lock::Domain);
        if (op.live())
            throw Error(ErrorCode::OperationInvalid,
                        "domain '" + domain_ + "' was started again during the revert");
        SnapshotStore store(op.driver().paths, domain_);
        std::map<std::string, std::string> overlays;
        if (vm) {
            overlays = revertVmStopped(def);
        } else {
            conf::DomainDef snapDom = conf::parseDomain(def.domainXml, {.validateSchema = false});
            std::vector<snapshot::Layer> layers = snapshot::writableLayers(snapDom);
            size_t index = 0;
            for (const snapshot::DiskSnap& layer : def.disks) {
                if (layer.snapshot == Location::No) continue;
                fs::path path;
                for (const snapshot::Layer& l : layers)
                    if (l.name == layer.name) path = l.path;
                if (path.empty())
                    throw Error(ErrorCode::Internal, "snapshot '" + def.name +
                                                         "' names filesystem '" + layer.name +
                                                         "' its domain copy does not have");
                snapshot::replaceTree(store.dataDir(def.name) / std::to_string(index++), path);
            }
        }
        // The definition as it was, when the domain is persistent.
        if (op.persistent() && !def.domainXml.empty()) {
            conf::DomainDef old = conf::parseDomain(def.domainXml, {.validateSchema = false});
            conf::applyDefaults(old);
            for (conf::Disk& disk : old.disks)
                if (auto it = overlays.find(disk.targetDev); it != overlays.end()) {
                    disk.source = it->second;
                    disk.driverFormat = conf::DiskFormat::Qcow2;
                }
            if (!(old == *op.persistent())) op.driver().store.save(old);
        }
        store.setCurrent(def.name);
        bool active = def.state == SnapState::Running || def.state == SnapState::Paused;
        start = active || (flags & (kSnapshotRevertRunning | kSnapshotRevertPaused));
    }
    if (!start) return;
    bool paused = (flags & kSnapshotRevertPaused) ||
                  (def.state == SnapState::Paused && !(flags & kSnapshotRevertRunning));
    if (vm && def.memory == Location::Internal) {
        startVmFromSnapshot(*conn_, dom, def, paused);
        return;
    }
    dom.start(paused);
}

}  // namespace cvirt
