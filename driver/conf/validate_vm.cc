// SPDX-License-Identifier: GPL-3.0-or-later
#include "conf/validate_vm.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <set>

#include "conf/text_check.h"
#include "cvirt/error.h"

namespace cvirt::conf::detail {

namespace {

class Rules {
public:
    Rules(const DomainDef& d, std::string_view file) : d_(d), file_(file) {}

    // Refused at define like the rest of validate() (XmlError), be it a wrong value or one
    // cvirt does not implement: the message says which.
    [[noreturn]] void fail(std::string_view element, std::string_view msg) const {
        throw Error(ErrorCode::XmlError,
                    std::string(file_) + ": <" + std::string(element) + ">: " + std::string(msg));
    }
    [[noreturn]] void unsupported(std::string_view element, std::string_view msg) const {
        fail(element, msg);
    }

    void cpu() const {
        if (!d_.cpu) return;
        const Cpu& c = *d_.cpu;
        CpuMode mode = c.mode.value_or(CpuMode::Custom);
        std::string name(kCpuModeNames.name(mode));
        if (mode == CpuMode::HostPassthrough && d_.type == DomainType::Qemu)
            unsupported("cpu",
                        "CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 "
                        "host is not supported by hypervisor (it needs type='kvm'; "
                        "under emulation use mode='maximum')");
        if (mode == CpuMode::Custom && c.model.empty())
            fail("cpu", "cpu mode 'custom' needs a <model>");
        if (mode != CpuMode::Custom && !c.model.empty())
            fail("cpu", "a <model> is only for mode='custom' (mode is '" + name + "')");
        if (c.migratable && mode != CpuMode::HostPassthrough && mode != CpuMode::Maximum)
            fail("cpu", "migratable is only for mode='host-passthrough' or 'maximum' (mode is '" +
                            name + "')");
        std::set<std::string> seen;
        for (const auto& f : c.features)
            if (!seen.insert(f.name).second)
                fail("cpu", "CPU feature '" + f.name + "' is named twice");
    }

    // What qemu has a switch for: the RTC's catch-up (-rtc driftfix=slew), the in-kernel
    // PIT's lost-tick policy (KVM only: the emulated PIT delivers late ticks as they come,
    // which is 'delay'), an HPET or none.
    void timers() const {
        if (!d_.clock) return;
        for (const ClockTimer& t : d_.clock->timers) {
            std::string name(kTimerNameNames.name(t.name));
            std::string policy(t.tickpolicy ? kTickPolicyNames.name(*t.tickpolicy) : "");
            auto refuse = [&](const std::string& why) {
                unsupported("timer", "timer '" + name + "'" + why);
            };
            switch (t.name) {
                case TimerName::Rtc:
                    if (t.present == false) refuse(": the RTC cannot be removed");
                    if (t.tickpolicy && *t.tickpolicy != TickPolicy::Delay &&
                        *t.tickpolicy != TickPolicy::Catchup)
                        refuse(" tickpolicy '" + policy + "' is not supported (delay, catchup)");
                    break;
                case TimerName::Pit:
                    if (t.present == false) refuse(": the PIT cannot be removed");
                    if (t.tickpolicy == TickPolicy::Discard && d_.type != DomainType::Kvm)
                        refuse(" tickpolicy 'discard' needs type='kvm' (the in-kernel PIT)");
                    if (t.tickpolicy && *t.tickpolicy != TickPolicy::Delay &&
                        *t.tickpolicy != TickPolicy::Discard)
                        refuse(" tickpolicy '" + policy + "' is not supported (delay, discard)");
                    break;
                case TimerName::Hpet:
                    if (t.tickpolicy) refuse(" has no tickpolicy");
                    if (family() == MachineFamily::Other && t.present == false)
                        refuse(" present='no' needs an i440fx or q35 machine");
                    break;
                default:
                    refuse(" is not supported by cvirt (rtc, pit, hpet)");
            }
        }
    }

    void pm() const {
        if (!d_.pm.empty() && family() == MachineFamily::Other)
            unsupported("pm",
                        "<pm> needs an i440fx or q35 machine (machine is '" + d_.os.machine + "')");
    }

    void controllers() const {
        std::map<std::pair<ControllerType, unsigned>, const Controller*> masters;
        for (const auto& c : d_.controllers) {
            std::string t(kControllerTypeNames.name(c.type));
            unsigned index = c.index.value_or(0);
            bool companion = c.masterStartport.has_value();
            if (!companion && !masters.emplace(std::pair{c.type, index}, &c).second)
                fail("controller", "two " + t + " controllers have index " + std::to_string(index));
            if (!allowedModel(c))
                unsupported("controller", "controller model '" + c.model +
                                              "' is not supported for type '" + t + "' (" +
                                              modelsFor(c.type) + ")");
            if (companion) {
                if (c.model.rfind("ich9-uhci", 0) != 0)
                    fail("controller", "<master> is only for ich9-uhci1..3 companions (model is '" +
                                           c.model + "')");
                auto m = masters.find({ControllerType::Usb, index});
                if (m == masters.end() ||
                    (m->second->model != "ich9-ehci1" && m->second->model != "ehci"))
                    fail("controller", "usb companion '" + c.model +
                                           "' needs an ich9-ehci1 "
                                           "controller with index " +
                                           std::to_string(index) + " before it");
            }
            bool xhci = c.model == "qemu-xhci" || c.model == "nec-xhci";
            if (c.vectors && c.type != ControllerType::VirtioSerial)
                fail("controller", "vectors are only for virtio-serial controllers");
            if (c.ports && c.type != ControllerType::VirtioSerial && !xhci)
                fail("controller", "ports are only for virtio-serial and xhci controllers");
            if (c.ports && xhci && (*c.ports < 1 || *c.ports > 15))
                fail("controller",
                     "an xhci controller has 1..15 ports, not " + std::to_string(*c.ports));
            if ((c.chassis || c.targetPort) && c.model != "pcie-root-port")
                fail("controller", "<target chassis/port> is only for pcie-root-port controllers");
            bool root = c.model == "pci-root" || c.model == "pcie-root";
            if (root != (c.type == ControllerType::Pci && index == 0) &&
                c.type == ControllerType::Pci)
                fail("controller", "pci controller " + std::to_string(index) + " of model '" +
                                       c.model +
                                       "' : index 0 is the root (pci-root or "
                                       "pcie-root), the others are ports");
            bool q35 = family() == MachineFamily::Q35;
            auto needs = [&](bool ok, const std::string& what, const char* machine) {
                if (!ok)
                    unsupported("controller", what + " needs a " + machine +
                                                  " machine (machine is '" + d_.os.machine + "')");
            };
            if (c.model == "pci-root" || c.type == ControllerType::Ide)
                needs(
                    family() == MachineFamily::I440fx,
                    "controller '" + t + "'" + (c.model.empty() ? "" : " model '" + c.model + "'"),
                    "pc (i440fx)");
            if (c.model == "pcie-root" || c.model == "pcie-root-port" ||
                c.type == ControllerType::Sata)
                needs(
                    q35,
                    "controller '" + t + "'" + (c.model.empty() ? "" : " model '" + c.model + "'"),
                    "q35");
            if ((c.type == ControllerType::Ide || c.type == ControllerType::Sata) && index != 0)
                unsupported("controller", t + " controller " + std::to_string(index) +
                                              ": only the machine's built-in one (index 0)");
        }
    }

    void channels() const {
        std::set<std::string> names;
        for (const auto& ch : d_.channels) {
            if (!ch.targetName.empty() && !names.insert(ch.targetName).second)
                fail("channel", "channel target name '" + ch.targetName + "' appears twice");
            if (ch.sourcePath.size() > 107)
                fail("channel", "socket path '" + ch.sourcePath +
                                    "' is longer than a UNIX socket address (107 bytes)");
        }
        if (!d_.channels.empty() &&
            std::none_of(d_.controllers.begin(), d_.controllers.end(), [](const Controller& c) {
                return c.type == ControllerType::VirtioSerial;
            }))
            fail("channel", "a virtio channel needs a <controller type='virtio-serial'>");
    }

    void memballoon() const {
        bool none = d_.memballoon && d_.memballoon->model == MemballoonModel::None;
        if (none && d_.currentMemory && d_.currentMemory->kib < d_.memory.kib)
            fail("memballoon",
                 "currentMemory below memory needs a balloon (memballoon model is "
                 "'none')");
    }

    void videos() const {
        if (d_.videos.size() > 1) unsupported("video", "only one <video> is supported");
        for (const auto& v : d_.videos) {
            std::string m(kVideoModelNames.name(v.model));
            if (v.heads && *v.heads != 1 && v.model != VideoModel::Virtio)
                unsupported("video", "heads " + std::to_string(*v.heads) +
                                         " needs model 'virtio' (model is '" + m + "')");
            if (v.vramKiB && v.model != VideoModel::Vga && v.model != VideoModel::Cirrus)
                unsupported("video",
                            "vram is only for models 'vga' and 'cirrus' (model is '" + m + "')");
            if (v.vramKiB && (*v.vramKiB < 1024 || *v.vramKiB % 1024))
                fail("video", "vram " + std::to_string(*v.vramKiB) +
                                  " KiB is not a whole number of MiB (at least 1024)");
            if (v.primary == false) fail("video", "the only <video> is the primary one");
        }
    }

    void graphics() const {
        if (d_.graphics.size() > 1) unsupported("graphics", "only one <graphics> is supported");
        for (const auto& g : d_.graphics) {
            GraphicsListenType lt = g.listenType.value_or(GraphicsListenType::Address);
            if (lt == GraphicsListenType::Address) {
                if (!loopback(g.listenAddress))
                    unsupported("graphics",
                                "VNC listen address '" + g.listenAddress +
                                    "' is not local: cvirt's VNC has no password or TLS, so it "
                                    "listens on a loopback address (127.0.0.1, ::1) or a UNIX "
                                    "socket (<listen type='socket'/>)");
                if (g.autoport == false && (!g.port || *g.port < 5900))
                    fail("graphics", "VNC port " + (g.port ? std::to_string(*g.port) : "(none)") +
                                         " is not valid: with autoport='no' it is 5900..65535");
            } else if (g.port || g.autoport) {
                fail("graphics", "port and autoport are only for listen type 'address'");
            }
            if (lt == GraphicsListenType::Socket && g.socket.size() > 107)
                fail("graphics", "socket path '" + g.socket +
                                     "' is longer than a UNIX socket address (107 bytes)");
            if (lt != GraphicsListenType::Socket && !g.socket.empty())
                fail("graphics", "a socket is only for listen type 'socket'");
            if (lt != GraphicsListenType::Address && !g.listenAddress.empty())
                fail("graphics", "an address is only for listen type 'address'");
        }
    }

    void inputs() const {
        bool usb = std::any_of(d_.controllers.begin(), d_.controllers.end(), [](const auto& c) {
            return c.type == ControllerType::Usb && c.model != "none";
        });
        for (const auto& in : d_.inputs) {
            std::string t(kInputTypeNames.name(in.type));
            InputBus bus = in.bus.value_or(InputBus::Ps2);
            if (bus == InputBus::Ps2 && in.type == InputType::Tablet)
                unsupported("input", "ps2 bus does not support tablet input device");
            if (bus == InputBus::Usb && !usb)
                fail("input", "input '" + t +
                                  "' on bus 'usb' needs a USB controller (the "
                                  "usb controller's model is 'none')");
        }
    }

    void rngs() const {
        for (const auto& r : d_.rngs) {
            if (r.source != "/dev/urandom" && r.source != "/dev/random" && r.source != "/dev/hwrng")
                unsupported("rng", "rng backend '" + r.source +
                                       "' is not supported (/dev/urandom, /dev/random or "
                                       "/dev/hwrng)");
            if (r.rateBytes && *r.rateBytes == 0) fail("rng", "rate bytes must be at least 1");
            if (r.ratePeriodMs && *r.ratePeriodMs == 0)
                fail("rng", "rate period must be at least 1");
        }
    }

private:
    MachineFamily family() const { return machineFamily(d_.os.machine); }

    static bool allowedModel(const Controller& c) {
        static const std::map<ControllerType, std::set<std::string>> kModels = {
            {ControllerType::Usb,
             {"piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
              "ich9-uhci3", "qemu-xhci", "nec-xhci", "none"}},
            {ControllerType::Pci, {"pci-root", "pcie-root", "pcie-root-port"}},
            {ControllerType::VirtioSerial, {"", "virtio"}},
            {ControllerType::Scsi, {"virtio-scsi", "lsilogic"}},
            {ControllerType::Ide, {""}},
            {ControllerType::Sata, {""}}};
        return kModels.at(c.type).count(c.model) > 0;
    }
    static std::string modelsFor(ControllerType t) {
        switch (t) {
            case ControllerType::Usb:
                return "piix3-uhci, piix4-uhci, ehci, ich9-ehci1, ich9-uhci1..3, qemu-xhci, "
                       "nec-xhci or none";
            case ControllerType::Pci:
                return "pci-root, pcie-root or pcie-root-port";
            case ControllerType::VirtioSerial:
                return "virtio";
            case ControllerType::Scsi:
                return "virtio-scsi or lsilogic";
            case ControllerType::Ide:
            case ControllerType::Sata:
                return "the machine's built-in one, no model";
        }
        return {};
    }
    static bool loopback(const std::string& a) {
        if (a == "localhost" || a == "::1") return true;
        in_addr v4{};
        return ::inet_pton(AF_INET, a.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
    }

    const DomainDef& d_;
    std::string_view file_;
};

}  // namespace

void validateVmDevices(const DomainDef& def, std::string_view filename) {
    Rules r(def, filename);
    r.cpu();
    r.timers();
    r.pm();
    r.controllers();
    r.channels();
    r.memballoon();
    r.videos();
    r.graphics();
    r.inputs();
    r.rngs();
}

void refuseVmOnlyElements(const DomainDef& d, std::string_view filename) {
    Rules r(d, filename);
    auto refuse = [&](bool present, const char* element) {
        if (present)
            r.unsupported(element,
                          std::string("<") + element + "> is only for qemu and kvm domains");
    };
    refuse(!d.disks.empty(), "disk");
    refuse(d.cpu.has_value(), "cpu");
    refuse(!d.pm.empty(), "pm");
    refuse(!d.controllers.empty(), "controller");
    refuse(!d.channels.empty(), "channel");
    refuse(d.memballoon.has_value(), "memballoon");
    refuse(!d.videos.empty(), "video");
    refuse(!d.graphics.empty(), "graphics");
    refuse(!d.inputs.empty(), "input");
    refuse(!d.rngs.empty(), "rng");
    refuse(d.clock && !d.clock->timers.empty(), "timer");
}

}  // namespace cvirt::conf::detail
