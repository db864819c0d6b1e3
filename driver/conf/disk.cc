// SPDX-License-Identifier: GPL-3.0-or-later
// <disk type='file|block|volume' device='disk|cdrom'> (VMs).
#include "conf/sections.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

Disk parseDisk(const XmlContext& ctx, pugi::xml_node node) {
    Disk disk;
    disk.type =
        parseEnum(ctx, node, kDiskTypeNames, attrOf(node, "type").value_or("file"), "disk type");
    disk.device = parseEnum(ctx, node, kDiskDeviceNames, attrOf(node, "device").value_or("disk"),
                            "disk device");
    // the parts of each child checked here, so an error names the one at fault (libxml2's
    // message may blame another)
    refuseDeviceAddress(ctx, node);
    refuseUnknownParts(ctx, node, {"driver", "source", "target", "readonly", "alias"},
                       {"type", "device"});
    if (pugi::xml_node d = node.child("driver")) {
        refuseNonEmpty(ctx, d, {"name", "type"});
        disk.driverName = attrOf(d, "name").value_or("");
        if (!disk.driverName.empty() && disk.driverName != "qemu")
            ctx.fail(d, "unknown disk driver name '" + disk.driverName + "' (only 'qemu')");
        if (auto t = attrOf(d, "type"))
            disk.driverFormat = parseEnum(ctx, d, kDiskFormatNames, *t, "disk format");
    }
    if (pugi::xml_node s = node.child("source")) {
        const std::initializer_list<std::string_view> kAll = {"file", "dev", "pool", "volume"};
        std::string kind = "disk type '" + std::string(kDiskTypeNames.name(disk.type)) + "'";
        refuseNonEmpty(ctx, s, kAll);
        if (disk.type == DiskType::Volume) {
            refuseForeignFields(ctx, s, kind, kAll, {"pool", "volume"});
            requireAttributes(ctx, s, {"pool", "volume"});
            disk.sourcePool = attrOf(s, "pool").value_or("");
            disk.sourceVolume = attrOf(s, "volume").value_or("");
        } else {
            const char* field = disk.type == DiskType::File ? "file" : "dev";
            refuseForeignFields(ctx, s, kind, kAll, {field});
            requireAttributes(ctx, s, {field});
            disk.source = attrOf(s, field).value_or("");
            if (!disk.source.starts_with('/'))
                ctx.fail(s, "disk source '" + disk.source + "' must be an absolute path");
        }
    } else if (disk.type == DiskType::Volume) {
        ctx.fail(node, "a disk of type 'volume' needs <source pool='…' volume='…'/>");
    }
    pugi::xml_node t = node.child("target");
    if (!t) ctx.fail(node, "missing <target dev='…'/>");
    refuseNonEmpty(ctx, t, {"dev", "bus"});
    requireAttributes(ctx, t, {"dev"});
    disk.targetDev = attrOf(t, "dev").value_or("");
    if (auto b = attrOf(t, "bus"))
        disk.targetBus = parseEnum(ctx, t, kDiskBusNames, *b, "disk bus");
    if (pugi::xml_node r = node.child("readonly")) {
        refuseNonEmpty(ctx, r, {});
        disk.readonly = true;
    }
    disk.alias = parseAlias(ctx, node);
    return disk;
}

void formatDisk(const Disk& disk, pugi::xml_node devices) {
    pugi::xml_node n = devices.append_child("disk");
    setAttr(n, "type", kDiskTypeNames.name(disk.type));
    setAttr(n, "device", kDiskDeviceNames.name(disk.device));
    if (!disk.driverName.empty() || disk.driverFormat) {
        pugi::xml_node d = n.append_child("driver");
        if (!disk.driverName.empty()) setAttr(d, "name", disk.driverName);
        if (disk.driverFormat) setAttr(d, "type", kDiskFormatNames.name(*disk.driverFormat));
    }
    if (disk.type == DiskType::Volume) {
        // as libvirt's live XML too: the pool and volume, not the path they stand for
        pugi::xml_node s = n.append_child("source");
        setAttr(s, "pool", disk.sourcePool);
        setAttr(s, "volume", disk.sourceVolume);
    } else if (!disk.source.empty()) {
        setAttr(n.append_child("source"), disk.type == DiskType::File ? "file" : "dev",
                disk.source);
    }
    pugi::xml_node t = n.append_child("target");
    setAttr(t, "dev", disk.targetDev);
    if (disk.targetBus) setAttr(t, "bus", kDiskBusNames.name(*disk.targetBus));
    if (disk.readonly) n.append_child("readonly");
    formatAlias(disk.alias, n);
}

}  // namespace cvirt::conf::detail
