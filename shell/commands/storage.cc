// SPDX-License-Identifier: GPL-3.0-or-later
// Storage pools and volumes: pool-define, pool-define-as, pool-build, pool-start,
// pool-destroy, pool-undefine, pool-list, pool-info, pool-refresh, pool-autostart,
// pool-dumpxml, pool-edit, pool-name, pool-uuid; vol-create, vol-create-as, vol-clone,
// vol-delete, vol-list, vol-info, vol-dumpxml, vol-path, vol-key, vol-upload, vol-download,
// vol-resize, vol-wipe, and cvirt's own vol-import.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "commands/common.h"
#include "commands/editor.h"
#include "cvirt/units.h"
#include "engine/file.h"
#include "engine/table.h"

namespace cvirt::shell {

namespace {

// virsh's vshPrettyCapacity: "1.00 GiB".
std::string pretty(uint64_t bytes) {
    static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = static_cast<double>(bytes);
    size_t u = 0;
    while (v >= 1024 && u + 1 < std::size(kUnits)) {
        v /= 1024;
        ++u;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f %s", v, kUnits[u]);
    return buf;
}
std::string sized(uint64_t bytes, bool inBytes) {
    return inBytes ? std::to_string(bytes) + " bytes" : pretty(bytes);
}

// virsh's scaled integer: "N" bytes, "N<unit>" in libvirt's units (10M = 10 MiB).
uint64_t scaledBytes(const std::string& text) {
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    uint64_t scale = digits < text.size() ? unitScale(text.substr(digits)) : 1;
    if (digits == 0 || scale == 0)
        throw Error(ErrorCode::InvalidArg, "Scaled numeric value '" + text + "' is invalid");
    uint64_t n = 0;
    try {
        n = std::stoull(text.substr(0, digits));
    } catch (...) {
        throw Error(ErrorCode::InvalidArg, "Scaled numeric value '" + text + "' is too large");
    }
    if (n && scale > UINT64_MAX / n)
        throw Error(ErrorCode::InvalidArg, "Scaled numeric value '" + text + "' is too large");
    return n * scale;
}

void row(Session& s, const std::string& key, const std::string& value) {
    s.out() << key << std::string(key.size() < 16 ? 16 - key.size() : 1, ' ') << value << "\n";
}

std::string str(const po::variables_map& args, const char* name) {
    return args.count(name) ? args[name].as<std::string>() : std::string();
}

void declarePool(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("pool", po::value<std::string>()->required(), "pool name or uuid");
    pos.add("pool", 1);
}
StoragePool lookupPool(Session& s, const po::variables_map& args) {
    return s.connection().lookupPool(args["pool"].as<std::string>());
}

// A volume argument as virsh takes it: a name with --pool, else its path (its key).
void declareVol(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("vol", po::value<std::string>()->required(), "vol name, key or path")(
        "pool", po::value<std::string>(), "pool name or uuid");
    pos.add("vol", 1);
}
StorageVol lookupVol(Session& s, const po::variables_map& args) {
    std::string vol = args["vol"].as<std::string>();
    if (args.count("pool"))
        return s.connection().lookupPool(args["pool"].as<std::string>()).lookupVolume(vol);
    return s.connection().lookupVolumeByPath(vol);
}

// --- pools ---------------------------------------------------------------------------------

void declarePoolFile(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("file", po::value<std::string>()->required(),
                       "file containing an XML pool description");
    pos.add("file", 1);
}
int cmdPoolDefine(Session& s, const po::variables_map& args) {
    std::string file = args["file"].as<std::string>();
    StoragePool p = s.connection().definePool(readFile(file), file);
    s.info() << "Pool " << p.name() << " defined from " << file << "\n";
    return 0;
}

void declarePoolDefineAs(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("name", po::value<std::string>()->required(), "name of the pool")(
        "type", po::value<std::string>()->required(), "type of the pool")(
        "source-host", po::value<std::string>(), "source-host for underlying storage")(
        "source-path", po::value<std::string>(), "source path for underlying storage")(
        "source-dev", po::value<std::string>(), "source device for underlying storage")(
        "source-name", po::value<std::string>(), "source name for underlying storage")(
        "target", po::value<std::string>(), "target for underlying storage")(
        "print-xml", "print XML document, but don't define/create");
    for (const char* p :
         {"name", "type", "source-host", "source-path", "source-dev", "source-name", "target"})
        pos.add(p, 1);
}
int cmdPoolDefineAs(Session& s, const po::variables_map& args) {
    for (const char* o : {"source-host", "source-path", "source-dev", "source-name"})
        if (args.count(o) && str(args, o) != "-")
            throw Error(ErrorCode::ConfigUnsupported,
                        std::string("a pool of type 'dir' has no --") + o);
    std::string xml = "<pool type='" + escapeAttr(str(args, "type")) + "'>\n  <name>" +
                      escapeAttr(str(args, "name")) + "</name>\n  <target>\n    <path>" +
                      escapeAttr(str(args, "target")) + "</path>\n  </target>\n</pool>\n";
    if (flag(args, "print-xml")) {
        s.out() << xml;
        return 0;
    }
    StoragePool p = s.connection().definePool(xml, "pool-define-as");
    s.info() << "Pool " << p.name() << " defined\n";
    return 0;
}

void declarePoolBuild(po::options_description& opts, po::positional_options_description& pos) {
    declarePool(opts, pos);
    opts.add_options()("no-overwrite", "do not overwrite any existing data")(
        "overwrite", "overwrite any existing data");
}
int cmdPoolBuild(Session& s, const po::variables_map& args) {
    if (flag(args, "overwrite"))
        throw Error(ErrorCode::ConfigUnsupported,
                    "a dir pool is never formatted: --overwrite is not supported");
    StoragePool p = lookupPool(s, args);
    p.build();
    s.info() << "Pool " << p.name() << " built\n";
    return 0;
}

void declarePoolStart(po::options_description& opts, po::positional_options_description& pos) {
    declarePool(opts, pos);
    opts.add_options()("build", "build the pool as normal")("no-overwrite",
                                                            "build the pool without overwriting");
}
int cmdPoolStart(Session& s, const po::variables_map& args) {
    StoragePool p = lookupPool(s, args);
    if (flag(args, "build") || flag(args, "no-overwrite")) p.build();
    p.start();
    s.info() << "Pool " << p.name() << " started\n";
    return 0;
}
int cmdPoolDestroy(Session& s, const po::variables_map& args) {
    StoragePool p = lookupPool(s, args);
    p.destroy();
    s.info() << "Pool " << p.name() << " destroyed\n";
    return 0;
}
int cmdPoolUndefine(Session& s, const po::variables_map& args) {
    StoragePool p = lookupPool(s, args);
    p.undefine();
    s.info() << "Pool " << p.name() << " has been undefined\n";
    return 0;
}
int cmdPoolRefresh(Session& s, const po::variables_map& args) {
    StoragePool p = lookupPool(s, args);
    p.refresh();
    s.info() << "Pool " << p.name() << " refreshed\n";
    return 0;
}

void declarePoolList(po::options_description& opts, po::positional_options_description&) {
    opts.add_options()("inactive", "list inactive pools")("all", "list inactive & active pools")(
        "transient", "list transient pools")("persistent", "list persistent pools")(
        "autostart", "list pools with autostart enabled")("no-autostart",
                                                          "list pools with autostart disabled")(
        "type", po::value<std::string>(), "only list pool of specified type(s) (if supported)")(
        "details", "display extended details for pools")("uuid", "list UUID of active pools only")(
        "name", "list name of active pools only");
}
int cmdPoolList(Session& s, const po::variables_map& args) {
    bool inactive = flag(args, "all") || flag(args, "inactive");
    bool active = !flag(args, "inactive");
    std::vector<StoragePoolSummary> pools;
    for (auto& p : s.connection().listPools(active, inactive)) {
        if (flag(args, "transient") && p.persistent) continue;
        if (flag(args, "persistent") && !p.persistent) continue;
        if (flag(args, "autostart") && !p.autostart) continue;
        if (flag(args, "no-autostart") && p.autostart) continue;
        if (args.count("type") && str(args, "type").find("dir") == std::string::npos) continue;
        pools.push_back(p);
    }
    if (flag(args, "name") || flag(args, "uuid")) {
        for (const auto& p : pools)
            s.out() << (flag(args, "uuid") ? p.uuid : p.name) << "\n";
        return 0;
    }
    if (!flag(args, "details")) {
        Table t({"Name", "State", "Autostart"});
        for (const auto& p : pools)
            t.add({p.name, p.active ? "active" : "inactive", p.autostart ? "yes" : "no"});
        t.print(s.out(), !s.quiet);
        return 0;
    }
    Table t({"Name", "State", "Autostart", "Persistent", "Capacity", "Allocation", "Available"});
    for (const auto& p : pools)
        t.add({p.name, p.active ? "running" : "inactive", p.autostart ? "yes" : "no",
               p.persistent ? "yes" : "no", p.active ? pretty(p.capacity) : "-",
               p.active ? pretty(p.allocation) : "-", p.active ? pretty(p.available) : "-"});
    t.print(s.out(), !s.quiet);
    return 0;
}

void declarePoolInfo(po::options_description& opts, po::positional_options_description& pos) {
    declarePool(opts, pos);
    opts.add_options()("bytes", "Reture pool info in bytes");
}
int cmdPoolInfo(Session& s, const po::variables_map& args) {
    StoragePoolSummary p = lookupPool(s, args).summary();
    bool b = flag(args, "bytes");
    row(s, "Name:", p.name);
    row(s, "UUID:", p.uuid);
    row(s, "State:", p.active ? "running" : "inactive");
    row(s, "Persistent:", p.persistent ? "yes" : "no");
    row(s, "Autostart:", p.autostart ? "yes" : "no");
    if (p.active) {
        row(s, "Capacity:", sized(p.capacity, b));
        row(s, "Allocation:", sized(p.allocation, b));
        row(s, "Available:", sized(p.available, b));
    }
    return 0;
}

void declarePoolAutostart(po::options_description& opts, po::positional_options_description& pos) {
    declarePool(opts, pos);
    opts.add_options()("disable", "disable autostarting");
}
int cmdPoolAutostart(Session& s, const po::variables_map& args) {
    StoragePool p = lookupPool(s, args);
    bool enable = !flag(args, "disable");
    p.setAutostart(enable);
    s.info() << "Pool " << p.name() << (enable ? " marked" : " unmarked") << " as autostarted\n";
    return 0;
}

void declarePoolDumpxml(po::options_description& opts, po::positional_options_description& pos) {
    declarePool(opts, pos);
    opts.add_options()("inactive", "show inactive defined XML");
}
int cmdPoolDumpxml(Session& s, const po::variables_map& args) {
    s.out() << lookupPool(s, args).xml(flag(args, "inactive"));
    return 0;
}
int cmdPoolEdit(Session& s, const po::variables_map& args) {
    StoragePool p = lookupPool(s, args);
    std::string name;
    bool changed = editUntilApplied(
        s, p.xml(true), ".xml",
        [&](const std::string& edited, const std::string& path) {
            name = s.connection().definePool(edited, path).name();
        },
        "edit of pool '" + p.name() + "' abandoned");
    if (changed)
        s.info() << "Pool " << name << " XML configuration edited.\n";
    else
        s.info() << "Pool " << p.name() << " XML configuration not changed.\n";
    return 0;
}
int cmdPoolName(Session& s, const po::variables_map& args) {
    s.out() << lookupPool(s, args).name() << "\n";
    return 0;
}
int cmdPoolUuid(Session& s, const po::variables_map& args) {
    s.out() << lookupPool(s, args).summary().uuid << "\n";
    return 0;
}

// --- volumes -------------------------------------------------------------------------------

void declareVolCreate(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("pool", po::value<std::string>()->required(), "pool name")(
        "file", po::value<std::string>()->required(), "file containing an XML vol description");
    pos.add("pool", 1).add("file", 1);
}
int cmdVolCreate(Session& s, const po::variables_map& args) {
    std::string file = args["file"].as<std::string>();
    StorageVol v = lookupPool(s, args).createVolume(readFile(file), file);
    s.info() << "Vol " << v.name() << " created from " << file << "\n";
    return 0;
}

void declareVolCreateAs(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("pool", po::value<std::string>()->required(), "pool name")(
        "name", po::value<std::string>()->required(), "name of the volume")(
        "capacity", po::value<std::string>()->required(),
        "size of the vol, as scaled integer (default bytes)")(
        "allocation", po::value<std::string>(), "initial allocation size, as scaled integer")(
        "format", po::value<std::string>(), "file format type raw,qcow2,dir")(
        "backing-vol", po::value<std::string>(), "the backing volume if taking a snapshot")(
        "backing-vol-format", po::value<std::string>(), "format of backing volume")(
        "print-xml", "print XML document, but don't define/create");
    pos.add("pool", 1).add("name", 1).add("capacity", 1);
}
int cmdVolCreateAs(Session& s, const po::variables_map& args) {
    StoragePool pool = lookupPool(s, args);
    std::string format = args.count("format") ? str(args, "format") : "raw";
    bool dir = format == "dir";
    std::string xml = std::string("<volume type='") + (dir ? "dir" : "file") + "'>\n  <name>" +
                      escapeAttr(str(args, "name")) + "</name>\n  <capacity>" +
                      std::to_string(scaledBytes(str(args, "capacity"))) + "</capacity>\n";
    if (args.count("allocation"))
        xml += "  <allocation>" + std::to_string(scaledBytes(str(args, "allocation"))) +
               "</allocation>\n";
    xml += "  <target>\n    <format type='" + escapeAttr(format) + "'/>\n  </target>\n";
    if (args.count("backing-vol")) {
        // a name in this pool, or a path
        std::string b = str(args, "backing-vol");
        std::string path = b.find('/') == std::string::npos ? pool.lookupVolume(b).path() : b;
        xml += "  <backingStore>\n    <path>" + escapeAttr(path) + "</path>\n";
        if (args.count("backing-vol-format"))
            xml += "    <format type='" + escapeAttr(str(args, "backing-vol-format")) + "'/>\n";
        xml += "  </backingStore>\n";
    }
    xml += "</volume>\n";
    if (flag(args, "print-xml")) {
        s.out() << xml;
        return 0;
    }
    StorageVol v = pool.createVolume(xml, "vol-create-as");
    s.info() << "Vol " << v.name() << " created\n";
    return 0;
}

void declareVolClone(po::options_description& opts, po::positional_options_description& pos) {
    declareVol(opts, pos);
    opts.add_options()("newname", po::value<std::string>()->required(), "clone name");
    pos.add("newname", 1);
}
int cmdVolClone(Session& s, const po::variables_map& args) {
    StorageVol src = lookupVol(s, args);
    std::string name = args["newname"].as<std::string>();
    s.connection().lookupPool(src.poolName()).cloneVolume(src.name(), name);
    s.info() << "Vol " << name << " cloned from " << src.name() << "\n";
    return 0;
}

int cmdVolDelete(Session& s, const po::variables_map& args) {
    StorageVol v = lookupVol(s, args);
    v.remove();
    s.info() << "Vol " << v.name() << " deleted\n";
    return 0;
}

void declareVolWipe(po::options_description& opts, po::positional_options_description& pos) {
    declareVol(opts, pos);
    opts.add_options()("algorithm", po::value<std::string>(), "perform selected wiping algorithm");
}
int cmdVolWipe(Session& s, const po::variables_map& args) {
    if (args.count("algorithm") && str(args, "algorithm") != "zero")
        throw Error(ErrorCode::ConfigUnsupported,
                    "wiping algorithm '" + str(args, "algorithm") + "' is not supported (zero)");
    StorageVol v = lookupVol(s, args);
    v.wipe();
    s.info() << "Vol " << v.name() << " wiped\n";
    return 0;
}

void declareVolList(po::options_description& opts, po::positional_options_description& pos) {
    declarePool(opts, pos);
    opts.add_options()("details", "display extended details for volumes");
}
int cmdVolList(Session& s, const po::variables_map& args) {
    auto vols = lookupPool(s, args).volumes();
    if (!flag(args, "details")) {
        Table t({"Name", "Path"});
        for (const auto& v : vols)
            t.add({v.name, v.path});
        t.print(s.out(), !s.quiet);
        return 0;
    }
    Table t({"Name", "Path", "Type", "Capacity", "Allocation"});
    for (const auto& v : vols)
        t.add({v.name, v.path, v.type, pretty(v.capacity), pretty(v.allocation)});
    t.print(s.out(), !s.quiet);
    return 0;
}

void declareVolInfo(po::options_description& opts, po::positional_options_description& pos) {
    declareVol(opts, pos);
    opts.add_options()("bytes", "sizes are represented in bytes rather than pretty units");
}
int cmdVolInfo(Session& s, const po::variables_map& args) {
    StorageVolSummary v = lookupVol(s, args).summary();
    bool b = flag(args, "bytes");
    row(s, "Name:", v.name);
    row(s, "Type:", v.type);
    row(s, "Capacity:", sized(v.capacity, b));
    row(s, "Allocation:", sized(v.allocation, b));
    return 0;
}

int cmdVolDumpxml(Session& s, const po::variables_map& args) {
    s.out() << lookupVol(s, args).xml();
    return 0;
}
int cmdVolPath(Session& s, const po::variables_map& args) {
    s.out() << lookupVol(s, args).path() << "\n";
    return 0;
}
int cmdVolName(Session& s, const po::variables_map& args) {
    s.out() << lookupVol(s, args).name() << "\n";
    return 0;
}
int cmdVolPool(Session& s, const po::variables_map& args) {
    s.out() << lookupVol(s, args).poolName() << "\n";
    return 0;
}

void declareVolTransfer(po::options_description& opts, po::positional_options_description& pos) {
    declareVol(opts, pos);
    opts.add_options()("file", po::value<std::string>()->required(), "file")(
        "offset", po::value<std::string>(), "volume offset to start at")(
        "length", po::value<std::string>(), "amount of data");
    pos.add("file", 1);
}
uint64_t number(const po::variables_map& args, const char* name) {
    if (!args.count(name)) return 0;
    std::string t = str(args, name);
    try {
        size_t used = 0;
        unsigned long long v = std::stoull(t, &used);
        if (used == t.size() && t[0] != '-') return v;
    } catch (...) {
    }
    throw Error(ErrorCode::InvalidArg,
                "Unable to parse integer parameter to --" + std::string(name));
}
int cmdVolUpload(Session& s, const po::variables_map& args) {
    StorageVol v = lookupVol(s, args);
    std::string file = str(args, "file");
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throwSystemError(errno, "cannot read " + file);
    struct Close {
        int fd;
        ~Close() { ::close(fd); }
    } closer{fd};
    v.upload(fd, number(args, "offset"), number(args, "length"));
    return 0;
}
int cmdVolDownload(Session& s, const po::variables_map& args) {
    StorageVol v = lookupVol(s, args);
    std::string file = str(args, "file");
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) throwSystemError(errno, "cannot create " + file);
    struct Close {
        int fd;
        ~Close() { ::close(fd); }
    } closer{fd};
    v.download(fd, number(args, "offset"), number(args, "length"));
    return 0;
}

void declareVolResize(po::options_description& opts, po::positional_options_description& pos) {
    declareVol(opts, pos);
    opts.add_options()("capacity", po::value<std::string>()->required(),
                       "new capacity for the vol, as scaled integer (default bytes)")(
        "allocate", "allocate the new capacity, rather than leaving it sparse")(
        "delta", "use capacity as a delta to current size, rather than the new size")(
        "shrink", "allow the resize to shrink the volume");
    pos.add("capacity", 1);
}
int cmdVolResize(Session& s, const po::variables_map& args) {
    StorageVol v = lookupVol(s, args);
    std::string text = str(args, "capacity");
    bool negative = !text.empty() && text[0] == '-';
    if (negative) text = text.substr(1);
    uint64_t size = scaledBytes(text);
    uint64_t current = v.summary().capacity;
    uint64_t target = size;
    if (flag(args, "delta") || negative) {
        if (negative && !flag(args, "shrink"))
            throw Error(ErrorCode::InvalidArg, "negative size requires --shrink");
        target = negative ? (size > current ? 0 : current - size) : current + size;
    }
    if (flag(args, "allocate"))
        throw Error(ErrorCode::ConfigUnsupported,
                    "--allocate is not supported: volumes grow sparse");
    v.resize(target, flag(args, "shrink"));
    s.info() << "Size of volume '" << v.name() << "' successfully changed to "
             << str(args, "capacity") << "\n";
    return 0;
}

void declareVolImport(po::options_description& opts, po::positional_options_description& pos) {
    opts.add_options()("pool", po::value<std::string>()->required(), "pool name or uuid")(
        "name", po::value<std::string>()->required(), "name of the new dir volume")(
        "source", po::value<std::string>()->required(),
        "root file system tar (any compression), OCI image layout or docker-archive");
    pos.add("pool", 1).add("name", 1).add("source", 1);
}
int cmdVolImport(Session& s, const po::variables_map& args) {
    StorageVol v = lookupPool(s, args).importVolume(str(args, "name"), str(args, "source"));
    s.info() << "Vol " << v.name() << " imported from " << str(args, "source") << "\n";
    return 0;
}

}  // namespace

std::vector<Command> storageCommands() {
    return {
        {"pool-autostart", "pool", "autostart a pool",
         "Configure a pool to be automatically started at boot.", declarePoolAutostart,
         cmdPoolAutostart, Complete::Pool},
        {"pool-build", "pool", "build a pool", "Build a given pool: make its target directory.",
         declarePoolBuild, cmdPoolBuild, Complete::Pool},
        {"pool-define", "pool", "define an inactive persistent storage pool from an XML file",
         "Define a new inactive persistent storage pool from an XML file.", declarePoolFile,
         cmdPoolDefine, Complete::File},
        {"pool-define-as", "pool", "define a pool from a set of args",
         "Define a pool: cvirt's pools are of type dir (--target DIR).", declarePoolDefineAs,
         cmdPoolDefineAs},
        {"pool-destroy", "pool", "destroy (stop) a pool",
         "Stop a given pool; refused while a running domain uses one of its volumes. Its "
         "volumes stay on disk.",
         declarePool, cmdPoolDestroy, Complete::Pool},
        {"pool-dumpxml", "pool", "pool information in XML",
         "Output the pool information as an XML dump to stdout.", declarePoolDumpxml,
         cmdPoolDumpxml, Complete::Pool},
        {"pool-edit", "pool", "edit XML configuration for a storage pool",
         "Edit the XML configuration for a storage pool.", declarePool, cmdPoolEdit,
         Complete::Pool},
        {"pool-info", "pool", "storage pool information",
         "Returns basic information about the storage pool.", declarePoolInfo, cmdPoolInfo,
         Complete::Pool},
        {"pool-list", "pool", "list pools", "Returns list of pools.", declarePoolList, cmdPoolList},
        {"pool-name", "pool", "convert a pool UUID to pool name",
         "Convert a pool UUID to pool name.", declarePool, cmdPoolName, Complete::Pool},
        {"pool-refresh", "pool", "refresh a pool",
         "Refresh a given pool: what interrupted volume changes left is removed.", declarePool,
         cmdPoolRefresh, Complete::Pool},
        {"pool-start", "pool", "start a (previously defined) inactive pool", "Start a pool.",
         declarePoolStart, cmdPoolStart, Complete::Pool},
        {"pool-undefine", "pool", "undefine an inactive pool",
         "Undefine the configuration for an inactive pool.", declarePool, cmdPoolUndefine,
         Complete::Pool},
        {"pool-uuid", "pool", "convert a pool name to pool UUID",
         "Returns the UUID of the named pool.", declarePool, cmdPoolUuid, Complete::Pool},
        {"vol-clone", "volume", "clone a volume.",
         "Clone an existing volume within the parent pool: a dir volume's clone is a "
         "copy-on-write overlay child, a qcow2 volume's a qcow2 child backed by it, a raw "
         "volume's a full copy.",
         declareVolClone, cmdVolClone},
        {"vol-create", "volume", "create a vol from an XML file", "Create a vol from an XML file.",
         declareVolCreate, cmdVolCreate, Complete::Pool},
        {"vol-create-as", "volume", "create a volume from a set of args",
         "Create a volume (raw, qcow2 or dir) from a set of args.", declareVolCreateAs,
         cmdVolCreateAs, Complete::Pool},
        {"vol-delete", "volume", "delete a vol",
         "Delete a given vol; refused while clones depend on it or a running domain uses it.",
         declareVol, cmdVolDelete},
        {"vol-download", "volume", "download volume contents to a file",
         "Download the contents of a file volume to a file.", declareVolTransfer, cmdVolDownload},
        {"vol-dumpxml", "volume", "vol information in XML",
         "Output the vol information as an XML dump to stdout.", declareVol, cmdVolDumpxml},
        {"vol-import", "volume", "make a dir volume from an image (cvirt)",
         "cvirt's own: make a dir volume from a root file system tar archive (any "
         "compression), an OCI image layout (a directory or a tar of one) or a docker-archive, "
         "layers applied in order with whiteouts. Unsafe archives are refused and leave no "
         "volume behind.",
         declareVolImport, cmdVolImport, Complete::Pool},
        {"vol-info", "volume", "storage vol information",
         "Returns basic information about the storage vol.", declareVolInfo, cmdVolInfo},
        {"vol-key", "volume", "returns the volume key for a given volume name or path",
         "Returns the volume key (its path) for a given volume name or path.", declareVol,
         cmdVolPath},
        {"vol-list", "volume", "list vols", "Returns list of vols by pool.", declareVolList,
         cmdVolList, Complete::Pool},
        {"vol-name", "volume", "returns the volume name for a given volume key or path",
         "Returns the volume name for a given volume key or path.", declareVol, cmdVolName},
        {"vol-path", "volume", "returns the volume path for a given volume name or key",
         "Returns the volume path for a given volume name or key.", declareVol, cmdVolPath},
        {"vol-pool", "volume", "returns the storage pool for a given volume key or path",
         "Returns the storage pool for a given volume key or path.", declareVol, cmdVolPool},
        {"vol-resize", "volume", "resize a vol", "Resizes a raw or qcow2 storage volume.",
         declareVolResize, cmdVolResize},
        {"vol-upload", "volume", "upload file contents to a volume",
         "Upload file contents to a file volume.", declareVolTransfer, cmdVolUpload},
        {"vol-wipe", "volume", "wipe a vol",
         "Ensure data previously on a volume is not accessible to future reads: a raw file "
         "zeroed, a qcow2 image emptied, a dir tree emptied (a clone shows its source again).",
         declareVolWipe, cmdVolWipe},
    };
}

}  // namespace cvirt::shell
