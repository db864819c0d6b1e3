// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's domain snapshot XML (<domainsnapshot>, the subset in schemas/domainsnapshot.rng):
// model, parse (RelaxNG first), checks and format. Pure: no file is read or written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/name_table.h"

namespace cvirt::snapshot {

// <state>: what the domain was when the snapshot was taken (virDomainSnapshotState).
enum class SnapState { Running, Blocked, Paused, Shutdown, Shutoff, Crashed, DiskSnapshot };
inline constexpr auto kSnapStateNames = conf::makeNames<SnapState>(
    "running", "blocked", "paused", "shutdown", "shutoff", "crashed", "disk-snapshot");

// snapshot='…' of <memory> and of a <disk> (virDomainSnapshotLocation).
enum class Location { No, Internal, External, Manual };
inline constexpr auto kLocationNames =
    conf::makeNames<Location>("no", "internal", "external", "manual");

// <disks><disk name='vda' snapshot='external'><driver type='qcow2'/><source file='…'/>.
// A container's "disk" is a writable filesystem, named by its target ('/', '/data').
struct DiskSnap {
    std::string name;
    std::optional<Location> snapshot;  // absent: the driver's default
    std::string driverType;            // external: the overlay's format ("qcow2")
    std::string sourceFile;            // external: the overlay's path
    bool operator==(const DiskSnap&) const = default;
};

struct SnapshotDef {
    std::string name;  // empty in a create request: the driver names it (creation time)
    std::string description;
    std::optional<SnapState> state;
    std::optional<int64_t> creationTime;  // seconds since the epoch
    std::optional<Location> memory;
    std::string memoryFile;  // memory snapshot='external' file='…'
    std::vector<DiskSnap> disks;
    std::string parent;     // <parent><name>; empty = a root
    std::string domainXml;  // the <domain> inside, as formatted; empty in a create request
    bool operator==(const SnapshotDef&) const = default;
};

struct SnapshotParseOptions {
    std::string_view filename = "snapshot XML";
    bool validateSchema = true;  // false for files cvirt wrote itself
    // A create request (snapshot-create FILE): what the driver fills in itself (state,
    // creationTime, parent, the domain) is refused rather than silently replaced.
    bool request = false;
};

// Throws Error(XmlError) "FILE:LINE: <element>: what is wrong".
SnapshotDef parseSnapshot(std::string_view xml, const SnapshotParseOptions& opts = {});
// libvirt's layout: name, description, state, parent, creationTime, memory, disks, domain.
std::string formatSnapshot(const SnapshotDef& def);

// A name libvirt would accept and that can name a file: not empty, no '/', no leading '.',
// no control character. Throws Error(InvalidArg) naming it.
void checkSnapshotName(std::string_view name);

}  // namespace cvirt::snapshot
