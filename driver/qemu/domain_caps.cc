// SPDX-License-Identifier: GPL-3.0-or-later
// domcapabilities of a VM, in libvirt's <domainCapabilities> layout (docs/formatdomaincaps):
// what cvirt's qemu backend accepts and runs, named by the tables conf/ parses with, so the
// document and define agree. virt-install reads it to pick its defaults.
#include <algorithm>

#include "backend/capabilities.h"
#include "conf/domain_def.h"
#include "cvirt/error.h"
#include "qemu/backend.h"
#include "qemu/kvm.h"

namespace cvirt::qemu {

namespace {

// <enum name=…> of every name of a conf table but those left out.
template <typename Table>
void addNames(pugi::xml_node parent, const char* name, const Table& table,
              std::initializer_list<std::string_view> without = {}) {
    pugi::xml_node e = parent.append_child("enum");
    e.append_attribute("name") = name;
    for (std::string_view v : table.names)
        if (std::find(without.begin(), without.end(), v) == without.end())
            e.append_child("value").text() = std::string(v).c_str();
}

void unsupported(pugi::xml_node parent, const char* name) {
    parent.append_child(name).append_attribute("supported") = "no";
}

pugi::xml_node cpuMode(pugi::xml_node cpu, const char* name, bool supported) {
    pugi::xml_node m = cpu.append_child("mode");
    m.append_attribute("name") = name;
    m.append_attribute("supported") = supported ? "yes" : "no";
    return m;
}

}  // namespace

void QemuBackend::describeDomain(pugi::xml_node caps, std::string_view virtType,
                                 std::string_view machine) const {
    const bool kvm = virtType == "kvm";
    if (kvm)
        if (std::optional<std::string> why = kvmUnusable())
            throw Error(ErrorCode::ConfigUnsupported, "KVM is not usable here: " + *why);
    std::string m(machine.empty() ? "pc" : machine);
    if (conf::machineFamily(m) == conf::MachineFamily::Other)
        throw Error(
            ErrorCode::ConfigUnsupported,
            "the machine '" + m + "' is not supported by emulator '" + kEmulator + "' (pc or q35)");
    const bool q35 = conf::machineFamily(m) == conf::MachineFamily::Q35;
    caps.append_child("path").text() = kEmulator;
    caps.append_child("domain").text() = std::string(virtType).c_str();
    caps.append_child("machine").text() = m.c_str();
    caps.append_child("arch").text() = backend::machine().c_str();
    caps.append_child("vcpu").append_attribute("max") = 255;
    unsupported(caps, "iothreads");

    pugi::xml_node os = caps.append_child("os");
    os.append_attribute("supported") = "yes";
    backend::addEnum(os, "firmware", {"bios"});  // qemu's own SeaBIOS; no <loader>, no UEFI
    unsupported(os, "loader");

    // host-model is qemu's 'host' under KVM, 'max' under emulation (no model table here);
    // custom passes <model> to -cpu as written.
    pugi::xml_node cpu = caps.append_child("cpu");
    pugi::xml_node passthrough = cpuMode(cpu, "host-passthrough", kvm);
    if (kvm) backend::addEnum(passthrough, "hostPassthroughMigratable", {"on", "off"});
    backend::addEnum(cpuMode(cpu, "maximum", true), "maximumMigratable", {"on", "off"});
    pugi::xml_node hostModel = cpuMode(cpu, "host-model", true);
    pugi::xml_node model = hostModel.append_child("model");
    model.append_attribute("fallback") = "forbid";
    model.text() = kvm ? "host" : "max";
    cpuMode(cpu, "custom", true);
    unsupported(caps, "memoryBacking");

    pugi::xml_node devices = caps.append_child("devices");
    pugi::xml_node disk = backend::addDevice(devices, "disk");
    addNames(disk, "diskDevice", conf::kDiskDeviceNames);
    backend::addEnum(disk, "bus",
                     q35 ? std::initializer_list<const char*>{"virtio"}
                         : std::initializer_list<const char*>{"virtio", "ide"});
    pugi::xml_node graphics = backend::addDevice(devices, "graphics");
    backend::addEnum(graphics, "type", {"vnc"});
    pugi::xml_node video = backend::addDevice(devices, "video");
    addNames(video, "modelType", conf::kVideoModelNames);
    unsupported(devices, "hostdev");
    pugi::xml_node rng = backend::addDevice(devices, "rng");
    backend::addEnum(rng, "model", {"virtio"});
    backend::addEnum(rng, "backendModel", {"random"});
    unsupported(devices, "filesystem");
    unsupported(devices, "tpm");
    unsupported(devices, "redirdev");
    pugi::xml_node channel = backend::addDevice(devices, "channel");
    backend::addEnum(channel, "type", {"unix"});
    unsupported(devices, "crypto");
    pugi::xml_node net = backend::addDevice(devices, "interface");
    backend::addEnum(net, "type", {"bridge", "network", "ethernet"});
    backend::addEnum(net, "model", {"virtio", "rtl8139", "e1000"});
    pugi::xml_node serial = backend::addDevice(devices, "serial");
    backend::addEnum(serial, "type", {"pty"});
    backend::addDevice(devices, "memballoon");

    pugi::xml_node features = caps.append_child("features");
    for (const char* f : {"gic", "vmcoreinfo", "genid", "backingStoreInput", "backup", "sev"})
        unsupported(features, f);
}

}  // namespace cvirt::qemu
