// SPDX-License-Identifier: GPL-3.0-or-later
// parseDomain / formatDomain: the document level. Element groups live in their own files.
#include "conf/domain.h"

#include <sstream>

#include "conf/schema.h"
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf {

namespace {

void parseDevices(const XmlContext& ctx, pugi::xml_node devices, DomainDef& def) {
    for (pugi::xml_node n : devices.children()) {
        if (n.type() != pugi::node_element) continue;
        std::string_view name = n.name();
        if (name == "emulator")
            def.emulator = trimmed(n.text().get());
        else if (name == "disk")
            def.disks.push_back(detail::parseDisk(ctx, n));
        else if (name == "filesystem")
            def.filesystems.push_back(detail::parseFilesystem(ctx, n));
        else if (name == "interface")
            def.interfaces.push_back(detail::parseInterface(ctx, n));
        else if (name == "console")
            def.consoles.push_back(detail::parseCharDevice(ctx, n));
        else if (name == "serial")
            def.serials.push_back(detail::parseCharDevice(ctx, n));
        else if (name == "hostdev")
            def.hostdevs.push_back(detail::parseHostdev(ctx, n));
        else if (name == "controller")
            def.controllers.push_back(detail::parseController(ctx, n));
        else if (name == "channel")
            def.channels.push_back(detail::parseChannel(ctx, n));
        else if (name == "memballoon") {
            if (def.memballoon) ctx.fail(n, "only one <memballoon> is allowed");
            def.memballoon = detail::parseMemballoon(ctx, n);
        } else if (name == "video")
            def.videos.push_back(detail::parseVideo(ctx, n));
        else if (name == "graphics")
            def.graphics.push_back(detail::parseGraphics(ctx, n));
        else if (name == "input")
            def.inputs.push_back(detail::parseInput(ctx, n));
        else if (name == "rng")
            def.rngs.push_back(detail::parseRng(ctx, n));
        else
            ctx.fail(n, "unsupported device");
    }
}

void formatDevices(const DomainDef& def, pugi::xml_node domain) {
    pugi::xml_node devices = domain.append_child("devices");
    if (!def.emulator.empty()) appendText(devices, "emulator", def.emulator);
    for (const auto& d : def.disks)
        detail::formatDisk(d, devices);
    for (const auto& c : def.controllers)
        detail::formatController(c, devices);
    for (const auto& f : def.filesystems)
        detail::formatFilesystem(f, devices);
    for (const auto& i : def.interfaces)
        detail::formatInterface(i, devices);
    for (const auto& i : def.inputs)
        detail::formatInput(i, devices);
    for (const auto& g : def.graphics)
        detail::formatGraphics(g, devices);
    for (const auto& v : def.videos)
        detail::formatVideo(v, devices);
    for (const auto& s : def.serials)
        detail::formatCharDevice(s, devices);
    for (const auto& c : def.consoles)
        detail::formatCharDevice(c, devices);
    for (const auto& c : def.channels)
        detail::formatChannel(c, devices);
    for (const auto& h : def.hostdevs)
        detail::formatHostdev(h, devices);
    if (def.memballoon) detail::formatMemballoon(*def.memballoon, devices);
    for (const auto& r : def.rngs)
        detail::formatRng(r, devices);
}

// Elements of <domain> that appear at most once, and those that must appear.
constexpr std::string_view kSingletons[] = {
    "name",        "uuid",          "title",     "description", "metadata", "maxMemory",
    "memory",      "currentMemory", "blkiotune", "memtune",     "vcpu",     "cputune",
    "numatune",    "resource",      "os",        "idmap",       "features", "clock",
    "on_poweroff", "on_reboot",     "on_crash",  "devices",     "cpu",      "pm"};
constexpr std::string_view kRequired[] = {"name", "memory", "os"};

void checkStructure(const XmlContext& ctx, pugi::xml_node root) {
    for (std::string_view name : kSingletons) {
        pugi::xml_node first = root.child(std::string(name).c_str());
        if (!first) continue;
        pugi::xml_node second = first.next_sibling(std::string(name).c_str());
        if (second)
            ctx.fail(second, "element appears twice (first at line " +
                                 std::to_string(ctx.lineOf(first)) + ")");
    }
    for (std::string_view name : kRequired)
        if (!root.child(std::string(name).c_str()))
            ctx.fail(root, "missing <" + std::string(name) + ">");
    if (pugi::xml_node os = root.child("os"); os && !os.child("type"))
        ctx.fail(os, "missing <type>");
}

DomainDef parseValidated(std::string_view xml, const ParseOptions& opts);
std::string formatDocument(const DomainDef& def, const FormatFlags& flags);

}  // namespace

DomainDef parseDomain(std::string_view xml, const ParseOptions& opts) {
    refuseUnsafeXml(xml, opts.filename);
    if (!opts.validateSchema) return parseValidated(xml, opts);
    try {
        validateDomainSchema(xml, opts.filename);
    } catch (const Error& schemaError) {
        // The element parsers name the offending value more precisely than libxml2 does;
        // when they see the problem too, theirs is the message.
        parseValidated(xml, {.filename = opts.filename, .validateSchema = false});
        throw;
    }
    return parseValidated(xml, opts);
}

namespace {

DomainDef parseValidated(std::string_view xml, const ParseOptions& opts) {
    pugi::xml_document doc;
    pugi::xml_parse_result res =
        doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
    XmlContext ctx(opts.filename, xml);
    if (!res) {
        // Line of the failing offset, as the schema validator would report it.
        pugi::xml_node none;
        std::string where(opts.filename);
        int line = 1;
        for (ptrdiff_t i = 0; i < res.offset && i < static_cast<ptrdiff_t>(xml.size()); ++i)
            if (xml[i] == '\n') ++line;
        throw Error(ErrorCode::XmlError,
                    where + ":" + std::to_string(line) + ": malformed XML: " + res.description());
    }
    pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != "domain") ctx.fail(root, "expected root element <domain>");
    // Before anything is built: no control character, non-UTF-8 byte or bidi override in
    // any name, path or value (free text only in <description> and <metadata>).
    refuseBadText(ctx, root, {"description", "metadata"},
                  {"title", "initarg", "initenv", "cmdline"});

    DomainDef def;
    auto type = attrOf(root, "type");
    if (!type) ctx.fail(root, "missing attribute 'type'");
    def.type = parseEnum(ctx, root, kDomainTypeNames, *type, "domain type");

    checkStructure(ctx, root);
    detail::parseGeneral(ctx, root, def);
    detail::parseResources(ctx, root, def);
    detail::parseOs(ctx, root, def);
    detail::parseCpuAndPm(ctx, root, def);
    if (pugi::xml_node devices = root.child("devices")) parseDevices(ctx, devices, def);
    detail::parseSeclabels(ctx, root, def);
    detail::parseLxcNamespace(ctx, root, def);
    detail::parseCvirtExtensions(ctx, root, def);
    return def;
}

}  // namespace

std::string formatDomain(const DomainDef& def, const FormatFlags& flags) {
    if (flags.id) {
        DomainDef live = def;
        assignLiveAliases(live);
        return formatDocument(live, flags);
    }
    return formatDocument(def, flags);
}

namespace {

std::string formatDocument(const DomainDef& def, const FormatFlags& flags) {
    pugi::xml_document doc;
    pugi::xml_node root = doc.append_child("domain");
    setAttr(root, "type", kDomainTypeNames.name(def.type));
    if (flags.id) setAttr(root, "id", std::to_string(*flags.id));
    if (!def.lxcNamespaces.empty()) setAttr(root, "xmlns:lxc", kLxcNamespaceUri);
    if (!def.cvirtResources.empty() || !def.cvirtSecurity.empty())
        setAttr(root, "xmlns:cvirt", kCvirtNamespaceUri);

    detail::formatGeneral(def, root);
    detail::formatResources(def, root);
    detail::formatOs(def, root);
    formatDevices(def, root);
    detail::formatSeclabels(def, root);
    detail::formatLxcNamespace(def, root);
    detail::formatCvirtExtensions(def, root);

    return saveDocument(doc);
}

}  // namespace

DomainDef loadDomain(std::string_view xml, const ParseOptions& opts) {
    DomainDef def = parseDomain(xml, opts);
    applyDefaults(def);
    validate(def, opts.filename);
    return def;
}

}  // namespace cvirt::conf
