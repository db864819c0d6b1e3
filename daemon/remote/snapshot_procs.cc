// SPDX-License-Identifier: GPL-3.0-or-later
// Domain snapshots: create, list (all, names, number, children), lookup, XML, current, parent,
// revert, delete — each one call of the public API's DomainSnapshot on the client's
// connection. A snapshot travels as remote_nonnull_domain_snapshot (its name, then its
// domain) and is found again by both names. virDomainSnapshotListFlags filter the lists.
#include <algorithm>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

// virDomainSnapshotListFlags.
constexpr uint32_t kRoots = 1, kDescendants = 1, kMetadata = 2, kLeaves = 4, kNoLeaves = 8,
                   kNoMetadata = 16, kInactive = 32, kActive = 64, kDiskOnly = 128, kInternal = 256,
                   kExternal = 512, kTopological = 1024;
constexpr uint32_t kListFlags = kRoots | kMetadata | kLeaves | kNoLeaves | kNoMetadata | kInactive |
                                kActive | kDiskOnly | kInternal | kExternal | kTopological;

void writeSnapshot(XdrWriter& w, const std::string& name, const Domain& d) {
    w.string(name);
    writeDomain(w, d);
}

struct SnapshotRef {
    Domain domain;
    DomainSnapshot snapshot;
};
SnapshotRef readSnapshot(Session& s, XdrReader& r) {
    std::string name = r.string("snapshot name");
    Domain d = readDomain(s, r);
    return {d, d.snapshot(name)};
}

// Whether `snap` passes the filter groups of `flags` (each group: one given, or all).
bool wanted(uint32_t flags, const SnapshotSummary& snap) {
    auto group = [&](uint32_t a, bool isA, uint32_t b) {
        return !(flags & (a | b)) || ((flags & a) && isA) || ((flags & b) && !isA);
    };
    if (!group(kLeaves, snap.children == 0, kNoLeaves)) return false;
    if (!group(kMetadata, true, kNoMetadata)) return false;  // every listed one has metadata
    if (!group(kInternal, snap.location == "internal", kExternal)) return false;
    if (flags & (kInactive | kActive | kDiskOnly)) {
        bool diskOnly = snap.state == "disk-snapshot", inactive = snap.state == "shutoff";
        if (!((flags & kInactive && inactive) || (flags & kDiskOnly && diskOnly) ||
              (flags & kActive && !inactive && !diskOnly)))
            return false;
    }
    return true;
}

// Parents before their children, in creation order otherwise.
std::vector<SnapshotSummary> topological(std::vector<SnapshotSummary> all) {
    std::vector<SnapshotSummary> out;
    std::vector<bool> placed(all.size(), false);
    while (out.size() < all.size()) {
        size_t before = out.size();
        for (size_t i = 0; i < all.size(); ++i) {
            if (placed[i]) continue;
            bool parentPlaced =
                !all[i].parent ||
                std::none_of(all.begin(), all.end(),
                             [&](const auto& p) { return p.name == *all[i].parent; }) ||
                std::any_of(out.begin(), out.end(),
                            [&](const auto& p) { return p.name == *all[i].parent; });
            if (parentPlaced) {
                out.push_back(all[i]);
                placed[i] = true;
            }
        }
        if (out.size() == before) break;  // a cycle cannot be stored; never loop on one
    }
    return out;
}

// The snapshots of `d` a list call asks for: all (`roots`: those without a parent), or those
// below `below` (its children; `descendants`: all of them), then filtered.
std::vector<SnapshotSummary> pick(const Domain& d, uint32_t flags,
                                  const std::optional<std::string>& below, bool descendants) {
    std::vector<SnapshotSummary> all = d.listSnapshots(), out;
    auto isUnder = [&](const SnapshotSummary& snap) {
        for (auto p = snap.parent; p;) {
            if (*p == *below) return true;
            if (!descendants) return false;
            auto it = std::find_if(all.begin(), all.end(),
                                   [&](const SnapshotSummary& x) { return x.name == *p; });
            p = it == all.end() ? std::nullopt : it->parent;
        }
        return false;
    };
    for (const SnapshotSummary& snap : all) {
        if (below ? !isUnder(snap) : ((flags & kRoots) && snap.parent)) continue;
        if (wanted(flags, snap)) out.push_back(snap);
    }
    if (flags & kTopological) out = topological(std::move(out));
    if (out.size() > kSnapshotListMax)
        throw Error(ErrorCode::OperationFailed, "too many domain snapshots to list");
    return out;
}

// The children of a snapshot (with LIST_DESCENDANTS: all below it) a list call asks for.
std::vector<SnapshotSummary> childrenOf(const SnapshotRef& ref, uint32_t flags) {
    return pick(ref.domain, flags & ~kDescendants, ref.snapshot.name(), flags & kDescendants);
}

// remote_domain_list_all_snapshots_ret and _list_all_children_ret: the snapshots (when the
// caller wants them), then their number.
void writeAll(XdrWriter& w, const Domain& d, const std::vector<SnapshotSummary>& list,
              int32_t needResults) {
    w.u32(needResults ? static_cast<uint32_t>(list.size()) : 0);
    if (needResults)
        for (const SnapshotSummary& snap : list)
            writeSnapshot(w, snap.name, d);
    w.i32(static_cast<int32_t>(list.size()));
}

// remote_nonnull_string names<REMOTE_DOMAIN_SNAPSHOT_LIST_MAX>, at most `maxnames` of them.
void writeNames(XdrWriter& w, const std::vector<SnapshotSummary>& list, int32_t maxnames) {
    if (maxnames < 0 || static_cast<uint32_t>(maxnames) > kSnapshotListMax)
        failWith(VirError::Rpc, "too many remote domain snapshot names");
    size_t n = std::min(list.size(), static_cast<size_t>(maxnames));
    w.u32(static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i)
        w.string(list[i].name);
}

// A call on one snapshot that takes no flags and changes nothing.
Procedure onSnapshot(const char* api, void (*answer)(SnapshotRef& ref, XdrWriter& w)) {
    return {api, false, [api, answer](Session& s, XdrReader& r, XdrWriter& w) {
                SnapshotRef ref = readSnapshot(s, r);
                checkFlags(r.u32("flags"), 0, api);
                answer(ref, w);
            }};
}

}  // namespace

void addSnapshotProcedures(ProcedureTable& t) {
    put(t, Proc::DomainSnapshotCreateXml,
        {"virDomainSnapshotCreateXML", true, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             std::string xml = r.string("xml_desc");
             uint32_t flags = r.u32("flags");
             DomainSnapshot snap = d.createSnapshot(xml, flags);
             writeSnapshot(w, snap.name(), d);
         }});
    put(t, Proc::DomainSnapshotGetXmlDesc,
        {"virDomainSnapshotGetXMLDesc", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             SnapshotRef ref = readSnapshot(s, r);
             checkFlags(r.u32("flags"), 1, "virDomainSnapshotGetXMLDesc");  // XML_SECURE
             w.string(ref.snapshot.xml());
         }});
    put(t, Proc::DomainSnapshotNum,
        {"virDomainSnapshotNum", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             uint32_t flags = r.u32("flags");
             checkFlags(flags, kListFlags, "virDomainSnapshotNum");
             w.i32(static_cast<int32_t>(pick(d, flags, std::nullopt, false).size()));
         }});
    put(t, Proc::DomainSnapshotListNames,
        {"virDomainSnapshotListNames", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             int32_t maxnames = r.i32("maxnames");
             uint32_t flags = r.u32("flags");
             checkFlags(flags, kListFlags, "virDomainSnapshotListNames");
             writeNames(w, pick(d, flags, std::nullopt, false), maxnames);
         }});
    put(t, Proc::DomainListAllSnapshots,
        {"virDomainListAllSnapshots", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             int32_t needResults = r.i32("need_results");
             uint32_t flags = r.u32("flags");
             checkFlags(flags, kListFlags, "virDomainListAllSnapshots");
             writeAll(w, d, pick(d, flags, std::nullopt, false), needResults);
         }});
    put(t, Proc::DomainSnapshotNumChildren,
        {"virDomainSnapshotNumChildren", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             SnapshotRef ref = readSnapshot(s, r);
             uint32_t flags = r.u32("flags");
             checkFlags(flags, kListFlags, "virDomainSnapshotNumChildren");
             w.i32(static_cast<int32_t>(childrenOf(ref, flags).size()));
         }});
    put(t, Proc::DomainSnapshotListChildrenNames,
        {"virDomainSnapshotListChildrenNames", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             SnapshotRef ref = readSnapshot(s, r);
             int32_t maxnames = r.i32("maxnames");
             uint32_t flags = r.u32("flags");
             checkFlags(flags, kListFlags, "virDomainSnapshotListChildrenNames");
             writeNames(w, childrenOf(ref, flags), maxnames);
         }});
    put(t, Proc::DomainSnapshotListAllChildren,
        {"virDomainSnapshotListAllChildren", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             SnapshotRef ref = readSnapshot(s, r);
             int32_t needResults = r.i32("need_results");
             uint32_t flags = r.u32("flags");
             checkFlags(flags, kListFlags, "virDomainSnapshotListAllChildren");
             writeAll(w, ref.domain, childrenOf(ref, flags), needResults);
         }});
    put(t, Proc::DomainSnapshotLookupByName,
        {"virDomainSnapshotLookupByName", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             std::string name = r.string("name");
             checkFlags(r.u32("flags"), 0, "virDomainSnapshotLookupByName");
             writeSnapshot(w, d.snapshot(name).name(), d);
         }});
    put(t, Proc::DomainHasCurrentSnapshot,
        {"virDomainHasCurrentSnapshot", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             checkFlags(r.u32("flags"), 0, "virDomainHasCurrentSnapshot");
             w.i32(d.currentSnapshot() ? 1 : 0);
         }});
    put(t, Proc::DomainSnapshotCurrent,
        {"virDomainSnapshotCurrent", false, [](Session& s, XdrReader& r, XdrWriter& w) {
             Domain d = readDomain(s, r);
             checkFlags(r.u32("flags"), 0, "virDomainSnapshotCurrent");
             auto cur = d.currentSnapshot();
             if (!cur)
                 throw Error(ErrorCode::NoDomainSnapshot,
                             "Domain snapshot not found: the domain does not have a current "
                             "snapshot");
             writeSnapshot(w, cur->name(), d);
         }});
    put(t, Proc::DomainSnapshotGetParent,
        onSnapshot("virDomainSnapshotGetParent", [](SnapshotRef& ref, XdrWriter& w) {
            auto parent = ref.snapshot.parent();
            if (!parent)
                throw Error(ErrorCode::NoDomainSnapshot, "Domain snapshot not found: snapshot '" +
                                                             ref.snapshot.name() +
                                                             "' does not have a parent");
            writeSnapshot(w, *parent, ref.domain);
        }));
    put(t, Proc::DomainSnapshotIsCurrent,
        onSnapshot("virDomainSnapshotIsCurrent", [](SnapshotRef& ref, XdrWriter& w) {
            w.i32(ref.snapshot.summary().current ? 1 : 0);
        }));
    // a snapshot without metadata cannot be looked up at all
    put(t, Proc::DomainSnapshotHasMetadata,
        onSnapshot("virDomainSnapshotHasMetadata", [](SnapshotRef&, XdrWriter& w) { w.i32(1); }));
    put(t, Proc::DomainRevertToSnapshot,
        {"virDomainRevertToSnapshot", true, [](Session& s, XdrReader& r, XdrWriter&) {
             SnapshotRef ref = readSnapshot(s, r);
             uint32_t flags = r.u32("flags");
             checkFlags(flags,
                        kSnapshotRevertRunning | kSnapshotRevertPaused | kSnapshotRevertForce,
                        "virDomainRevertToSnapshot");
             ref.snapshot.revert(flags);
         }});
    put(t, Proc::DomainSnapshotDelete,
        {"virDomainSnapshotDelete", true, [](Session& s, XdrReader& r, XdrWriter&) {
             SnapshotRef ref = readSnapshot(s, r);
             uint32_t flags = r.u32("flags");
             checkFlags(flags,
                        kSnapshotDeleteChildren | kSnapshotDeleteMetadataOnly |
                            kSnapshotDeleteChildrenOnly,
                        "virDomainSnapshotDelete");
             ref.snapshot.remove(flags);
         }});
}

}  // namespace cvirt::remote
