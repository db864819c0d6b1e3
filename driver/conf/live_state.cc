// SPDX-License-Identifier: GPL-3.0-or-later
// What a running domain's XML has that its definition does not: the device aliases libvirt's
// drivers give (src/lxc/lxc_process.c names consoles console<N>; src/qemu/qemu_alias.c the
// rest) and the host ptys of the consoles.
#include "conf/domain.h"

#include <set>

namespace cvirt::conf {

namespace {

bool isUserAlias(const std::string& alias) {
    return alias.starts_with("ua-");
}

// Gives `prefix<position>` to each device of `devices` that has no alias (the position among
// devices of its kind, which is also the index a VM's qemu device id has), unless another
// device took that name already.
template <typename Device, typename Pred>
void name(std::vector<Device>& devices, std::set<std::string>& taken, const std::string& prefix,
          Pred counts) {
    size_t index = 0;
    for (Device& d : devices) {
        if (!counts(d)) continue;
        std::string alias = prefix + std::to_string(index++);
        if (d.alias.empty() && taken.insert(alias).second) d.alias = alias;
    }
}

}  // namespace

DiskBus diskBus(const Disk& disk) {
    return disk.targetBus.value_or(disk.targetDev.starts_with("hd") ? DiskBus::Ide
                                                                    : DiskBus::Virtio);
}

unsigned diskIndex(std::string_view target) {
    if (target.size() < 3) return 0;
    char c = target.back();
    return c >= 'a' && c <= 'z' ? static_cast<unsigned>(c - 'a') : 0;
}

std::string diskAlias(const Disk& disk) {
    unsigned index = diskIndex(disk.targetDev);
    if (diskBus(disk) == DiskBus::Ide)  // controller 0, two buses of two units
        return "ide0-" + std::to_string(index / 2) + "-" + std::to_string(index % 2);
    return std::string(kDiskBusNames.name(diskBus(disk))) + "-disk" + std::to_string(index);
}

void assignLiveAliases(DomainDef& def) {
    std::set<std::string> taken;
    forEachAlias(def, [&](std::string& alias, const char*) {
        if (!alias.empty()) taken.insert(alias);
    });
    for (Disk& d : def.disks)
        if (d.alias.empty() && taken.insert(diskAlias(d)).second) d.alias = diskAlias(d);
    auto all = [](const auto&) { return true; };
    name(def.filesystems, taken, "fs", all);
    name(def.interfaces, taken, "net",
         [](const Interface& i) { return i.type != NetType::Hostdev; });
    // qemu_alias.c: a type='hostdev' interface is a hostdev, counted with them
    size_t hostdevIndex = 0;
    for (Hostdev& h : def.hostdevs) {
        std::string alias = "hostdev" + std::to_string(hostdevIndex++);
        if (h.alias.empty() && taken.insert(alias).second) h.alias = alias;
    }
    for (Interface& i : def.interfaces) {
        if (i.type != NetType::Hostdev) continue;
        std::string alias = "hostdev" + std::to_string(hostdevIndex++);
        if (i.alias.empty() && taken.insert(alias).second) i.alias = alias;
    }
    name(def.serials, taken, "serial", all);
    // A VM's serial console is its first serial port again, alias and all.
    for (CharDevice& c : def.consoles)
        if (!def.isContainer() && c.targetType == "serial" && c.alias.empty() &&
            !def.serials.empty())
            c.alias = def.serials[0].alias;
    name(def.consoles, taken, "console", all);
    // qemu_alias.c's names for the VM devices that have one (controllers are named by type
    // and graphics not at all)
    name(def.channels, taken, "channel", all);
    name(def.inputs, taken, "input", all);
    name(def.rngs, taken, "rng", all);
    name(def.videos, taken, "video", all);
    if (def.memballoon && def.memballoon->alias.empty() && taken.insert("balloon0").second)
        def.memballoon->alias = "balloon0";
}

void recordConsolePty(DomainDef& def, const std::string& path) {
    if (def.isContainer()) {
        if (!def.consoles.empty()) def.consoles[0].ptyPath = path;
        return;
    }
    if (def.serials.empty()) return;
    def.serials[0].ptyPath = path;
    for (CharDevice& c : def.consoles)
        if (c.targetType == "serial") c.ptyPath = path;
}

void dropLiveState(DomainDef& def) {
    forEachAlias(def, [](std::string& alias, const char*) {
        if (!isUserAlias(alias)) alias.clear();
    });
    for (auto* chardevs : {&def.serials, &def.consoles})
        for (CharDevice& c : *chardevs)
            c.ptyPath.clear();
}

}  // namespace cvirt::conf
