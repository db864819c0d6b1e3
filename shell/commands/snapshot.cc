// SPDX-License-Identifier: GPL-3.0-or-later
// Snapshots: snapshot-create, snapshot-create-as, snapshot-list, snapshot-info,
// snapshot-dumpxml, snapshot-current, snapshot-parent, snapshot-revert, snapshot-delete.
#include <ctime>
#include <functional>

#include "commands/common.h"
#include "engine/file.h"
#include "engine/table.h"

namespace cvirt::shell {

namespace {

void declareSnapshotName(po::options_description& opts, po::positional_options_description& pos,
                         bool withCurrent = true) {
    declareDomain(opts, pos);
    opts.add_options()("snapshotname", po::value<std::string>(), "snapshot name");
    pos.add("snapshotname", 1);
    if (withCurrent) opts.add_options()("current", "the current snapshot");
}
// --snapshotname, or --current (the current one), as virsh's vshLookupSnapshot.
DomainSnapshot lookupSnapshot(Session&, Domain& d, const po::variables_map& args) {
    if (args.count("snapshotname")) return d.snapshot(args["snapshotname"].as<std::string>());
    if (!flag(args, "current"))
        throw Error(ErrorCode::InvalidArg, "--snapshotname or --current is required");
    if (auto cur = d.currentSnapshot()) return *cur;
    throw Error(ErrorCode::NoDomainSnapshot, "domain '" + d.name() + "' has no current snapshot");
}

// The libvirt flag bits of the options given.
unsigned flagsOf(const po::variables_map& args,
                 std::initializer_list<std::pair<const char*, unsigned>> options) {
    unsigned flags = 0;
    for (const auto& [name, bit] : options)
        if (flag(args, name)) flags |= bit;
    return flags;
}

// virsh's --diskspec: "vda[,snapshot=internal|external|no][,driver=qcow2][,file=PATH]".
std::string diskspecXml(const std::string& spec) {
    std::vector<std::string> parts;
    size_t at = 0;
    for (;;) {
        size_t comma = spec.find(',', at);
        parts.push_back(spec.substr(at, comma - at));
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    std::string attrs = " name='" + escapeAttr(parts[0]) + "'", inner;
    for (size_t i = 1; i < parts.size(); ++i) {
        size_t eq = parts[i].find('=');
        std::string key = parts[i].substr(0, eq),
                    value = eq == std::string::npos ? "" : parts[i].substr(eq + 1);
        if (key == "snapshot")
            attrs += " snapshot='" + escapeAttr(value) + "'";
        else if (key == "driver")
            inner += "<driver type='" + escapeAttr(value) + "'/>";
        else if (key == "file")
            inner += "<source file='" + escapeAttr(value) + "'/>";
        else
            throw Error(ErrorCode::InvalidArg, "unable to parse diskspec: " + spec);
    }
    return "<disk" + attrs + (inner.empty() ? "/>" : ">" + inner + "</disk>");
}

unsigned createFlags(const po::variables_map& args) {
    return flagsOf(args, {{"redefine", kSnapshotCreateRedefine},
                          {"current", kSnapshotCreateCurrent},
                          {"no-metadata", kSnapshotCreateNoMetadata},
                          {"halt", kSnapshotCreateHalt},
                          {"disk-only", kSnapshotCreateDiskOnly},
                          {"quiesce", kSnapshotCreateQuiesce},
                          {"atomic", kSnapshotCreateAtomic}});
}
// The flags snapshot-create and snapshot-create-as share, in virsh's order.
void declareCreateFlags(po::options_description& opts) {
    opts.add_options()("no-metadata", "take snapshot but create no metadata")(
        "halt", "halt domain after snapshot is created")("disk-only",
                                                         "capture disk state but not vm state")(
        "quiesce", "quiesce guest's file systems (needs a guest agent: refused)")(
        "atomic", "require atomic operation (always so in cvirt)");
}

void declareCreateAs(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("name", po::value<std::string>(), "name of snapshot")(
        "description", po::value<std::string>(), "description of snapshot")(
        "print-xml", "print XML document rather than create");
    declareCreateFlags(opts);
    opts.add_options()("memspec", po::value<std::string>(),
                       "memory attributes: [file=]name[,snapshot=type]")(
        "diskspec", po::value<std::vector<std::string>>(),
        "disk attributes: disk[,snapshot=type][,driver=type][,file=name]");
    pos.add("name", 1);
    pos.add("diskspec", -1);
}
int cmdCreateAs(Session& s, const po::variables_map& args) {
    std::string xml = "<domainsnapshot>\n";
    if (args.count("name"))
        xml += "  <name>" + escapeAttr(args["name"].as<std::string>()) + "</name>\n";
    if (args.count("description"))
        xml += "  <description>" + escapeAttr(args["description"].as<std::string>()) +
               "</description>\n";
    if (args.count("memspec")) {
        std::string spec = args["memspec"].as<std::string>(), snap, file;
        size_t at = 0;
        for (;;) {
            size_t comma = spec.find(',', at);
            std::string part = spec.substr(at, comma - at);
            if (part.starts_with("snapshot="))
                snap = part.substr(9);
            else
                file = part.starts_with("file=") ? part.substr(5) : part;
            if (comma == std::string::npos) break;
            at = comma + 1;
        }
        xml += "  <memory";
        if (!snap.empty()) xml += " snapshot='" + escapeAttr(snap) + "'";
        if (!file.empty()) xml += " file='" + escapeAttr(file) + "'";
        xml += "/>\n";
    }
    if (args.count("diskspec")) {
        xml += "  <disks>\n";
        for (const std::string& spec : args["diskspec"].as<std::vector<std::string>>())
            xml += "    " + diskspecXml(spec) + "\n";
        xml += "  </disks>\n";
    }
    xml += "</domainsnapshot>\n";
    if (flag(args, "print-xml")) {
        s.out() << xml << "\n";
        return 0;
    }
    Domain d = lookupDomain(s, args);
    DomainSnapshot snap =
        inLibvirtWords(d, [&] { return d.createSnapshot(xml, createFlags(args)); });
    s.info() << "Domain snapshot " << snap.name() << " created\n";
    return 0;
}

void declareCreate(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("xmlfile", po::value<std::string>(), "domain snapshot XML")(
        "redefine", "redefine metadata for existing snapshot")(
        "current", "with redefine, set current snapshot");
    declareCreateFlags(opts);
    pos.add("xmlfile", 1);
}
int cmdCreate(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string file = args.count("xmlfile") ? args["xmlfile"].as<std::string>() : "";
    std::string xml = file.empty() ? "<domainsnapshot/>" : readFile(file);
    DomainSnapshot snap = inLibvirtWords(d, [&] {
        return d.createSnapshot(xml, createFlags(args), file.empty() ? "snapshot XML" : file);
    });
    s.info() << "Domain snapshot " << snap.name() << " created";
    if (!file.empty()) s.info() << " from '" << file << "'";
    s.info() << "\n";
    return 0;
}

std::string timeText(int64_t t) {
    std::time_t when = static_cast<std::time_t>(t);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %z", std::localtime(&when));
    return buf;
}

void declareList(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("parent", "add a column showing parent snapshot")(
        "roots", "list only snapshots without parents")("leaves",
                                                        "list only snapshots without children")(
        "no-leaves", "list only snapshots that are not leaves (with children)")(
        "tree", "list snapshots in a tree")("name", "list snapshot names only")(
        "from", po::value<std::string>(), "limit list to children of given snapshot")(
        "current", "limit list to children of current snapshot")(
        "descendants", "with --from, list all descendants");
}

// virsh's vshTreePrint: "+- " before a child, '|' down the siblings still to come.
void printTree(std::ostream& out, const std::vector<SnapshotSummary>& all, const std::string& node,
               bool last, bool root, std::string& indent) {
    out << indent << (root ? "" : "+- ") << node << "\n";
    if (!root) indent += std::string(1, last ? ' ' : '|') + " ";
    std::vector<std::string> kids;
    for (const SnapshotSummary& s : all)
        if (s.parent == node) kids.push_back(s.name);
    if (!kids.empty()) out << indent << "  |\n";
    indent += "  ";
    for (const std::string& k : kids)
        printTree(out, all, k, k == kids.back(), false, indent);
    indent.resize(indent.size() - 2);
    if (kids.empty() && last) out << indent << "\n";
    if (!root) indent.resize(indent.size() - 2);
}

int cmdList(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::vector<SnapshotSummary> all = d.listSnapshots();
    // --from / --current: the children (with --descendants, or --current: all descendants)
    std::optional<std::string> from;
    if (args.count("from")) from = d.snapshot(args["from"].as<std::string>()).name();
    if (flag(args, "current")) {
        auto cur = d.currentSnapshot();
        if (!cur)
            throw Error(ErrorCode::NoDomainSnapshot,
                        "domain '" + d.name() + "' has no current snapshot");
        from = cur->name();
    }
    std::vector<SnapshotSummary> shown;
    for (const SnapshotSummary& snap : all) {
        if (from) {
            bool under = false;
            if (flag(args, "descendants") || flag(args, "current")) {
                for (auto p = snap.parent; p && !under;) {
                    under = *p == *from;
                    auto it = std::find_if(all.begin(), all.end(),
                                           [&](const SnapshotSummary& x) { return x.name == *p; });
                    p = it == all.end() ? std::nullopt : it->parent;
                }
            } else {
                under = snap.parent == *from;
            }
            if (!under) continue;
        }
        if (flag(args, "roots") && snap.parent) continue;
        if (flag(args, "leaves") && snap.children > 0) continue;
        if (flag(args, "no-leaves") && snap.children == 0) continue;
        shown.push_back(snap);
    }
    if (flag(args, "tree")) {
        for (const SnapshotSummary& snap : shown) {
            bool top = !snap.parent || std::none_of(shown.begin(), shown.end(), [&](auto& x) {
                return x.name == *snap.parent;
            });
            if (!top) continue;
            std::string indent;
            printTree(s.out(), shown, snap.name, true, true, indent);
        }
        s.out() << "\n";
        return 0;
    }
    if (flag(args, "name")) {
        for (const SnapshotSummary& snap : shown)
            s.out() << snap.name << "\n";
        s.out() << "\n";
        return 0;
    }
    bool parent = flag(args, "parent");
    Table t(parent ? std::vector<std::string>{"Name", "Creation Time", "State", "Parent"}
                   : std::vector<std::string>{"Name", "Creation Time", "State"});
    for (const SnapshotSummary& snap : shown) {
        std::vector<std::string> row{snap.name, timeText(snap.creationTime), snap.state};
        if (parent) row.push_back(snap.parent.value_or(""));
        t.add(row);
    }
    t.print(s.out(), !s.quiet);
    s.out() << "\n";
    return 0;
}

int cmdInfo(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    SnapshotSummary i = lookupSnapshot(s, d, args).summary();
    auto line = [&](const char* k, const std::string& v) {
        s.out() << k << std::string(16 - std::string_view(k).size(), ' ') << v << "\n";
    };
    line("Name:", i.name);
    line("Domain:", i.domain);
    line("Current:", i.current ? "yes" : "no");
    line("State:", i.state);
    line("Location:", i.location);
    line("Parent:", i.parent.value_or("-"));
    line("Children:", std::to_string(i.children));
    line("Descendants:", std::to_string(i.descendants));
    line("Metadata:", "yes");
    s.out() << "\n";
    return 0;
}

int cmdDumpxml(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    std::string xml = d.snapshot(args["snapshotname"].as<std::string>()).xml();
    s.out() << xml << (xml.ends_with("\n") ? "" : "\n");
    return 0;
}
void declareDumpxml(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("snapshotname", po::value<std::string>()->required(), "snapshot name");
    pos.add("snapshotname", 1);
}

void declareCurrent(po::options_description& opts, po::positional_options_description& pos) {
    declareDomain(opts, pos);
    opts.add_options()("name", "list the name, rather than the full xml");
}
int cmdCurrent(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    auto cur = d.currentSnapshot();
    if (!cur)
        throw Error(ErrorCode::NoDomainSnapshot,
                    "domain '" + d.name() + "' has no current snapshot");
    if (flag(args, "name")) {
        s.out() << cur->name() << "\n";
        return 0;
    }
    std::string xml = cur->xml();
    s.out() << xml << (xml.ends_with("\n") ? "" : "\n");
    return 0;
}

int cmdParent(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    DomainSnapshot snap = lookupSnapshot(s, d, args);
    auto parent = snap.parent();
    if (!parent)
        throw Error(ErrorCode::OperationInvalid, "snapshot '" + snap.name() + "' has no parent");
    s.out() << *parent << "\n";
    return 0;
}

void declareRevert(po::options_description& opts, po::positional_options_description& pos) {
    declareSnapshotName(opts, pos);
    opts.add_options()("running", "after reverting, change state to running")(
        "paused", "after reverting, change state to paused")("force",
                                                             "try harder on risky reverts");
}
int cmdRevert(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    DomainSnapshot snap = lookupSnapshot(s, d, args);
    unsigned flags = flagsOf(args, {{"running", kSnapshotRevertRunning},
                                    {"paused", kSnapshotRevertPaused},
                                    {"force", kSnapshotRevertForce}});
    inLibvirtWords(d, [&] { snap.revert(flags); });
    s.info() << "Domain snapshot " << snap.name() << " reverted\n\n";
    return 0;
}

void declareDelete(po::options_description& opts, po::positional_options_description& pos) {
    declareSnapshotName(opts, pos);
    opts.add_options()("children", "delete snapshot and all children")(
        "children-only", "delete children but not snapshot")(
        "metadata", "delete only libvirt metadata, leaving snapshot contents behind");
}
int cmdDelete(Session& s, const po::variables_map& args) {
    Domain d = lookupDomain(s, args);
    DomainSnapshot snap = lookupSnapshot(s, d, args);
    unsigned flags = flagsOf(args, {{"children", kSnapshotDeleteChildren},
                                    {"children-only", kSnapshotDeleteChildrenOnly},
                                    {"metadata", kSnapshotDeleteMetadataOnly}});
    inLibvirtWords(d, [&] { snap.remove(flags); });
    if (flag(args, "children-only"))
        s.info() << "Domain snapshot " << snap.name() << " children deleted\n\n";
    else
        s.info() << "Domain snapshot " << snap.name() << " deleted\n\n";
    return 0;
}

}  // namespace

std::vector<Command> snapshotCommands() {
    return {
        {"snapshot-create", "snapshot", "Create a snapshot from XML",
         "Create a snapshot from XML for use in future reverts: a container's writable file "
         "systems (copied with it frozen), a VM's qcow2 disks (and memory when it runs). "
         "--redefine puts back the metadata of a snapshot from what snapshot-dumpxml printed "
         "(--current: it becomes the current one); --no-metadata takes one without it; --halt "
         "stops the domain once it is taken.",
         declareCreate, cmdCreate, Complete::Domain},
        {"snapshot-create-as", "snapshot", "Create a snapshot from a set of args",
         "Create a snapshot (disk and RAM) from arguments.", declareCreateAs, cmdCreateAs,
         Complete::Domain},
        {"snapshot-current", "snapshot", "Get the current snapshot",
         "Get the current snapshot (its XML, or with --name its name).", declareCurrent, cmdCurrent,
         Complete::Domain},
        {"snapshot-delete", "snapshot", "Delete a domain snapshot",
         "Snapshot Delete: what it holds goes (not with --metadata); its children get its "
         "parent.",
         declareDelete, cmdDelete, Complete::Domain},
        {"snapshot-dumpxml", "snapshot", "Dump XML for a domain snapshot", "Snapshot Dump XML",
         declareDumpxml, cmdDumpxml, Complete::Domain},
        {"snapshot-info", "snapshot", "snapshot information",
         "Returns basic information about a snapshot.",
         [](po::options_description& o, po::positional_options_description& p) {
             declareSnapshotName(o, p);
         },
         cmdInfo, Complete::Domain},
        {"snapshot-list", "snapshot", "List snapshots for a domain", "Snapshot List", declareList,
         cmdList, Complete::Domain},
        {"snapshot-parent", "snapshot", "Get the name of the parent of a snapshot",
         "Extract the name of the parent of a snapshot",
         [](po::options_description& o, po::positional_options_description& p) {
             declareSnapshotName(o, p);
         },
         cmdParent, Complete::Domain},
        {"snapshot-revert", "snapshot", "Revert a domain to a snapshot",
         "Revert domain to snapshot: its disks (a VM's memory too, when the snapshot has it) "
         "and definition as they were; running, paused or off as then, or as --running, "
         "--paused say.",
         declareRevert, cmdRevert, Complete::Domain},
    };
}

}  // namespace cvirt::shell
