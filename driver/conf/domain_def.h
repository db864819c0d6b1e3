// SPDX-License-Identifier: GPL-3.0-or-later
// The domain model: plain values, no XML nodes, no fds. Parsed by parseDomain(), written by
// formatDomain(), completed by applyDefaults(), checked by validate(). Memory sizes are KiB,
// as in libvirt. std::optional marks what the XML may leave out.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conf/name_table.h"

namespace cvirt::conf {

using Uuid = std::array<uint8_t, 16>;

// --- enums with XML names --------------------------------------------------------------
enum class DomainType { Lxc, Qemu, Kvm };
inline constexpr auto kDomainTypeNames = makeNames<DomainType>("lxc", "qemu", "kvm");

enum class OsType { Exe, Hvm };
inline constexpr auto kOsTypeNames = makeNames<OsType>("exe", "hvm");

enum class VcpuPlacement { Static, Auto };
inline constexpr auto kVcpuPlacementNames = makeNames<VcpuPlacement>("static", "auto");

enum class NumaMode { Strict, Preferred, Interleave, Restrictive };
inline constexpr auto kNumaModeNames =
    makeNames<NumaMode>("strict", "preferred", "interleave", "restrictive");

enum class LifecycleAction {
    Destroy,
    Restart,
    Preserve,
    RenameRestart,
    CoredumpDestroy,
    CoredumpRestart
};
// restart, rename-restart and coredump-restart start the domain again.
constexpr bool restarts(LifecycleAction a) {
    return a == LifecycleAction::Restart || a == LifecycleAction::RenameRestart ||
           a == LifecycleAction::CoredumpRestart;
}
inline constexpr auto kLifecycleActionNames = makeNames<LifecycleAction>(
    "destroy", "restart", "preserve", "rename-restart", "coredump-destroy", "coredump-restart");

enum class CapPolicy { Default, Allow, Deny };
inline constexpr auto kCapPolicyNames = makeNames<CapPolicy>("default", "allow", "deny");

enum class Toggle { On, Off };
inline constexpr auto kToggleNames = makeNames<Toggle>("on", "off");

enum class ClockOffset { Utc, Localtime, Timezone, Variable };
inline constexpr auto kClockOffsetNames =
    makeNames<ClockOffset>("utc", "localtime", "timezone", "variable");

enum class FsType { Mount, Bind, Block, File, Ram };
inline constexpr auto kFsTypeNames = makeNames<FsType>("mount", "bind", "block", "file", "ram");

enum class FsAccessMode { Passthrough, Mapped, Squash };
inline constexpr auto kFsAccessModeNames =
    makeNames<FsAccessMode>("passthrough", "mapped", "squash");

enum class FsDriverType { Path, Handle, Loop, Nbd, Ploop };
inline constexpr auto kFsDriverTypeNames =
    makeNames<FsDriverType>("path", "handle", "loop", "nbd", "ploop");

enum class NetType { Bridge, Network, Ethernet, Direct, Hostdev };
inline constexpr auto kNetTypeNames =
    makeNames<NetType>("bridge", "network", "ethernet", "direct", "hostdev");

enum class MacvlanMode { Bridge, Vepa, Private, Passthrough };
inline constexpr auto kMacvlanModeNames =
    makeNames<MacvlanMode>("bridge", "vepa", "private", "passthrough");

enum class LinkState { Up, Down };
inline constexpr auto kLinkStateNames = makeNames<LinkState>("up", "down");

enum class IpFamily { Ipv4, Ipv6 };
inline constexpr auto kIpFamilyNames = makeNames<IpFamily>("ipv4", "ipv6");

enum class CharKind { Console, Serial };  // element name
inline constexpr auto kCharKindNames = makeNames<CharKind>("console", "serial");

enum class CharSourceType { Pty };
inline constexpr auto kCharSourceTypeNames = makeNames<CharSourceType>("pty");

enum class HostdevCapsType { Storage, Misc, Net };
inline constexpr auto kHostdevCapsTypeNames = makeNames<HostdevCapsType>("storage", "misc", "net");

enum class DiskType { File, Block, Volume };
inline constexpr auto kDiskTypeNames = makeNames<DiskType>("file", "block", "volume");

enum class DiskDevice { Disk, Cdrom };
inline constexpr auto kDiskDeviceNames = makeNames<DiskDevice>("disk", "cdrom");

enum class DiskBus { Virtio, Ide, Scsi, Sata };
inline constexpr auto kDiskBusNames = makeNames<DiskBus>("virtio", "ide", "scsi", "sata");

enum class DiskFormat { Raw, Qcow2 };
inline constexpr auto kDiskFormatNames = makeNames<DiskFormat>("raw", "qcow2");

enum class BootDev { Hd, Cdrom, Network, Fd };
inline constexpr auto kBootDevNames = makeNames<BootDev>("hd", "cdrom", "network", "fd");

enum class SeccompProfile { Default, Unconfined };
inline constexpr auto kSeccompProfileNames = makeNames<SeccompProfile>("default", "unconfined");

enum class SeclabelType { Dynamic, Static, None };
inline constexpr auto kSeclabelTypeNames = makeNames<SeclabelType>("dynamic", "static", "none");

enum class NsShareType { Name, Pid, Netns };
inline constexpr auto kNsShareTypeNames = makeNames<NsShareType>("name", "pid", "netns");

// --- VM devices and CPU (virt-install's and virt-manager's XML) ---------------------------
enum class CpuMode { Custom, HostModel, HostPassthrough, Maximum };
inline constexpr auto kCpuModeNames =
    makeNames<CpuMode>("custom", "host-model", "host-passthrough", "maximum");

enum class CpuMatch { Minimum, Exact, Strict };
inline constexpr auto kCpuMatchNames = makeNames<CpuMatch>("minimum", "exact", "strict");

enum class CpuCheck { None, Partial, Full };
inline constexpr auto kCpuCheckNames = makeNames<CpuCheck>("none", "partial", "full");

enum class CpuFeaturePolicy { Force, Require, Optional, Disable, Forbid };
inline constexpr auto kCpuFeaturePolicyNames =
    makeNames<CpuFeaturePolicy>("force", "require", "optional", "disable", "forbid");

enum class ControllerType { Usb, Pci, VirtioSerial, Scsi, Ide, Sata };
inline constexpr auto kControllerTypeNames =
    makeNames<ControllerType>("usb", "pci", "virtio-serial", "scsi", "ide", "sata");

enum class MemballoonModel { Virtio, None };
inline constexpr auto kMemballoonModelNames = makeNames<MemballoonModel>("virtio", "none");

enum class VideoModel { Vga, Cirrus, Virtio, Qxl, Bochs, None };
inline constexpr auto kVideoModelNames =
    makeNames<VideoModel>("vga", "cirrus", "virtio", "qxl", "bochs", "none");

enum class GraphicsListenType { Address, Socket, None };
inline constexpr auto kGraphicsListenTypeNames =
    makeNames<GraphicsListenType>("address", "socket", "none");

enum class InputType { Mouse, Tablet, Keyboard };
inline constexpr auto kInputTypeNames = makeNames<InputType>("mouse", "tablet", "keyboard");

enum class InputBus { Ps2, Usb, Virtio };
inline constexpr auto kInputBusNames = makeNames<InputBus>("ps2", "usb", "virtio");

// The x86 machine a VM's <type machine=…> names: "pc", "pc-i440fx-7.2" (i440fx + PIIX4);
// "q35", "pc-q35-7.2" (Q35 + ICH9); anything else (microvm, isapc…) is Other.
enum class MachineFamily { I440fx, Q35, Other };
inline MachineFamily machineFamily(const std::string& machine) {
    if (machine == "q35" || machine.rfind("pc-q35", 0) == 0) return MachineFamily::Q35;
    if (machine == "pc" || machine.rfind("pc-i440fx", 0) == 0 || machine.rfind("pc-", 0) == 0)
        return MachineFamily::I440fx;
    return MachineFamily::Other;
}

// The capability names libvirt knows for <features><capabilities>, in the kernel's order.
extern const std::vector<std::string> kCapabilityNames;

// --- general -------------------------------------------------------------------------------
struct MemoryKiB {
    uint64_t kib = 0;
    auto operator<=>(const MemoryKiB&) const = default;
};

struct MaxMemory {
    uint64_t kib = 0;
    std::optional<unsigned> slots;
    auto operator<=>(const MaxMemory&) const = default;
};

struct Vcpu {
    unsigned count = 1;
    std::optional<VcpuPlacement> placement;
    std::string cpuset;  // libvirt cpuset syntax, e.g. "0-3,^2"; empty = unset
    std::optional<unsigned> current;
    auto operator<=>(const Vcpu&) const = default;
};

struct CpuTune {
    std::optional<uint64_t> shares;
    std::optional<uint64_t> period;  // microseconds
    std::optional<int64_t> quota;    // microseconds; -1 = unlimited
    std::optional<uint64_t> emulatorPeriod;
    std::optional<int64_t> emulatorQuota;
    std::string emulatorpinCpuset;
    bool empty() const { return *this == CpuTune{}; }
    auto operator<=>(const CpuTune&) const = default;
};

struct MemTune {
    std::optional<uint64_t> hardLimitKiB;
    std::optional<uint64_t> softLimitKiB;
    std::optional<uint64_t> swapHardLimitKiB;
    std::optional<uint64_t> minGuaranteeKiB;
    bool empty() const { return *this == MemTune{}; }
    auto operator<=>(const MemTune&) const = default;
};

struct BlkioDevice {
    std::string path;
    std::optional<unsigned> weight;
    std::optional<uint64_t> readBytesSec, writeBytesSec, readIopsSec, writeIopsSec;
    auto operator<=>(const BlkioDevice&) const = default;
};

struct BlkioTune {
    std::optional<unsigned> weight;
    std::vector<BlkioDevice> devices;
    bool empty() const { return *this == BlkioTune{}; }
    auto operator<=>(const BlkioTune&) const = default;
};

struct NumaTune {
    std::optional<NumaMode> mode;
    std::optional<VcpuPlacement> placement;
    std::string nodeset;
    bool empty() const { return *this == NumaTune{}; }
    auto operator<=>(const NumaTune&) const = default;
};

struct InitEnv {
    std::string name, value;
    auto operator<=>(const InitEnv&) const = default;
};

struct Os {
    OsType type = OsType::Exe;
    std::string arch;     // defaulted to the host arch
    std::string machine;  // hvm only
    // exe (containers)
    std::string init;
    std::vector<std::string> initargs;
    std::vector<InitEnv> initenv;
    std::string initdir, inituser, initgroup;
    // hvm (VMs)
    std::string kernel, initrd, cmdline;
    std::vector<BootDev> boot;
    auto operator<=>(const Os&) const = default;
};

struct IdmapRange {
    uint64_t start = 0, target = 0, count = 0;
    int line = 0;  // source line for error messages; not compared
    bool operator==(const IdmapRange& o) const {
        return start == o.start && target == o.target && count == o.count;
    }
};

struct Idmap {
    std::vector<IdmapRange> uid, gid;
    bool empty() const { return uid.empty() && gid.empty(); }
    bool operator==(const Idmap&) const = default;
};

struct CapabilityState {
    std::string name;
    Toggle state = Toggle::On;
    auto operator<=>(const CapabilityState&) const = default;
};

struct Features {
    bool privnet = false;
    std::optional<CapPolicy> capsPolicy;  // <capabilities policy=…> present
    std::vector<CapabilityState> caps;
    // hvm features (acpi, apic, pae) kept as flags
    bool acpi = false, apic = false, pae = false;
    bool empty() const { return *this == Features{}; }
    auto operator<=>(const Features&) const = default;
};

// <timer>: the guest's timer devices (libvirt's names); cvirt runs rtc, pit and hpet.
enum class TimerName { Platform, Pit, Rtc, Hpet, Tsc, Kvmclock, Hypervclock, Armvtimer };
inline constexpr auto kTimerNameNames = makeNames<TimerName>(
    "platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock", "armvtimer");
enum class TickPolicy { Delay, Catchup, Merge, Discard };
inline constexpr auto kTickPolicyNames =
    makeNames<TickPolicy>("delay", "catchup", "merge", "discard");
struct ClockTimer {
    TimerName name = TimerName::Rtc;
    std::optional<bool> present;
    std::optional<TickPolicy> tickpolicy;
    auto operator<=>(const ClockTimer&) const = default;
};

struct Clock {
    ClockOffset offset = ClockOffset::Utc;
    std::string timezone;               // offset='timezone'
    std::optional<int64_t> adjustment;  // offset='variable'
    std::vector<ClockTimer> timers;     // a VM's
    auto operator<=>(const Clock&) const = default;
};

// --- devices -----------------------------------------------------------------------------
struct Filesystem {
    FsType type = FsType::Mount;
    std::optional<FsAccessMode> accessmode;
    std::optional<FsDriverType> driverType;
    std::string driverFormat;          // e.g. raw, qcow2 for loop/nbd
    std::string source;                // dir, dev or file depending on type
    std::optional<uint64_t> usageKiB;  // type='ram'
    std::string target;
    bool readonly = false;
    std::optional<uint64_t> spaceHardLimitKiB, spaceSoftLimitKiB;
    std::string alias;  // <alias name=…>; empty = none
    int line = 0;       // not compared
    bool operator==(const Filesystem& o) const {
        return type == o.type && accessmode == o.accessmode && driverType == o.driverType &&
               driverFormat == o.driverFormat && source == o.source && usageKiB == o.usageKiB &&
               target == o.target && readonly == o.readonly &&
               spaceHardLimitKiB == o.spaceHardLimitKiB &&
               spaceSoftLimitKiB == o.spaceSoftLimitKiB && alias == o.alias;
    }
};

struct IpAddress {
    std::optional<IpFamily> family;
    std::string address;
    std::optional<unsigned> prefix;
    std::string peer;
    auto operator<=>(const IpAddress&) const = default;
};

struct Route {
    std::optional<IpFamily> family;
    std::string address;
    std::optional<unsigned> prefix;
    std::string gateway;
    std::optional<unsigned> metric;
    auto operator<=>(const Route&) const = default;
};

struct Interface {
    NetType type = NetType::Ethernet;
    std::string mac;  // lower-case aa:bb:…; generated by applyDefaults
    // source: bridge name, network name, direct parent dev; hostdev: pci address text
    std::string sourceBridge, sourceNetwork, sourceDev;
    std::optional<MacvlanMode> sourceMode;  // direct
    std::string sourcePciAddress;           // hostdev: "0000:03:00.0"
    std::vector<IpAddress> ips;             // the guest side (<ip>, <route> of <interface>)
    std::vector<Route> routes;
    // type='ethernet': the host end's (<source><ip>, <source><route>), libvirt's hostIP
    std::vector<IpAddress> hostIps;
    std::vector<Route> hostRoutes;
    std::string targetDev, guestDev;
    std::string model;
    std::optional<LinkState> link;
    std::optional<unsigned> mtu;
    std::string alias;  // <alias name=…>; empty = none
    int line = 0;       // not compared
    bool operator==(const Interface& o) const {
        return type == o.type && mac == o.mac && sourceBridge == o.sourceBridge &&
               sourceNetwork == o.sourceNetwork && sourceDev == o.sourceDev &&
               sourceMode == o.sourceMode && sourcePciAddress == o.sourcePciAddress &&
               ips == o.ips && routes == o.routes && hostIps == o.hostIps &&
               hostRoutes == o.hostRoutes && targetDev == o.targetDev && guestDev == o.guestDev &&
               model == o.model && link == o.link && mtu == o.mtu && alias == o.alias;
    }
};

struct CharDevice {
    CharKind kind = CharKind::Console;
    CharSourceType type = CharSourceType::Pty;
    std::string targetType;  // console: lxc|serial|virtio; serial: isa-serial…
    std::optional<unsigned> targetPort;
    std::string alias;    // <alias name=…>; empty = none
    std::string ptyPath;  // live XML: the host pty (tty='…', <source path>); empty = none
    auto operator<=>(const CharDevice&) const = default;
};

struct Hostdev {
    HostdevCapsType type = HostdevCapsType::Storage;
    std::string source;  // block path, char path, or interface name
    // type='net': set on the device once it is inside the container
    std::vector<IpAddress> ips;
    std::vector<Route> routes;
    std::string alias;  // <alias name=…>; empty = none
    auto operator<=>(const Hostdev&) const = default;
};

struct Disk {
    DiskType type = DiskType::File;
    DiskDevice device = DiskDevice::Disk;
    std::string driverName;  // "qemu"
    std::optional<DiskFormat> driverFormat;
    std::string source;  // file or dev; a volume's path once the VM's controller resolved it
    std::string sourcePool, sourceVolume;  // type='volume'
    std::string targetDev;
    std::optional<DiskBus> targetBus;
    bool readonly = false;
    std::string alias;  // <alias name=…>; empty = none
    auto operator<=>(const Disk&) const = default;
};

// <cpu>: the guest CPU. mode absent means custom (libvirt's default when <model> is given).
struct CpuFeature {
    CpuFeaturePolicy policy = CpuFeaturePolicy::Require;
    std::string name;
    auto operator<=>(const CpuFeature&) const = default;
};

struct Cpu {
    std::optional<CpuMode> mode;
    std::optional<CpuMatch> match;
    std::optional<CpuCheck> check;
    std::optional<Toggle> migratable;
    std::string model;  // custom: a qemu CPU model name; empty = none
    std::vector<CpuFeature> features;
    auto operator<=>(const Cpu&) const = default;
};

// <pm>: whether the guest may suspend to RAM (S3) and to disk (S4); absent = qemu's default.
struct Pm {
    std::optional<bool> suspendToMem, suspendToDisk;
    bool empty() const { return *this == Pm{}; }
    auto operator<=>(const Pm&) const = default;
};

struct Controller {
    ControllerType type = ControllerType::Usb;
    std::optional<unsigned> index;  // applyDefaults numbers them per type
    std::string model;  // per type: piix3-uhci, qemu-xhci, pcie-root-port, virtio-scsi…
    std::optional<unsigned> masterStartport;      // usb companion controllers (ich9-uhciN)
    std::optional<unsigned> ports, vectors;       // virtio-serial
    std::optional<unsigned> chassis, targetPort;  // pcie-root-port <target chassis= port=>
    std::string alias;
    auto operator<=>(const Controller&) const = default;
};

// <channel type='unix'>: a virtio serial port on a UNIX socket qemu listens on (guest agent).
struct Channel {
    std::string sourcePath;  // empty = generated under the run dir at start (live XML shows it)
    std::string targetName;  // org.qemu.guest_agent.0
    std::string alias;
    auto operator<=>(const Channel&) const = default;
};

struct Memballoon {
    MemballoonModel model = MemballoonModel::Virtio;
    std::string alias;
    auto operator<=>(const Memballoon&) const = default;
};

struct Video {
    VideoModel model = VideoModel::Vga;
    std::optional<unsigned> vramKiB;  // vga, cirrus, bochs: the framebuffer
    std::optional<unsigned> heads;    // virtio: max_outputs; others 1
    std::optional<bool> primary;
    std::string alias;
    auto operator<=>(const Video&) const = default;
};

// <graphics type='vnc'>: one listen, on a loopback address, a UNIX socket or none.
struct Graphics {
    std::optional<int> port;  // -1 = allocated at start from 5900 (autoport)
    std::optional<bool> autoport;
    std::optional<GraphicsListenType> listenType;
    std::string listenAddress;  // listen type address (also the listen attribute)
    std::string socket;         // listen type socket; empty = generated at start
    std::string alias;
    auto operator<=>(const Graphics&) const = default;
};

struct Input {
    InputType type = InputType::Mouse;
    std::optional<InputBus> bus;  // defaults: mouse, keyboard ps2; tablet usb
    std::string alias;
    auto operator<=>(const Input&) const = default;
};

// <rng model='virtio'><backend model='random'>PATH</backend>: virtio-rng from a host device.
struct Rng {
    std::string source;  // /dev/urandom (default), /dev/random, /dev/hwrng
    std::optional<unsigned> rateBytes, ratePeriodMs;
    std::string alias;
    auto operator<=>(const Rng&) const = default;
};

struct NsShare {
    NsShareType type = NsShareType::Name;
    std::string value;
    auto operator<=>(const NsShare&) const = default;
};

// <seclabel>: a security driver's label for the domain, one per model. Kept as written;
// cvirt enforces no security model, so only type='none' may start (requireEnforceable).
struct Seclabel {
    std::optional<SeclabelType> type;  // absent: the host's default driver decides
    std::string model;                 // selinux, apparmor, dac, none…; empty = default
    std::optional<bool> relabel;
    std::string label, imagelabel, baselabel;  // empty = absent
    int line = 0;                              // not compared
    bool operator==(const Seclabel& o) const {
        return type == o.type && model == o.model && relabel == o.relabel && label == o.label &&
               imagelabel == o.imagelabel && baselabel == o.baselabel;
    }
};

// <lxc:namespace> (http://libvirt.org/schemas/domain/lxc/1.0)
struct LxcNamespaces {
    std::optional<NsShare> sharenet, shareipc, shareuts;
    bool empty() const { return *this == LxcNamespaces{}; }
    auto operator<=>(const LxcNamespaces&) const = default;
};

// <cvirt:rlimit name='nofile' soft='1024' hard='4096'/>: setrlimit for init and `exec`.
struct Rlimit {
    std::string name;                    // "nofile", "nproc", … (rlimit names, lower case)
    std::optional<uint64_t> soft, hard;  // nullopt = unlimited
    auto operator<=>(const Rlimit&) const = default;
};

// <cvirt:resources> (kCvirtNamespaceUri): limits libvirt's XML has no element for.
struct CvirtResources {
    std::optional<uint64_t> pidsMax;  // <cvirt:pids max='N'/> → pids.max
    std::vector<Rlimit> rlimits;
    bool empty() const { return *this == CvirtResources{}; }
    auto operator<=>(const CvirtResources&) const = default;
};

// <cvirt:security>: confinement of what runs inside a container.
struct CvirtSecurity {
    std::optional<SeccompProfile> seccomp;  // <cvirt:seccomp profile='…'/>; default: Default
    std::optional<Toggle> noNewPrivs;       // <cvirt:nonewprivs state='…'/>; default: on
    bool empty() const { return *this == CvirtSecurity{}; }
    auto operator<=>(const CvirtSecurity&) const = default;
};

// --- the domain ----------------------------------------------------------------------------
struct DomainDef {
    DomainType type = DomainType::Lxc;
    std::string name;
    std::optional<Uuid> uuid;  // generated by applyDefaults when absent
    std::string title, description;
    std::string metadata;  // children of <metadata>, verbatim XML; empty = none

    std::optional<MaxMemory> maxMemory;
    MemoryKiB memory;
    std::optional<MemoryKiB> currentMemory;
    BlkioTune blkiotune;
    MemTune memtune;
    Vcpu vcpu;
    CpuTune cputune;
    NumaTune numatune;
    std::string resourcePartition;  // empty = unset (defaults to /machine)

    Os os;
    Idmap idmap;
    Features features;
    std::optional<Clock> clock;
    std::optional<Cpu> cpu;
    std::optional<LifecycleAction> onPoweroff, onReboot, onCrash;
    Pm pm;

    std::string emulator;
    std::vector<Disk> disks;
    std::vector<Filesystem> filesystems;
    std::vector<Interface> interfaces;
    std::vector<CharDevice> serials;
    std::vector<CharDevice> consoles;
    std::vector<Hostdev> hostdevs;
    std::vector<Controller> controllers;
    std::vector<Channel> channels;
    std::optional<Memballoon> memballoon;
    std::vector<Video> videos;
    std::vector<Graphics> graphics;
    std::vector<Input> inputs;
    std::vector<Rng> rngs;
    std::vector<Seclabel> seclabels;

    LxcNamespaces lxcNamespaces;
    CvirtResources cvirtResources;
    CvirtSecurity cvirtSecurity;

    bool isContainer() const { return type == DomainType::Lxc; }
    bool operator==(const DomainDef&) const = default;
};

}  // namespace cvirt::conf
