// The only place defaults appear. Idempotent: applying twice changes nothing.
#include <sys/utsname.h>

#include "conf/domain.h"
#include "util/uuid.h"

namespace cvirt::conf {

namespace {

std::string hostArch() {
    utsname u{};
    if (::uname(&u) < 0) return "x86_64";
    return u.machine;
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

    for (Filesystem& fs : def.filesystems)
        if (!fs.accessmode) fs.accessmode = FsAccessMode::Passthrough;
    for (Interface& net : def.interfaces)
        if (net.mac.empty()) net.mac = randomMac();
}

}  // namespace cvirt::conf
