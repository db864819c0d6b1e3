// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/devices.h"

#include <cstdio>

#include "cvirt/error.h"
#include "qemu/command_line.h"

namespace cvirt::qemu {

namespace {

using namespace cvirt::conf;

void add(std::vector<std::string>& argv, std::initializer_list<std::string> a) {
    argv.insert(argv.end(), a);
}

std::string hex(unsigned v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

// libvirt's USB controller models and qemu's devices for them.
std::string usbDevice(const std::string& model) {
    if (model == "piix3-uhci") return "piix3-usb-uhci";
    if (model == "piix4-uhci") return "piix4-usb-uhci";
    if (model == "ehci") return "usb-ehci";
    if (model == "ich9-ehci1") return "ich9-usb-ehci1";
    if (model == "ich9-uhci1") return "ich9-usb-uhci1";
    if (model == "ich9-uhci2") return "ich9-usb-uhci2";
    if (model == "ich9-uhci3") return "ich9-usb-uhci3";
    if (model == "nec-xhci") return "nec-usb-xhci";
    return model;  // qemu-xhci
}

// libvirt's aliases: usb, usb1…; virtio-serial0; scsi0; pci.N.
std::string controllerId(const Controller& c) {
    unsigned i = c.index.value_or(0);
    switch (c.type) {
        case ControllerType::Usb:
            return i == 0 ? "usb" : "usb" + std::to_string(i);
        case ControllerType::Pci:
            return "pci." + std::to_string(i);
        default:
            return std::string(kControllerTypeNames.name(c.type)) + std::to_string(i);
    }
}

void addController(const Controller& c, std::vector<std::string>& argv) {
    std::string id = controllerId(c);
    switch (c.type) {
        case ControllerType::Usb: {
            if (c.model == "none") return;
            std::string dev = usbDevice(c.model);
            if (c.masterStartport)  // a companion: no id, it joins its master's bus
                dev += ",masterbus=" + id + ".0,firstport=" + std::to_string(*c.masterStartport);
            else
                dev += ",id=" + id;
            if (c.ports)  // xhci: as many USB 2 and USB 3 ports
                dev += ",p2=" + std::to_string(*c.ports) + ",p3=" + std::to_string(*c.ports);
            add(argv, {"-device", dev});
            return;
        }
        case ControllerType::Pci:
            if (c.model == "pcie-root-port")
                add(argv, {"-device", "pcie-root-port,port=" + hex(c.targetPort.value_or(0x10)) +
                                          ",chassis=" + std::to_string(c.chassis.value_or(1)) +
                                          ",id=" + id + ",bus=pcie.0"});
            return;  // the roots are the machine's own
        case ControllerType::VirtioSerial: {
            std::string dev = "virtio-serial-pci,id=" + id;
            if (c.ports) dev += ",max_ports=" + std::to_string(*c.ports);
            if (c.vectors) dev += ",vectors=" + std::to_string(*c.vectors);
            add(argv, {"-device", dev});
            return;
        }
        case ControllerType::Scsi:
            add(argv, {"-device",
                       (c.model == "virtio-scsi" ? "virtio-scsi-pci" : "lsi") + (",id=" + id)});
            return;
        case ControllerType::Ide:
        case ControllerType::Sata:
            return;  // built into the machine (PIIX IDE, ICH9 AHCI)
    }
}

std::string inputDevice(const Input& in) {
    bool usb = in.bus == InputBus::Usb;
    switch (in.type) {
        case InputType::Tablet:
            return usb ? "usb-tablet" : "virtio-tablet-pci";
        case InputType::Mouse:
            return usb ? "usb-mouse" : "virtio-mouse-pci";
        case InputType::Keyboard:
            return usb ? "usb-kbd" : "virtio-keyboard-pci";
    }
    return {};
}

void addVideo(const Video& v, std::vector<std::string>& argv) {
    std::string dev;
    switch (v.model) {
        case VideoModel::Vga:
            dev = "VGA";
            break;
        case VideoModel::Cirrus:
            dev = "cirrus-vga";
            break;
        case VideoModel::Virtio:
            dev = "virtio-vga";
            break;
        case VideoModel::Qxl:
            dev = "qxl-vga";
            break;
        case VideoModel::Bochs:
            dev = "bochs-display";
            break;
        case VideoModel::None:
            return;
    }
    dev += ",id=video0";
    if (v.vramKiB) dev += ",vgamem_mb=" + std::to_string(*v.vramKiB / 1024);
    if (v.heads && v.model == VideoModel::Virtio) dev += ",max_outputs=" + std::to_string(*v.heads);
    add(argv, {"-device", dev});
}

std::string vncArg(const Graphics& g) {
    switch (g.listenType.value_or(GraphicsListenType::Address)) {
        case GraphicsListenType::None:
            return "none";
        case GraphicsListenType::Socket:
            if (g.socket.empty())
                throw Error(ErrorCode::Internal, "VNC socket path was not chosen before start");
            return "unix:" + escapeOptionValue(g.socket);
        case GraphicsListenType::Address:
            break;
    }
    if (!g.port || *g.port < 5900)
        throw Error(ErrorCode::Internal, "VNC port was not chosen before start");
    std::string host = g.listenAddress == "::1" ? "[::1]" : g.listenAddress;
    return host + ":" + std::to_string(*g.port - 5900);
}

}  // namespace

std::vector<std::string> cpuArgs(const DomainDef& def, bool kvm) {
    if (!def.cpu)
        return kvm ? std::vector<std::string>{"-cpu", "host"} : std::vector<std::string>{};
    const Cpu& c = *def.cpu;
    std::string arg;
    switch (c.mode.value_or(CpuMode::Custom)) {
        case CpuMode::HostPassthrough:
            arg = "host";
            break;
        case CpuMode::HostModel:
            // cvirt has no CPU model table: under KVM the host's CPU, under emulation every
            // feature TCG offers (libvirt names the closest model with the host's features)
            arg = kvm ? "host" : "max";
            break;
        case CpuMode::Maximum:
            arg = "max";
            break;
        case CpuMode::Custom:
            arg = c.model;
            break;
    }
    if (c.migratable) arg += ",migratable=" + std::string(kToggleNames.name(*c.migratable));
    for (const auto& f : c.features) {
        switch (f.policy) {
            case CpuFeaturePolicy::Force:
            case CpuFeaturePolicy::Require:
                arg += "," + f.name + "=on";
                break;
            case CpuFeaturePolicy::Disable:
            case CpuFeaturePolicy::Forbid:
                arg += "," + f.name + "=off";
                break;
            case CpuFeaturePolicy::Optional:
                break;  // the model's own default, as libvirt leaves it
        }
    }
    // check='full': the guest gets exactly this CPU or qemu refuses to start
    if (c.check == CpuCheck::Full) arg += ",enforce";
    return {"-cpu", arg};
}

std::string machineAcpi(const DomainDef& def) {
    if (machineFamily(def.os.machine) == MachineFamily::Other) return {};
    return def.features.acpi ? ",acpi=on" : ",acpi=off";
}

std::vector<std::string> deviceArgs(const DomainDef& def) {
    std::vector<std::string> argv;
    const bool q35 = machineFamily(def.os.machine) == MachineFamily::Q35;
    const std::string pmDevice = q35 ? "ICH9-LPC" : "PIIX4_PM";
    if (def.pm.suspendToMem)
        add(argv, {"-global", pmDevice + ".disable_s3=" + (*def.pm.suspendToMem ? "0" : "1")});
    if (def.pm.suspendToDisk)
        add(argv, {"-global", pmDevice + ".disable_s4=" + (*def.pm.suspendToDisk ? "0" : "1")});

    for (const auto& c : def.controllers)
        addController(c, argv);
    for (size_t i = 0; i < def.inputs.size(); ++i) {
        const Input& in = def.inputs[i];
        if (in.bus.value_or(InputBus::Ps2) == InputBus::Ps2) continue;  // the machine's i8042
        std::string dev = inputDevice(in) + ",id=input" + std::to_string(i);
        if (in.bus == InputBus::Usb) dev += ",bus=usb.0";
        add(argv, {"-device", dev});
    }
    for (const auto& g : def.graphics)
        add(argv, {"-vnc", vncArg(g)});
    for (const auto& v : def.videos)
        addVideo(v, argv);
    for (size_t i = 0; i < def.channels.size(); ++i) {
        const Channel& ch = def.channels[i];
        if (ch.sourcePath.empty())
            throw Error(ErrorCode::Internal, "channel socket path was not chosen before start");
        std::string n = std::to_string(i);
        add(argv, {"-chardev", "socket,id=charchannel" + n + ",path=" +
                                   escapeOptionValue(ch.sourcePath) + ",server=on,wait=off"});
        std::string port = "virtserialport,bus=virtio-serial0.0,nr=" + std::to_string(i + 1) +
                           ",chardev=charchannel" + n + ",id=channel" + n;
        if (!ch.targetName.empty()) port += ",name=" + escapeOptionValue(ch.targetName);
        add(argv, {"-device", port});
    }
    if (def.memballoon.value_or(Memballoon{}).model == MemballoonModel::Virtio)
        add(argv, {"-device", "virtio-balloon-pci,id=balloon0"});
    for (size_t i = 0; i < def.rngs.size(); ++i) {
        const Rng& r = def.rngs[i];
        std::string n = std::to_string(i);
        add(argv, {"-object", "rng-random,id=objrng" + n + ",filename=" +
                                  escapeOptionValue(r.source.empty() ? "/dev/urandom" : r.source)});
        std::string dev = "virtio-rng-pci,rng=objrng" + n + ",id=rng" + n;
        if (r.rateBytes)
            dev += ",max-bytes=" + std::to_string(*r.rateBytes) +
                   ",period=" + std::to_string(r.ratePeriodMs.value_or(1000));
        add(argv, {"-device", dev});
    }
    return argv;
}

}  // namespace cvirt::qemu
