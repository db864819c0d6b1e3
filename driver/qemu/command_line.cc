// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/command_line.h"

#include "conf/domain.h"
#include "cvirt/error.h"
#include "qemu/devices.h"
#include "util/uuid.h"

namespace cvirt::qemu {

namespace {

using conf::DomainDef;

const char* bootLetter(conf::BootDev dev) {
    switch (dev) {
        case conf::BootDev::Hd:
            return "c";
        case conf::BootDev::Cdrom:
            return "d";
        case conf::BootDev::Network:
            return "n";
        case conf::BootDev::Fd:
            return "a";
    }
    return "c";
}

// libvirt's defaults: rtl8139 unless a model is named; "virtio" is virtio-net-pci.
std::string nicDevice(const std::string& model) {
    if (model.empty()) return "rtl8139";
    if (model == "virtio") return "virtio-net-pci";
    return model;
}

// libvirt's alias: "virtio-disk0", "ide0-1-0"; its drive is "drive-" + it.
std::string deviceId(const conf::Disk& d) {
    return conf::diskAlias(d);
}

void addDisks(const DomainDef& def, std::vector<std::string>& argv) {
    for (const auto& d : def.disks) {
        conf::DiskBus bus = conf::diskBus(d);
        std::string id = deviceId(d);
        bool cdrom = d.device == conf::DiskDevice::Cdrom;
        std::string drive = "if=none,id=drive-" + id;
        if (!d.source.empty())  // an empty cdrom drive has neither
            drive = "file=" + escapeOptionValue(d.source) + ",format=" +
                    std::string(conf::kDiskFormatNames.name(
                        d.driverFormat.value_or(conf::DiskFormat::Raw))) +
                    "," + drive;
        if (d.readonly || cdrom) drive += ",readonly=on";
        if (cdrom) drive += ",media=cdrom";
        argv.insert(argv.end(), {"-drive", drive});
        std::string device;
        if (bus == conf::DiskBus::Virtio) {
            device = "virtio-blk-pci";
        } else {
            unsigned idx = conf::diskIndex(d.targetDev);
            device = std::string(cdrom ? "ide-cd" : "ide-hd") + ",bus=ide." +
                     std::to_string(idx / 2) + ",unit=" + std::to_string(idx % 2);
        }
        argv.insert(argv.end(), {"-device", device + ",drive=drive-" + id + ",id=" + id});
    }
}

}  // namespace

std::string driveId(const conf::Disk& disk) {
    return "drive-" + deviceId(disk);
}

std::string escapeOptionValue(const std::string& value) {
    std::string out;
    for (char c : value) {
        out += c;
        if (c == ',') out += ',';
    }
    return out;
}

namespace {

// The <timer name=…> of the definition, or null.
const conf::ClockTimer* timer(const DomainDef& def, conf::TimerName name) {
    if (!def.clock) return nullptr;
    for (const auto& t : def.clock->timers)
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace

std::vector<std::string> commandLine(const DomainDef& def, const LaunchResources& res) {
    std::vector<std::string> argv{def.emulator.empty() ? "/usr/bin/qemu-system-x86_64"
                                                       : def.emulator};
    auto add = [&](std::initializer_list<std::string> a) { argv.insert(argv.end(), a); };
    add({"-name", "guest=" + escapeOptionValue(def.name) + ",debug-threads=on"});
    if (def.uuid) add({"-uuid", util::formatUuid(*def.uuid)});
    add({"-S", "-no-user-config", "-nodefaults"});
    if (def.graphics.empty()) add({"-display", "none"});
    add({"-machine", (def.os.machine.empty() ? std::string("pc") : def.os.machine) +
                         ",accel=" + (res.kvm ? "kvm" : "tcg") + ",usb=off,dump-guest-core=off" +
                         machineAcpi(def)});
    if (const auto* hpet = timer(def, conf::TimerName::Hpet); hpet && hpet->present == false)
        argv.back() += ",hpet=off";
    for (auto& a : cpuArgs(def, res.kvm))
        argv.push_back(a);
    add({"-m", "size=" + std::to_string(def.memory.kib) + "k"});
    unsigned online = def.vcpu.current.value_or(def.vcpu.count);
    add({"-smp", std::to_string(online) + ",maxcpus=" + std::to_string(def.vcpu.count)});
    // Nothing the guest or qemu does may reach outside: no new privileges, no spawning,
    // no obsolete syscalls, no resource control.
    add({"-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"});
    add({"-msg", "timestamp=on"});
    const char* rtc =
        def.clock && def.clock->offset == conf::ClockOffset::Localtime ? "localtime" : "utc";
    const auto* rtcTimer = timer(def, conf::TimerName::Rtc);
    bool catchup = rtcTimer && rtcTimer->tickpolicy == conf::TickPolicy::Catchup;
    add({"-rtc", std::string("base=") + rtc + (catchup ? ",driftfix=slew" : "")});
    // The in-kernel PIT's policy for ticks the guest missed; the emulated one (TCG) delays.
    if (const auto* pit = timer(def, conf::TimerName::Pit); pit && pit->tickpolicy && res.kvm)
        add({"-global", "kvm-pit.lost_tick_policy=" +
                            std::string(conf::kTickPolicyNames.name(*pit->tickpolicy))});
    if (def.onReboot == conf::LifecycleAction::Destroy) add({"-no-reboot"});

    add({"-chardev", "socket,id=charmonitor,fd=" + std::to_string(res.qmpFd)});
    add({"-mon", "chardev=charmonitor,id=monitor,mode=control"});

    if (!def.os.kernel.empty()) {
        add({"-kernel", def.os.kernel});
        if (!def.os.initrd.empty()) add({"-initrd", def.os.initrd});
        if (!def.os.cmdline.empty()) add({"-append", def.os.cmdline});
    } else if (!def.os.boot.empty()) {
        std::string order;
        for (auto b : def.os.boot)
            order += bootLetter(b);
        add({"-boot", "order=" + order + ",strict=on"});
    }

    addDisks(def, argv);

    for (size_t i = 0; i < def.interfaces.size(); ++i) {
        const auto& n = def.interfaces[i];
        std::string idx = std::to_string(i);
        int fd = i < res.tapFds.size() ? res.tapFds[i] : -1;
        if (fd < 0)
            throw Error(ErrorCode::Internal,
                        "no tap device for interface " + idx + " of '" + def.name + "'");
        add({"-netdev", "tap,fd=" + std::to_string(fd) + ",id=hostnet" + idx});
        add({"-device",
             nicDevice(n.model) + ",netdev=hostnet" + idx + ",id=net" + idx + ",mac=" + n.mac});
    }

    if (!def.serials.empty() && !res.serialPty.empty()) {
        add({"-chardev", "serial,id=charserial0,path=" + escapeOptionValue(res.serialPty)});
        add({"-device", "isa-serial,chardev=charserial0,id=serial0"});
    }
    for (auto& a : deviceArgs(def))
        argv.push_back(a);
    return argv;
}

}  // namespace cvirt::qemu
