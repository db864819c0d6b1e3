// SPDX-License-Identifier: GPL-3.0-or-later
// Devices added to, taken from or changed in a running domain and its persistent definition
// (attach-interface, detach-interface, attach-device, detach-device, update-device,
// attach-disk, detach-disk, change-media), per --live / --config, all or nothing.
#include <pugixml.hpp>
#include <variant>

#include "api/domain_op.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "state/domain_lock.h"
#include "util/file.h"

namespace cvirt {

namespace {

// One <interface> element, checked by the schema as part of a minimal domain.
conf::Interface parseInterface(std::string_view xml, std::string_view filename) {
    std::string doc =
        "<domain type='lxc'><name>hotplug</name><memory>1024</memory><os><type>exe"
        "</type></os><devices>" +
        std::string(xml) + "</devices></domain>";
    conf::DomainDef def = conf::parseDomain(doc, {.filename = filename});
    if (def.interfaces.size() != 1)
        throw Error(ErrorCode::ConfigUnsupported,
                    std::string(filename) + ": only an <interface> device can be attached");
    conf::applyDefaults(def);
    return def.interfaces[0];
}

}  // namespace

void Domain::attachInterface(std::string_view xml, Impact impact, std::string_view filename) {
    conf::Interface iface = parseInterface(xml, filename);
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (t.config) {
        persistent->interfaces.push_back(iface);
        conf::validate(*persistent, filename);  // duplicate MAC, guest name, target
    }
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& live = op.liveDef();
    live.interfaces.push_back(iface);
    conf::validate(live, filename);
    op.backend().attachInterface(running, live);
    // Recorded (and the config written) only once the backend gave the interface its names;
    // what cannot be recorded does not stay.
    op.recordAfter(live, t.config ? &*persistent : nullptr,
                   [&] { op.backend().detachInterface(running, live.interfaces.back()); });
}

void Domain::detachInterface(std::string_view key, Impact impact) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
    auto take = [&](conf::DomainDef& def) {
        for (auto it = def.interfaces.begin(); it != def.interfaces.end(); ++it)
            if (it->mac == key || (!it->targetDev.empty() && it->targetDev == key)) {
                conf::Interface out = *it;
                def.interfaces.erase(it);
                return out;
            }
        throw Error(ErrorCode::InvalidArg,
                    "no interface '" + std::string(key) + "' in domain '" + name_ + "'");
    };
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (t.config) take(*persistent);
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& live = op.liveDef();
    conf::Interface gone = take(live);
    op.recordAhead(live, t.config ? &*persistent : nullptr,
                   [&] { op.backend().detachInterface(running, gone); });
}

namespace {

// One device element of the kind a domain of `kind` takes: its element name and, for
// anything but an <interface>, the parsed device (checked by the schema within a minimal
// domain, defaults applied).
struct ParsedDevice {
    std::string element;
    std::optional<backend::Device> device;
};

ParsedDevice parseDevice(std::string_view xml, std::string_view filename, state::DriverKind kind) {
    pugi::xml_document probe;
    probe.load_buffer(xml.data(), xml.size());
    ParsedDevice out{probe.document_element().name(), std::nullopt};
    if (out.element == "interface") return out;
    std::string doc = std::string("<domain type='") +
                      (kind == state::DriverKind::Qemu ? "qemu" : "lxc") +
                      "'><name>hotplug</name><memory>1024</memory><os><type>" +
                      (kind == state::DriverKind::Qemu ? "hvm" : "exe") + "</type></os><devices>" +
                      std::string(xml) + "</devices></domain>";
    conf::DomainDef def = conf::parseDomain(doc, {.filename = filename});
    conf::applyDefaults(def);
    size_t n = def.filesystems.size() + def.hostdevs.size() + def.disks.size();
    if (n != 1 || !def.interfaces.empty())
        throw Error(ErrorCode::ConfigUnsupported,
                    std::string(filename) + ": device type '" + out.element +
                        "' is not supported (one <interface>, <filesystem>, <hostdev> or <disk>)");
    if (!def.filesystems.empty()) out.device = def.filesystems[0];
    if (!def.hostdevs.empty()) out.device = def.hostdevs[0];
    if (!def.disks.empty()) out.device = def.disks[0];
    return out;
}

std::string describe(const backend::Device& dev) {
    if (auto* fs = std::get_if<conf::Filesystem>(&dev)) return "filesystem target " + fs->target;
    if (auto* h = std::get_if<conf::Hostdev>(&dev)) return "host device " + h->source;
    return "target " + std::get<conf::Disk>(dev).targetDev;
}

// Whether `a` names the same device as `b`: a filesystem by its target, a host device by its
// type and source, a disk by its target device (libvirt's matching).
bool sameDevice(const backend::Device& a, const backend::Device& b) {
    if (a.index() != b.index()) return false;
    if (auto* fs = std::get_if<conf::Filesystem>(&a))
        return fs->target == std::get<conf::Filesystem>(b).target;
    if (auto* h = std::get_if<conf::Hostdev>(&a)) {
        const auto& o = std::get<conf::Hostdev>(b);
        return h->type == o.type && h->source == o.source;
    }
    return std::get<conf::Disk>(a).targetDev == std::get<conf::Disk>(b).targetDev;
}

template <typename F>
void eachDevice(conf::DomainDef& def, F&& f) {
    for (size_t i = 0; i < def.filesystems.size(); ++i)
        if (f(backend::Device(def.filesystems[i])))
            return void(def.filesystems.erase(def.filesystems.begin() + i));
    for (size_t i = 0; i < def.hostdevs.size(); ++i)
        if (f(backend::Device(def.hostdevs[i])))
            return void(def.hostdevs.erase(def.hostdevs.begin() + i));
    for (size_t i = 0; i < def.disks.size(); ++i)
        if (f(backend::Device(def.disks[i]))) return void(def.disks.erase(def.disks.begin() + i));
}

// Appends `dev`; throws libvirt's "already exists" when it is there.
void insert(conf::DomainDef& def, const backend::Device& dev) {
    bool found = false;
    conf::DomainDef copy = def;
    eachDevice(copy, [&](const backend::Device& d) { return found = sameDevice(d, dev); });
    if (found) throw Error(ErrorCode::OperationFailed, describe(dev) + " already exists");
    if (auto* fs = std::get_if<conf::Filesystem>(&dev)) def.filesystems.push_back(*fs);
    if (auto* h = std::get_if<conf::Hostdev>(&dev)) def.hostdevs.push_back(*h);
    if (auto* d = std::get_if<conf::Disk>(&dev)) def.disks.push_back(*d);
}

// Takes out the device `key` names and returns it as it was; throws when there is none.
backend::Device take(conf::DomainDef& def, const backend::Device& key, const std::string& name) {
    std::optional<backend::Device> out;
    eachDevice(def, [&](const backend::Device& d) {
        if (!sameDevice(d, key)) return false;
        out = d;
        return true;
    });
    if (!out)
        throw Error(ErrorCode::InvalidArg, "no " + describe(key) + " in domain '" + name + "'");
    return *out;
}

state::DriverKind kindOf(ConnectionImpl& conn, const std::string& name) {
    return DomainOp(conn, name).backend().kind();
}

}  // namespace

void Domain::attachDevice(std::string_view xml, Impact impact, std::string_view filename) {
    ParsedDevice parsed = parseDevice(xml, filename, kindOf(*conn_, name_));
    if (!parsed.device) return attachInterface(xml, impact, filename);
    backend::Device dev = *parsed.device;
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (t.config) {
        insert(*persistent, dev);
        conf::validate(*persistent, filename);
    }
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    if (auto* d = std::get_if<conf::Disk>(&dev); d && d->type == conf::DiskType::Volume)
        throw Error(ErrorCode::ConfigUnsupported,
                    "a disk of type 'volume' is attached at start only (use --config, or the "
                    "volume's path in <disk type='file'>)");
    conf::DomainDef& live = op.liveDef();
    insert(live, dev);
    conf::validate(live, filename);
    op.backend().attachDevice(running, live, dev);
    take(live, dev, name_);
    insert(live, dev);  // with what the backend filled in
    op.recordAfter(live, t.config ? &*persistent : nullptr, [&] {
        take(live, dev, name_);
        op.backend().detachDevice(running, live, dev);
    });
}

void Domain::detachDevice(std::string_view xml, Impact impact, std::string_view filename) {
    ParsedDevice parsed = parseDevice(xml, filename, kindOf(*conn_, name_));
    if (!parsed.device) {
        conf::Interface iface = parseInterface(xml, filename);
        return detachInterface(iface.mac.empty() ? iface.targetDev : iface.mac, impact);
    }
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (t.config) take(*persistent, *parsed.device, name_);
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& live = op.liveDef();
    backend::Device gone = take(live, *parsed.device, name_);
    op.recordAhead(live, t.config ? &*persistent : nullptr,
                   [&] { op.backend().detachDevice(running, live, gone); });
}

namespace {

// update-device of a VM's cdrom: its medium (source, and the format with it) changes, nothing
// else may.
void changeCdrom(ConnectionImpl& conn, const std::string& name, const conf::Disk& disk,
                 Impact impact) {
    DomainOp op(conn, name, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
    auto change = [&](conf::DomainDef& def) -> std::pair<conf::Disk, conf::Disk*> {
        for (auto& d : def.disks) {
            if (d.targetDev != disk.targetDev) continue;
            conf::Disk before = d, probe = disk;
            probe.source = before.source;
            probe.type = before.type;
            if (!probe.driverFormat) probe.driverFormat = before.driverFormat;
            if (probe.driverName.empty()) probe.driverName = before.driverName;
            if (probe.alias.empty()) probe.alias = before.alias;
            if (probe != before)
                throw Error(
                    ErrorCode::OperationInvalid,
                    "cannot modify field other than the medium of disk '" + disk.targetDev + "'");
            d.source = disk.source;
            d.type = disk.type;
            d.driverFormat = probe.driverFormat;
            return {before, &d};
        }
        throw Error(ErrorCode::InvalidArg,
                    "disk '" + disk.targetDev + "' not found in domain '" + name + "'");
    };
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (t.config) change(*persistent);
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& live = op.liveDef();
    auto [before, now] = change(live);
    op.recordAhead(live, t.config ? &*persistent : nullptr,
                   [&] { op.backend().changeMedia(running, before, *now); });
}

}  // namespace

void Domain::updateDevice(std::string_view xml, Impact impact, std::string_view filename) {
    state::DriverKind kind = kindOf(*conn_, name_);
    ParsedDevice parsed = parseDevice(xml, filename, kind);
    const conf::Disk* disk = parsed.device ? std::get_if<conf::Disk>(&*parsed.device) : nullptr;
    if (disk && disk->device == conf::DiskDevice::Cdrom)
        return changeCdrom(*conn_, name_, *disk, impact);
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
    // libvirt-lxc changes no live device, and in the configuration only an interface.
    if (t.live)
        throw Error(ErrorCode::ConfigUnsupported,
                    kind == state::DriverKind::Lxc
                        ? "Unable to modify live devices"
                        : "device type '" + parsed.element + "' cannot be updated live");
    if (parsed.device)
        throw Error(ErrorCode::ConfigUnsupported, "persistent update of device is not supported");
    conf::Interface iface = parseInterface(xml, filename);
    std::optional<conf::DomainDef> persistent = op.persistent();
    for (auto& n : persistent->interfaces)
        if (n.mac == iface.mac) {
            n = iface;
            conf::validate(*persistent, filename);
            op.driver().store.save(*persistent);
            return;
        }
    throw Error(ErrorCode::OperationFailed, "no matching network device was found");
}

void Domain::changeMedia(std::string_view path, MediaChange how, std::string_view source,
                         Impact impact) {
    conf::Disk disk;
    {
        DomainOp op(*conn_, name_);
        const conf::DomainDef& def = op.current(impact.config && !impact.live);
        const conf::Disk* found = nullptr;
        for (const auto& d : def.disks)
            if (d.targetDev == path || (!d.source.empty() && d.source == path)) found = &d;
        if (!found)
            throw Error(ErrorCode::InvalidArg,
                        "No disk found whose source path or target is " + std::string(path));
        if (found->device != conf::DiskDevice::Cdrom)
            throw Error(ErrorCode::OperationInvalid,
                        "The disk device '" + found->targetDev + "' is not removable");
        disk = *found;
    }
    if (how == MediaChange::Eject && disk.source.empty())
        throw Error(ErrorCode::OperationFailed,
                    "The disk device '" + disk.targetDev + "' doesn't have media");
    if (how == MediaChange::Insert && !disk.source.empty())
        throw Error(ErrorCode::OperationFailed,
                    "The disk device '" + disk.targetDev + "' already has media");
    if (how != MediaChange::Eject && source.empty())
        throw Error(ErrorCode::InvalidArg, "No source is specified for inserting media");
    disk.source = how == MediaChange::Eject ? "" : std::string(source);
    changeCdrom(*conn_, name_, disk, impact);
}

}  // namespace cvirt
