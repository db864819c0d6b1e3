// SPDX-License-Identifier: GPL-3.0-or-later
// <filesystem type='mount|bind|block|file|ram'>
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

Filesystem parseFilesystem(const XmlContext& ctx, pugi::xml_node node) {
    Filesystem fs;
    fs.line = ctx.lineOf(node);
    fs.type = parseEnum(ctx, node, kFsTypeNames, attrOf(node, "type").value_or("mount"),
                        "filesystem type");
    // the parts of each child checked here, so an error names the one at fault (libxml2's
    // message may blame another)
    refuseDeviceAddress(ctx, node);
    refuseUnknownParts(
        ctx, node,
        {"driver", "source", "target", "readonly", "space_hard_limit", "space_soft_limit", "alias"},
        {"type", "accessmode"});
    if (auto m = attrOf(node, "accessmode"))
        fs.accessmode = parseEnum(ctx, node, kFsAccessModeNames, *m, "accessmode");
    if (pugi::xml_node d = node.child("driver")) {
        refuseNonEmpty(ctx, d, {"type", "format"});
        if (auto t = attrOf(d, "type"))
            fs.driverType = parseEnum(ctx, d, kFsDriverTypeNames, *t, "driver type");
        fs.driverFormat = attrOf(d, "format").value_or("");
        if (attrOf(d, "format") &&
            (fs.driverFormat.empty() ||
             fs.driverFormat.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") !=
                 std::string::npos))
            ctx.fail(d, "invalid driver format '" + fs.driverFormat + "'");
    }
    if (pugi::xml_node s = node.child("source")) {
        // each type keeps what it uses, the rest is refused (formatFilesystem writes just that)
        const std::initializer_list<std::string_view> kAll = {"dir", "dev", "file", "usage",
                                                              "units"};
        std::string kind = "filesystem type '" + std::string(kFsTypeNames.name(fs.type)) + "'";
        refuseNonEmpty(ctx, s, kAll);
        switch (fs.type) {
            case FsType::Mount:
            case FsType::Bind:
                refuseForeignFields(ctx, s, kind, kAll, {"dir"});
                break;
            case FsType::Block:
                refuseForeignFields(ctx, s, kind, kAll, {"dev"});
                break;
            case FsType::File:
                refuseForeignFields(ctx, s, kind, kAll, {"file"});
                break;
            case FsType::Ram:
                refuseForeignFields(ctx, s, kind, kAll, {"usage", "units"});
                break;
        }
        switch (fs.type) {
            case FsType::Mount:
            case FsType::Bind:
                fs.source = attrOf(s, "dir").value_or("");
                break;
            case FsType::Block:
                fs.source = attrOf(s, "dev").value_or("");
                break;
            case FsType::File:
                fs.source = attrOf(s, "file").value_or("");
                break;
            case FsType::Ram:
                if (auto usage = attrOf(s, "usage"))
                    fs.usageKiB = parseScaledKiB(ctx, s, *usage, attrOf(s, "units").value_or(""));
                break;
        }
    }
    pugi::xml_node t = node.child("target");
    if (!t) ctx.fail(node, "missing <target dir='…'/>");
    refuseNonEmpty(ctx, t, {"dir"});
    requireAttributes(ctx, t, {"dir"});
    fs.target = attrOf(t, "dir").value_or("");
    if (pugi::xml_node r = node.child("readonly")) {
        refuseNonEmpty(ctx, r, {});
        fs.readonly = true;
    }
    auto limit = [&](const char* name) -> std::optional<uint64_t> {
        pugi::xml_node h = node.child(name);
        if (!h) return std::nullopt;
        refuseUnknownParts(ctx, h, {}, {"unit"});
        return parseScaledElementKiB(ctx, h);
    };
    fs.spaceHardLimitKiB = limit("space_hard_limit");
    fs.spaceSoftLimitKiB = limit("space_soft_limit");
    fs.alias = parseAlias(ctx, node);
    return fs;
}

void formatFilesystem(const Filesystem& fs, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("filesystem");
    setAttr(n, "type", kFsTypeNames.name(fs.type));
    if (fs.accessmode) setAttr(n, "accessmode", kFsAccessModeNames.name(*fs.accessmode));
    if (fs.driverType || !fs.driverFormat.empty()) {
        pugi::xml_node d = n.append_child("driver");
        if (fs.driverType) setAttr(d, "type", kFsDriverTypeNames.name(*fs.driverType));
        if (!fs.driverFormat.empty()) setAttr(d, "format", fs.driverFormat);
    }
    pugi::xml_node s = n.append_child("source");
    switch (fs.type) {
        case FsType::Mount:
        case FsType::Bind:
            setAttr(s, "dir", fs.source);
            break;
        case FsType::Block:
            setAttr(s, "dev", fs.source);
            break;
        case FsType::File:
            setAttr(s, "file", fs.source);
            break;
        case FsType::Ram:
            setAttr(s, "usage", fs.usageKiB.value_or(0));
            setAttr(s, "units", "KiB");
            break;
    }
    setAttr(n.append_child("target"), "dir", fs.target);
    if (fs.readonly) n.append_child("readonly");
    if (fs.spaceHardLimitKiB) appendKiB(n, "space_hard_limit", *fs.spaceHardLimitKiB);
    if (fs.spaceSoftLimitKiB) appendKiB(n, "space_soft_limit", *fs.spaceSoftLimitKiB);
    formatAlias(fs.alias, n);
}

}  // namespace cvirt::conf::detail
