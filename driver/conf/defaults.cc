// SPDX-License-Identifier: GPL-3.0-or-later
// The only place defaults appear. Idempotent: applying twice changes nothing.
#include <sys/utsname.h>

#include <algorithm>
#include <map>

#include "conf/domain.h"
#include "util/uuid.h"

namespace cvirt::conf {

namespace {

std::string hostArch() {
    utsname u{};
    if (::uname(&u) < 0) return "x86_64";
    return u.machine;
}

// libvirt's post-parse defaults for what virt-install leaves out.
void applyVmDeviceDefaults(DomainDef& def) {
    if (def.cpu && !def.cpu->mode) def.cpu->mode = CpuMode::Custom;
    if (!def.memballoon) def.memballoon = Memballoon{};
    const bool q35 = machineFamily(def.os.machine) == MachineFamily::Q35;
    auto hasController = [&](ControllerType t) {
        return std::any_of(def.controllers.begin(), def.controllers.end(),
                           [t](const Controller& c) { return c.type == t; });
    };
    // A virtio channel sits on a virtio-serial bus; a USB input on a USB controller.
    if (!def.channels.empty() && !hasController(ControllerType::VirtioSerial))
        def.controllers.push_back({.type = ControllerType::VirtioSerial});
    for (Input& in : def.inputs)
        if (!in.bus) in.bus = in.type == InputType::Tablet ? InputBus::Usb : InputBus::Ps2;
    bool usbInput = std::any_of(def.inputs.begin(), def.inputs.end(),
                                [](const Input& in) { return in.bus == InputBus::Usb; });
    if (usbInput && !hasController(ControllerType::Usb))
        def.controllers.push_back({.type = ControllerType::Usb});
    std::map<ControllerType, unsigned> next;
    for (Controller& c : def.controllers) {
        // USB companions (<master startport=…>) share their master's index
        if (!c.index)
            c.index = c.masterStartport ? next[c.type] - (next[c.type] ? 1 : 0) : next[c.type];
        next[c.type] = std::max(next[c.type], *c.index + 1);
        if (c.model.empty() && c.type == ControllerType::Usb)
            c.model = q35 ? "qemu-xhci" : "piix3-uhci";
        if (c.model.empty() && c.type == ControllerType::Scsi) c.model = "lsilogic";
        if (c.model.empty() && c.type == ControllerType::Pci)
            c.model = *c.index == 0 ? (q35 ? "pcie-root" : "pci-root") : "";
        if (c.model == "pcie-root-port") {
            if (!c.chassis) c.chassis = *c.index;
            if (!c.targetPort) c.targetPort = 0x10 + *c.index - 1;
        }
    }
    for (Graphics& g : def.graphics) {
        if (!g.listenType) g.listenType = GraphicsListenType::Address;
        if (g.listenType != GraphicsListenType::Address) continue;
        if (g.listenAddress.empty()) g.listenAddress = "127.0.0.1";  // qemu.conf's vnc_listen
        if (!g.port && g.autoport != false) g.port = -1;
        if (!g.autoport && g.port) g.autoport = *g.port == -1;
    }
    for (Rng& r : def.rngs)
        if (r.source.empty()) r.source = "/dev/urandom";
}

}  // namespace

std::string randomMac() {
    uint8_t b[3];
    util::randomBytes(b, sizeof b);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string mac = "52:54:00";
    for (uint8_t x : b) {
        mac += ':';
        mac += kHex[x >> 4];
        mac += kHex[x & 0xf];
    }
    return mac;
}

void applyDefaults(DomainDef& def) {
    if (!def.uuid) def.uuid = util::randomUuid();
    if (!def.currentMemory) def.currentMemory = def.memory;
    if (!def.vcpu.placement) def.vcpu.placement = VcpuPlacement::Static;
    if (def.os.arch.empty()) def.os.arch = hostArch();
    if (!def.clock) def.clock = Clock{};
    if (!def.onPoweroff) def.onPoweroff = LifecycleAction::Destroy;
    if (!def.onReboot) def.onReboot = LifecycleAction::Restart;
    if (!def.onCrash) def.onCrash = LifecycleAction::Destroy;

    const bool container = def.isContainer();
    if (!container && def.emulator.empty()) def.emulator = "/usr/bin/qemu-system-x86_64";
    if (!container && def.os.machine.empty()) def.os.machine = "pc";

    // Consoles: containers always get one (libvirt's LXC driver does the same); a VM's
    // console mirrors its first serial port.
    if (container && def.consoles.empty()) def.consoles.push_back({CharKind::Console});
    if (!container && def.consoles.empty() && !def.serials.empty())
        def.consoles.push_back({CharKind::Console});
    if (!container && def.serials.empty() && !def.consoles.empty())
        def.serials.push_back({CharKind::Serial});
    for (size_t i = 0; i < def.serials.size(); ++i)
        if (!def.serials[i].targetPort) def.serials[i].targetPort = static_cast<unsigned>(i);
    for (size_t i = 0; i < def.consoles.size(); ++i) {
        CharDevice& c = def.consoles[i];
        if (c.targetType.empty()) c.targetType = container ? "lxc" : "serial";
        if (!c.targetPort) c.targetPort = static_cast<unsigned>(i);
    }

    if (!container) applyVmDeviceDefaults(def);

    for (Filesystem& fs : def.filesystems)
        if (!fs.accessmode) fs.accessmode = FsAccessMode::Passthrough;
    for (Interface& net : def.interfaces)
        if (net.mac.empty()) net.mac = randomMac();
}

}  // namespace cvirt::conf
