// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/pool_def.h"

#include <pugixml.hpp>

#include "conf/schema.h"
#include "conf/text_check.h"
#include "conf/xml_util.h"
#include "cvirt/error.h"
#include "cvirt/units.h"

namespace cvirt::storage {

using conf::appendText;
using conf::attrOf;
using conf::childText;
using conf::setAttr;

std::string_view volFormatName(VolFormat format) {
    return format == VolFormat::Qcow2 ? "qcow2" : format == VolFormat::Dir ? "dir" : "raw";
}

std::optional<VolFormat> parseVolFormat(std::string_view text) {
    if (text == "raw") return VolFormat::Raw;
    if (text == "qcow2") return VolFormat::Qcow2;
    if (text == "dir") return VolFormat::Dir;
    return std::nullopt;
}

uint64_t parseScaledBytes(std::string_view text, std::string_view defaultUnit) {
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    std::string_view unit = text.substr(digits);
    if (unit.empty()) unit = defaultUnit;
    uint64_t scale = unitScale(unit);
    if (digits == 0 || scale == 0)
        throw Error(ErrorCode::InvalidArg, "invalid size '" + std::string(text) + "'");
    uint64_t n = 0;
    for (size_t i = 0; i < digits; ++i) {
        if (n > (UINT64_MAX - 9) / 10)
            throw Error(ErrorCode::InvalidArg, "size '" + std::string(text) + "' is too large");
        n = n * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    if (n != 0 && scale > UINT64_MAX / n)
        throw Error(ErrorCode::InvalidArg, "size '" + std::string(text) + "' is too large");
    return n * scale;
}

namespace {

pugi::xml_node loadDoc(pugi::xml_document& doc, std::string_view xml, std::string_view filename,
                       bool validateSchema, conf::Schema schema, const char* rootName) {
    conf::refuseUnsafeXml(xml, filename);
    bool loaded = bool(doc.load_buffer(xml.data(), xml.size()));
    if (validateSchema) conf::validateSchema(schema, xml, filename);
    if (!loaded) throw Error(ErrorCode::XmlError, std::string(filename) + ": malformed XML");
    pugi::xml_node root = doc.document_element();
    if (std::string_view(root.name()) != rootName)
        throw Error(ErrorCode::XmlError,
                    std::string(filename) + ": expected root element <" + rootName + ">");
    return root;
}

std::string nameOf(const conf::XmlContext& ctx, pugi::xml_node root) {
    auto name = childText(root, "name");
    if (!name || name->empty()) ctx.fail(root, "missing <name>");
    if (name->front() == '.' || name->find('/') != std::string::npos)
        ctx.fail(root.child("name"), "name '" + *name + "' may not start with '.' or hold '/'");
    for (char c : *name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            ctx.fail(root.child("name"), "name holds a control character");
    return *name;
}

Permissions parsePerms(const conf::XmlContext& ctx, pugi::xml_node node) {
    Permissions p;
    if (!node) return p;
    if (auto m = childText(node, "mode")) p.mode = std::stoul(*m, nullptr, 8);
    if (auto o = childText(node, "owner"))
        p.owner = conf::parseU32(ctx, node.child("owner"), *o, "owner");
    if (auto g = childText(node, "group"))
        p.group = conf::parseU32(ctx, node.child("group"), *g, "group");
    return p;
}

void formatPerms(pugi::xml_node parent, const Permissions& p) {
    if (!p.mode && !p.owner && !p.group) return;
    pugi::xml_node n = parent.append_child("permissions");
    if (p.mode) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04o", *p.mode);
        appendText(n, "mode", buf);
    }
    if (p.owner) appendText(n, "owner", std::to_string(*p.owner));
    if (p.group) appendText(n, "group", std::to_string(*p.group));
}

void appendBytes(pugi::xml_node parent, const char* name, uint64_t bytes) {
    setAttr(appendText(parent, name, std::to_string(bytes)), "unit", "bytes");
}

uint64_t sizeOf(const conf::XmlContext& ctx, pugi::xml_node node) {
    std::string text = conf::trimmed(node.text().get());
    std::string unit(attrOf(node, "unit").value_or("bytes"));
    try {
        return parseScaledBytes(text + unit);
    } catch (const Error& e) {
        ctx.fail(node, e.what());
    }
}

std::string absolutePath(const conf::XmlContext& ctx, pugi::xml_node node, const std::string& p) {
    std::string clean = std::filesystem::path(p).lexically_normal().string();
    while (clean.size() > 1 && clean.back() == '/')
        clean.pop_back();
    if (clean.empty() || clean[0] != '/') ctx.fail(node, "path '" + p + "' is not absolute");
    return clean;
}

}  // namespace

PoolDef parsePool(std::string_view xml, std::string_view filename, bool validateSchema) {
    pugi::xml_document doc;
    conf::XmlContext ctx(filename, xml);
    pugi::xml_node root =
        loadDoc(doc, xml, filename, validateSchema, conf::Schema::StoragePool, "pool");
    PoolDef def;
    def.type = attrOf(root, "type").value_or("");
    if (def.type != "dir") ctx.fail(root, "unsupported pool type '" + def.type + "' (only dir)");
    def.name = nameOf(ctx, root);
    if (auto uuid = childText(root, "uuid")) {
        def.uuid = util::parseUuid(*uuid);
        if (!def.uuid) ctx.fail(root.child("uuid"), "invalid uuid '" + *uuid + "'");
    }
    pugi::xml_node target = root.child("target");
    auto path = childText(target, "path");
    if (!path) ctx.fail(target, "missing <path>");
    def.target = absolutePath(ctx, target.child("path"), *path);
    if (def.target == "/") ctx.fail(target.child("path"), "the pool target may not be '/'");
    def.perms = parsePerms(ctx, target.child("permissions"));
    return def;
}

std::string formatPool(const PoolDef& def, const PoolSpace& space) {
    pugi::xml_document doc;
    pugi::xml_node root = doc.append_child("pool");
    setAttr(root, "type", def.type);
    appendText(root, "name", def.name);
    if (def.uuid) appendText(root, "uuid", util::formatUuid(*def.uuid));
    appendBytes(root, "capacity", space.capacity);
    appendBytes(root, "allocation", space.allocation);
    appendBytes(root, "available", space.available);
    root.append_child("source");
    pugi::xml_node target = root.append_child("target");
    appendText(target, "path", def.target);
    formatPerms(target, def.perms);
    return conf::saveDocument(doc);
}

VolDef parseVol(std::string_view xml, std::string_view filename, bool validateSchema) {
    pugi::xml_document doc;
    conf::XmlContext ctx(filename, xml);
    pugi::xml_node root =
        loadDoc(doc, xml, filename, validateSchema, conf::Schema::StorageVol, "volume");
    VolDef def;
    def.name = nameOf(ctx, root);
    if (pugi::xml_node c = root.child("capacity")) def.capacity = sizeOf(ctx, c);
    if (pugi::xml_node a = root.child("allocation")) def.allocation = sizeOf(ctx, a);
    pugi::xml_node target = root.child("target");
    bool typeDir = attrOf(root, "type").value_or("file") == "dir";
    if (auto f = attrOf(target.child("format"), "type"))
        def.format = *parseVolFormat(*f);
    else if (typeDir)
        def.format = VolFormat::Dir;
    if (typeDir != (def.format == VolFormat::Dir))
        ctx.fail(root, "a volume of type '" + std::string(typeDir ? "dir" : "file") +
                           "' cannot have format '" + std::string(volFormatName(def.format)) + "'");
    def.perms = parsePerms(ctx, target.child("permissions"));
    if (def.format != VolFormat::Dir && !root.child("capacity") && !root.child("backingStore"))
        ctx.fail(root,
                 "missing <capacity> of a " + std::string(volFormatName(def.format)) + " volume");
    if (pugi::xml_node b = root.child("backingStore")) {
        def.backingPath = absolutePath(ctx, b.child("path"), *childText(b, "path"));
        if (auto f = attrOf(b.child("format"), "type")) def.backingFormat = parseVolFormat(*f);
        if (def.format == VolFormat::Raw) ctx.fail(b, "a raw volume cannot have a backing store");
        if (b.child("permissions"))
            ctx.fail(b, "<permissions> of a backing store are not supported");
    }
    return def;
}

std::string formatVol(const VolInfo& info) {
    const VolDef& def = info.def;
    pugi::xml_document doc;
    pugi::xml_node root = doc.append_child("volume");
    setAttr(root, "type", def.format == VolFormat::Dir ? "dir" : "file");
    appendText(root, "name", def.name);
    appendText(root, "key", info.path);
    appendBytes(root, "capacity", def.capacity);
    appendBytes(root, "allocation", info.allocation);
    pugi::xml_node target = root.append_child("target");
    appendText(target, "path", info.path);
    setAttr(target.append_child("format"), "type", volFormatName(def.format));
    formatPerms(target, def.perms);
    if (!def.backingPath.empty()) {
        pugi::xml_node b = root.append_child("backingStore");
        appendText(b, "path", def.backingPath);
        if (def.backingFormat)
            setAttr(b.append_child("format"), "type", volFormatName(*def.backingFormat));
    }
    return conf::saveDocument(doc);
}

}  // namespace cvirt::storage
