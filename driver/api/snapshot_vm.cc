// SPDX-License-Identifier: GPL-3.0-or-later
#include "api/snapshot_vm.h"

#include <unistd.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "conf/domain.h"
#include "qemu/command_line.h"
#include "snapshot/layers.h"
#include "snapshot/qcow2.h"
#include "util/fault.h"

namespace cvirt {

using snapshot::DiskSnap;
using snapshot::Location;
using snapshot::SnapshotDef;

namespace {

// One QMP command; its "return", or the error qemu gave.
nlohmann::json qmp(DomainOp& op, const std::string& execute, nlohmann::json arguments = nullptr) {
    nlohmann::json call = {{"execute", execute}};
    if (!arguments.is_null()) call["arguments"] = std::move(arguments);
    auto answer = nlohmann::json::parse(op.backend().monitor(op.requireRunning(), call.dump()),
                                        nullptr, false);
    if (answer.is_object() && answer.contains("error"))
        throw Error(ErrorCode::OperationFailed,
                    "qemu refused '" + execute + "': " + answer["error"].value("desc", "unknown"));
    if (!answer.is_object() || !answer.contains("return"))
        throw Error(ErrorCode::Internal, "unexpected answer to '" + execute + "'");
    return answer["return"];
}

// A human monitor command (savevm, loadvm, delvm): they answer nothing on success and a
// line of text on failure.
void hmp(DomainOp& op, const std::string& line) {
    nlohmann::json text = qmp(op, "human-monitor-command", {{"command-line", line}});
    std::string out = text.is_string() ? text.get<std::string>() : "";
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    if (!out.empty()) throw Error(ErrorCode::OperationFailed, "qemu '" + line + "' failed: " + out);
}

void requireQcow2(const conf::Disk& d) {
    if (d.driverFormat != conf::DiskFormat::Qcow2)
        throw Error(ErrorCode::ConfigUnsupported,
                    "internal snapshot for disk " + d.targetDev + " unsupported for storage type " +
                        std::string(conf::kDiskFormatNames.name(
                            d.driverFormat.value_or(conf::DiskFormat::Raw))));
}

const DiskSnap* asked(const SnapshotDef& def, const std::string& target) {
    for (const DiskSnap& d : def.disks)
        if (d.name == target) return &d;
    return nullptr;
}

void checkAskedDisks(const SnapshotDef& def, const std::vector<const conf::Disk*>& disks,
                     const std::string& domain) {
    for (const DiskSnap& a : def.disks) {
        bool found = false;
        for (const conf::Disk* d : disks)
            found |= d->targetDev == a.name || d->source == a.name;
        if (!found)
            throw Error(ErrorCode::ConfigUnsupported,
                        "domain '" + domain + "' has no writable disk '" + a.name + "'");
        if (a.snapshot == Location::Manual)
            throw Error(ErrorCode::ConfigUnsupported,
                        "disk '" + a.name + "': snapshot='manual' is not supported");
    }
}

void createExternal(DomainOp& op, SnapshotDef& def, const std::vector<const conf::Disk*>& disks) {
    if (def.memory && *def.memory != Location::No)
        throw Error(ErrorCode::ConfigUnsupported,
                    "disk-only snapshot of domain '" + op.name() + "' cannot hold its memory");
    std::vector<DiskSnap> made;
    for (const conf::Disk* d : disks) {
        const DiskSnap* a = asked(def, d->targetDev);
        if (a && a->snapshot == Location::No) {
            made.push_back({.name = d->targetDev, .snapshot = Location::No});
            continue;
        }
        if (a && a->snapshot == Location::Internal)
            throw Error(ErrorCode::ConfigUnsupported,
                        "disk-only snapshot of disk " + d->targetDev + " must be external");
        std::string file = a && !a->sourceFile.empty() ? a->sourceFile
                                                       : snapshot::overlayName(d->source, def.name);
        if (::access(file.c_str(), F_OK) == 0)
            throw Error(ErrorCode::OperationInvalid,
                        "external snapshot file for disk " + d->targetDev +
                            " already exists and is not a block device: " + file);
        made.push_back({.name = d->targetDev,
                        .snapshot = Location::External,
                        .driverType = "qcow2",
                        .sourceFile = file});
    }
    // The new definitions: each disk on its overlay.
    auto moved = [&](conf::DomainDef dom) {
        for (conf::Disk& d : dom.disks)
            for (const DiskSnap& m : made)
                if (m.name == d.targetDev && m.snapshot == Location::External) {
                    d.source = m.sourceFile;
                    d.driverFormat = conf::DiskFormat::Qcow2;
                }
        return dom;
    };
    if (op.live()) {
        nlohmann::json actions = nlohmann::json::array();
        for (const conf::Disk* d : disks)
            for (const DiskSnap& m : made)
                if (m.name == d->targetDev && m.snapshot == Location::External)
                    actions.push_back({{"type", "blockdev-snapshot-sync"},
                                       {"data",
                                        {{"device", qemu::driveId(*d)},
                                         {"snapshot-file", m.sourceFile},
                                         {"format", "qcow2"}}}});
        bool wasRunning = !op.live()->paused;
        if (wasRunning) qmp(op, "stop");  // the cut of every disk at one instant
        try {
            qmp(op, "transaction", {{"actions", actions}});  // all disks or none
        } catch (const Error&) {
            if (wasRunning) qmp(op, "cont");
            throw;
        }
        if (wasRunning) qmp(op, "cont");
        conf::DomainDef live = moved(op.liveDef());
        std::optional<conf::DomainDef> config;
        if (op.persistent()) config = moved(*op.persistent());
        op.recordAfter(live, config ? &*config : nullptr, [] {});
    } else {
        std::vector<std::string> created;
        try {
            for (const conf::Disk* d : disks)
                for (const DiskSnap& m : made)
                    if (m.name == d->targetDev && m.snapshot == Location::External) {
                        snapshot::qcow2Overlay(
                            m.sourceFile, d->source,
                            std::string(conf::kDiskFormatNames.name(
                                d->driverFormat.value_or(conf::DiskFormat::Raw))));
                        created.push_back(m.sourceFile);
                    }
            op.driver().store.save(moved(*op.persistent()));
        } catch (const Error&) {
            for (const std::string& f : created)
                ::unlink(f.c_str());
            throw;
        }
    }
    def.memory = Location::No;
    def.disks = std::move(made);
}

}  // namespace

void createVmSnapshot(DomainOp& op, SnapshotDef& def, bool diskOnly) {
    // snapshotDisks takes files only: a writable volume disk would be left out of the cut
    for (const conf::Disk& d : op.current().disks)
        if (d.type == conf::DiskType::Volume && d.device == conf::DiskDevice::Disk && !d.readonly)
            throw Error(ErrorCode::ConfigUnsupported,
                        "snapshots of disk '" + d.targetDev + "' (<disk type='volume'>, volume '" +
                            d.sourceVolume + "' of pool '" + d.sourcePool +
                            "') are not supported yet: name the volume's path in "
                            "<disk type='file'>");
    std::vector<const conf::Disk*> disks = snapshot::snapshotDisks(op.current());
    if (disks.empty())
        throw Error(ErrorCode::OperationInvalid,
                    "domain '" + op.name() + "' has no writable disk to snapshot");
    checkAskedDisks(def, disks, op.name());
    bool external = diskOnly || def.memory == Location::External;
    for (const DiskSnap& a : def.disks)
        external |= a.snapshot == Location::External;
    if (external) {
        if (!diskOnly)
            throw Error(ErrorCode::ConfigUnsupported, "external snapshots of domain '" + op.name() +
                                                          "' are disk-only (--disk-only)");
        createExternal(op, def, disks);
        return;
    }
    std::vector<DiskSnap> made;
    for (const conf::Disk* d : disks) {
        if (const DiskSnap* a = asked(def, d->targetDev); a && a->snapshot == Location::No)
            throw Error(ErrorCode::ConfigUnsupported, "internal snapshot of domain '" + op.name() +
                                                          "' covers every disk (" + d->targetDev +
                                                          " has snapshot='no')");
        requireQcow2(*d);
        made.push_back({.name = d->targetDev, .snapshot = Location::Internal});
    }
    if (op.live()) {
        if (def.memory == Location::No)
            throw Error(ErrorCode::ConfigUnsupported,
                        "internal snapshot of running domain '" + op.name() +
                            "' holds its memory (memory snapshot='no' needs --disk-only)");
        // savevm stops the CPUs for the cut and restarts them after
        hmp(op, "savevm " + def.name);
        def.memory = Location::Internal;
    } else {
        for (const conf::Disk* d : disks) {
            snapshot::qcow2Snapshot(d->source, 'c', def.name);
            util::fault::point("snapshot:shell-disk-done");
        }
        def.memory = Location::No;
    }
    def.disks = std::move(made);
}

void undoVmSnapshot(DomainOp& op, const std::string& name) noexcept {
    try {
        std::vector<const conf::Disk*> disks = snapshot::snapshotDisks(op.current());
        if (op.live()) {
            try {
                hmp(op, "delvm " + name);
            } catch (const Error&) {
            }
            return;
        }
        for (const conf::Disk* d : disks) {
            if (d->driverFormat != conf::DiskFormat::Qcow2) continue;
            auto names = snapshot::qcow2Snapshots(d->source);
            if (std::find(names.begin(), names.end(), name) != names.end())
                snapshot::qcow2Snapshot(d->source, 'd', name);
        }
    } catch (const Error&) {
    }
}

void deleteVmSnapshot(DomainOp& op, const SnapshotDef& def) {
    for (const DiskSnap& d : def.disks)
        if (d.snapshot == Location::External)
            throw Error(ErrorCode::ConfigUnsupported,
                        "deletion of external disk snapshot '" + def.name +
                            "' is not supported (its overlays are in use): delete its metadata "
                            "alone with --metadata");
    if (op.live()) {
        hmp(op, "delvm " + def.name);
        return;
    }
    for (const conf::Disk* d : snapshot::snapshotDisks(op.current())) {
        if (d->driverFormat != conf::DiskFormat::Qcow2) continue;
        auto names = snapshot::qcow2Snapshots(d->source);
        if (std::find(names.begin(), names.end(), def.name) != names.end())
            snapshot::qcow2Snapshot(d->source, 'd', def.name);
    }
}

bool revertVmLive(DomainOp& op, const SnapshotDef& def, unsigned flags) {
    if (def.memory != Location::Internal) return false;
    bool paused = (flags & kSnapshotRevertPaused) ||
                  (def.state == snapshot::SnapState::Paused && !(flags & kSnapshotRevertRunning));
    // paused (recorded, with the event) for the load; loadvm leaves a stopped VM stopped
    if (!op.live()->paused) op.backend().suspend(*op.live(), op.liveDef());
    hmp(op, "loadvm " + def.name);
    if (!paused) op.backend().resume(*op.live(), op.liveDef());
    return true;
}

namespace {

// A name for a new overlay on `base` beside it, free now: libvirt's ".NAME" form with the
// time after the snapshot's name (an external snapshot's own overlay keeps ".NAME").
std::string revertOverlayName(const std::string& base, const std::string& snapshot) {
    std::string stem = snapshot + "-" + std::to_string(std::time(nullptr));
    std::string file = snapshot::overlayName(base, stem);
    for (int n = 1; ::access(file.c_str(), F_OK) == 0; ++n)
        file = snapshot::overlayName(base, stem + "-" + std::to_string(n));
    return file;
}

}  // namespace

std::map<std::string, std::string> revertVmStopped(const SnapshotDef& def) {
    conf::DomainDef snapDom = conf::parseDomain(def.domainXml, {.validateSchema = false});
    std::map<std::string, std::string> overlays;
    try {
        for (const conf::Disk* d : snapshot::snapshotDisks(snapDom))
            for (const DiskSnap& s : def.disks) {
                if (s.name != d->targetDev) continue;
                if (s.snapshot == Location::Internal) {
                    snapshot::qcow2Snapshot(d->source, 'a', def.name);
                } else if (s.snapshot == Location::External) {
                    // What the disk was then is the overlay's backing file now: a new overlay
                    // on it, so that the files later snapshots stand on stay as they are.
                    std::string file = revertOverlayName(d->source, def.name);
                    snapshot::qcow2Overlay(file, d->source,
                                           std::string(conf::kDiskFormatNames.name(
                                               d->driverFormat.value_or(conf::DiskFormat::Raw))));
                    overlays[d->targetDev] = file;
                }
            }
    } catch (const Error&) {
        for (const auto& [target, file] : overlays)
            ::unlink(file.c_str());
        throw;
    }
    return overlays;
}

void startVmFromSnapshot(ConnectionImpl&, Domain& dom, const SnapshotDef& def, bool paused) {
    dom.start(true);
    try {
        std::string out = dom.qemuMonitorCommand("loadvm " + def.name, true);
        if (out.find_first_not_of("\r\n") != std::string::npos)
            throw Error(ErrorCode::OperationFailed,
                        "qemu 'loadvm " + def.name + "' failed: " + out);
    } catch (const Error&) {
        dom.destroy();
        throw;
    }
    if (!paused) dom.resume();
}

}  // namespace cvirt
