// SPDX-License-Identifier: GPL-3.0-or-later
#include <pugixml.hpp>
#include <sstream>

#include "conf/schema.h"
#include "conf/xml_util.h"
#include "cvirt/error.h"
#include "snapshot/snapshot_def.h"

namespace cvirt::snapshot {

using conf::XmlContext;

void checkSnapshotName(std::string_view name) {
    auto bad = [&](const std::string& why) {
        throw Error(ErrorCode::InvalidArg,
                    "invalid snapshot name '" + std::string(name) + "': " + why);
    };
    if (name.empty()) bad("it is empty");
    if (name.front() == '.') bad("it starts with '.'");
    if (name.find('/') != std::string_view::npos) bad("it contains '/'");
    if (name.size() > 200) bad("it is longer than 200 bytes");
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            bad("it contains a control character");
}

namespace {

std::string nodeText(pugi::xml_node node) {
    std::ostringstream out;
    node.print(
        out, "  ",
        pugi::format_indent | pugi::format_no_declaration | pugi::format_attribute_single_quote,
        pugi::encoding_utf8);
    return out.str();
}

DiskSnap parseDisk(const XmlContext& ctx, pugi::xml_node node) {
    DiskSnap d;
    d.name = conf::attrOf(node, "name").value_or("");
    if (auto s = conf::attrOf(node, "snapshot"))
        d.snapshot = conf::parseEnum(ctx, node, kLocationNames, *s, "snapshot location");
    if (auto t = conf::attrOf(node, "type"); t && *t != "file")
        ctx.fail(node, "unsupported disk snapshot type '" + std::string(*t) + "'");
    if (pugi::xml_node drv = node.child("driver"))
        d.driverType = conf::attrOf(drv, "type").value_or("");
    if (pugi::xml_node src = node.child("source"))
        d.sourceFile = conf::attrOf(src, "file").value_or("");
    if ((!d.driverType.empty() || !d.sourceFile.empty()) && d.snapshot &&
        *d.snapshot != Location::External)
        ctx.fail(node, "disk '" + d.name + "' has a <driver> or <source> but snapshot='" +
                           std::string(kLocationNames.name(*d.snapshot)) + "'");
    if (!d.sourceFile.empty() && !d.snapshot) d.snapshot = Location::External;
    return d;
}

}  // namespace

SnapshotDef parseSnapshot(std::string_view xml, const SnapshotParseOptions& opts) {
    conf::refuseUnsafeXml(xml, opts.filename);
    XmlContext ctx(opts.filename, xml);
    pugi::xml_document doc;
    bool loaded = bool(doc.load_buffer(xml.data(), xml.size()));
    // Before the schema, whose message for a control character names no attribute. The
    // domain inside is checked by the domain parser when it is read.
    if (loaded) conf::refuseBadText(ctx, doc.document_element(), {"description", "domain"}, {});
    // The model's messages name the fault more precisely than libxml2's: they come first,
    // the schema after for what the model does not check.
    if (!loaded && opts.validateSchema)
        conf::validateSchema(conf::Schema::Snapshot, xml, opts.filename);
    if (!loaded) throw Error(ErrorCode::XmlError, std::string(opts.filename) + ": malformed XML");
    pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "domainsnapshot")
        ctx.fail(root, "expected root element <domainsnapshot>");
    conf::refuseOtherChildren(ctx, root,
                              {"name", "description", "state", "creationTime", "memory", "disks",
                               "active", "parent", "domain"});
    SnapshotDef def;
    if (auto name = conf::childText(root, "name")) {
        def.name = *name;
        try {
            checkSnapshotName(def.name);
        } catch (const Error& e) {
            ctx.fail(root.child("name"), e.what());
        }
    }
    if (pugi::xml_node d = root.child("description")) def.description = d.text().get();
    if (auto s = conf::childText(root, "state"))
        def.state = conf::parseEnum(ctx, root.child("state"), kSnapStateNames, *s, "state");
    if (auto t = conf::childText(root, "creationTime"))
        def.creationTime = conf::parseI64(ctx, root.child("creationTime"), *t, "creationTime");
    if (pugi::xml_node m = root.child("memory")) {
        if (auto s = conf::attrOf(m, "snapshot"))
            def.memory = conf::parseEnum(ctx, m, kLocationNames, *s, "memory snapshot");
        def.memoryFile = conf::attrOf(m, "file").value_or("");
        if (!def.memoryFile.empty()) def.memory = Location::External;
    }
    for (pugi::xml_node disk : root.child("disks").children("disk")) {
        DiskSnap d = parseDisk(ctx, disk);
        for (const DiskSnap& other : def.disks)
            if (other.name == d.name) ctx.fail(disk, "disk '" + d.name + "' is named twice");
        def.disks.push_back(std::move(d));
    }
    if (pugi::xml_node p = root.child("parent"))
        def.parent = conf::childText(p, "name").value_or("");
    if (pugi::xml_node dom = root.child("domain")) def.domainXml = nodeText(dom);
    if (opts.validateSchema) conf::validateSchema(conf::Schema::Snapshot, xml, opts.filename);
    if (opts.request) {
        // libvirt fills these in itself (and reads them only with REDEFINE, which cvirt does
        // not offer): refused, never silently replaced.
        for (const char* own : {"state", "creationTime", "parent", "domain", "active"})
            if (pugi::xml_node n = root.child(own))
                ctx.fail(n, std::string("<") + own +
                                "> is set by the driver (redefining a snapshot is not supported)");
    }
    return def;
}

std::string formatSnapshot(const SnapshotDef& def) {
    pugi::xml_document doc;
    pugi::xml_node root = doc.append_child("domainsnapshot");
    if (!def.name.empty()) conf::appendText(root, "name", def.name);
    if (!def.description.empty()) conf::appendText(root, "description", def.description);
    if (def.state) conf::appendText(root, "state", kSnapStateNames.name(*def.state));
    if (!def.parent.empty()) conf::appendText(root.append_child("parent"), "name", def.parent);
    if (def.creationTime) conf::appendText(root, "creationTime", std::to_string(*def.creationTime));
    if (def.memory) {
        pugi::xml_node m = root.append_child("memory");
        conf::setAttr(m, "snapshot", kLocationNames.name(*def.memory));
        if (!def.memoryFile.empty()) conf::setAttr(m, "file", def.memoryFile);
    }
    if (!def.disks.empty()) {
        pugi::xml_node disks = root.append_child("disks");
        for (const DiskSnap& d : def.disks) {
            pugi::xml_node n = disks.append_child("disk");
            conf::setAttr(n, "name", d.name);
            if (d.snapshot) conf::setAttr(n, "snapshot", kLocationNames.name(*d.snapshot));
            if (!d.sourceFile.empty()) conf::setAttr(n, "type", "file");
            if (!d.driverType.empty())
                conf::setAttr(n.append_child("driver"), "type", d.driverType);
            if (!d.sourceFile.empty())
                conf::setAttr(n.append_child("source"), "file", d.sourceFile);
        }
    }
    if (!def.domainXml.empty()) {
        pugi::xml_document dom;
        if (dom.load_buffer(def.domainXml.data(), def.domainXml.size()))
            root.append_copy(dom.document_element());
    }
    return conf::saveDocument(doc);
}

}  // namespace cvirt::snapshot
