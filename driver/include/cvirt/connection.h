// SPDX-License-Identifier: GPL-3.0-or-later
// Public API of libcvirt: a connection to one driver root, and the domains it holds.
// Every call throws cvirt::Error; "not found" becomes ErrorCode::NoDomain here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cvirt/domain_state.h"
#include "cvirt/domain_stats.h"
#include "cvirt/error.h"
#include "cvirt/snapshot.h"
#include "cvirt/storage.h"

namespace cvirt {

struct DomainSummary {
    std::string name;
    std::string uuid;  // 8-4-4-4-12
    std::string type;  // "lxc", "qemu", "kvm"
    std::string title;
    std::optional<int> id;  // set while running
    DomainState state = DomainState::Shutoff;
    int reason = 0;
    bool persistent = true;
    bool autostart = false;
};

struct DomainInfo {
    DomainSummary summary;
    std::string osType;  // "exe" or "hvm"
    uint64_t maxMemKiB = 0;
    uint64_t usedMemKiB = 0;
    unsigned vcpus = 0;
    uint64_t cpuTimeNs = 0;
};

// virDomainModificationImpact: which definition a change goes to. Neither = "current": the
// live one of a running domain, else the persistent one.
struct Impact {
    bool live = false;
    bool config = false;
};

// Resource settings of a domain, as setmem, setmaxmem, memtune, schedinfo, blkiotune,
// vcpupin and emulatorpin see them. In a change, an unset field is left alone and kUnlimited
// removes a limit.
inline constexpr uint64_t kUnlimited = UINT64_MAX;
struct BlkioDeviceTuning {
    std::string path;  // host block device
    std::optional<unsigned> weight;
    std::optional<uint64_t> readBytesSec, writeBytesSec, readIopsSec, writeIopsSec;
};
struct Tuning {
    std::optional<uint64_t> memoryKiB;     // <currentMemory>: the container's limit
    std::optional<uint64_t> maxMemoryKiB;  // <memory>
    std::optional<uint64_t> hardLimitKiB, softLimitKiB, swapHardLimitKiB;
    std::optional<uint64_t> cpuShares;
    std::optional<uint64_t> vcpuPeriod;  // µs
    std::optional<int64_t> vcpuQuota;    // µs, -1 = unlimited
    std::optional<unsigned> blkioWeight;
    std::vector<BlkioDeviceTuning> blkioDevices;  // merged into the existing ones by path
    std::optional<std::string> cpuset;            // vcpupin / emulatorpin (libvirt syntax)
    std::optional<uint64_t> pidsMax;              // <cvirt:pids max>
    // Read only (setVcpus changes them; tune() refuses them): <vcpu current> and <vcpu>.
    std::optional<unsigned> vcpus, maxVcpus;
};

// What a domain uses now (domstats, dommemstat, cpu-stats, domblkstat, domifstat, top).
// Counters are zero for a domain that is not running.
struct DomainStats {
    DomainSummary summary;
    uint64_t cpuTimeNs = 0, cpuUserNs = 0, cpuSystemNs = 0;
    std::vector<uint64_t> perCpuNs;             // empty where the host does not count per CPU (v2)
    unsigned vcpuCurrent = 0, vcpuMaximum = 0;  // online (a VM: query-cpus-fast) and defined
    uint64_t currentMemoryKiB = 0;              // the limit the domain runs with (balloon.current)
    uint64_t maxMemoryKiB = 0;                  // <memory>
    uint64_t usedMemoryKiB = 0;                 // rss from the cgroup
    uint64_t swapUsedKiB = 0;
    uint64_t pids = 0;
    std::optional<uint64_t> pidsMax;  // nullopt = unlimited
    std::vector<BlockStats> blocks;   // a VM: its drives (query-blockstats)
    std::vector<InterfaceStats> interfaces;
};

// domblkstat: the block counters of every device (`device` empty) or of the one named so in
// stats.blocks; nullopt when there is no such device.
CVIRT_API std::optional<BlockStats> blockTotals(const DomainStats& stats, std::string_view device);

// domstats' groups: libvirt's virDomainStatsTypes bits, and pids, cvirt's own.
enum class StatsGroup : unsigned {
    State = 1,
    CpuTotal = 2,
    Balloon = 4,
    Vcpu = 8,
    Interface = 16,
    Block = 32,
    Pids = 1u << 16,
};
// One domstats field as libvirt names and types it: "state.state" (int), "vcpu.current"
// (unsigned int), "cpu.time" (unsigned long long), "net.0.name" (string).
struct StatsField {
    std::string name;
    std::variant<int32_t, uint32_t, uint64_t, std::string> value;
};
// The fields of the groups in `groups` (StatsGroup bits), in libvirt's order. Counters of a
// domain that is not running are left out, as libvirt's drivers leave them out.
CVIRT_API std::vector<StatsField> statsFields(const DomainStats& stats, unsigned groups);

// A domain's <interface> as domiflist shows it (the addresses inside: domain_stats.h).
struct InterfaceSummary {
    std::string hostDev;  // host end (<target dev>); "" when none (direct, not running)
    std::string type;     // "bridge", "network", "ethernet", "direct"
    std::string source;   // bridge, network or parent device
    std::string model;
    std::string mac;
    std::string guestDev;
    std::string linkState;  // "up" or "down"
};
struct ListFilter {
    bool active = true;     // include running/paused domains
    bool inactive = false;  // include shut-off domains
    // What the caller needs beyond name/state/id; left out, those fields stay empty, so a
    // plain `list --all` of 10,000 domains reads no config file.
    bool needUuid = false;
    bool needTitle = false;
    bool needAutostart = false;
};

// What virDomainGetMetadata / virDomainSetMetadata address: <description>, <title>, or
// the element of one namespace inside <metadata>.
enum class MetadataKind { Description, Title, Element };

class Connection;

// A lifecycle event (cvirsh event): libvirt's names, lower case — event "defined" (detail
// "added", "updated"), "undefined" ("removed"), "started" ("booted"), "suspended" ("paused"),
// "resumed" ("unpaused"), "stopped" ("shutdown", "destroyed", "crashed", "failed"), and
// "reboot" (detail "-").
struct DomainEvent {
    int64_t timeUs = 0;  // since the epoch
    std::string domain, event, detail;
};

// Events of a connection's drivers from the moment it was opened, made by any process.
class CVIRT_API EventStream {
public:
    EventStream(EventStream&&) noexcept;
    EventStream& operator=(EventStream&&) noexcept;
    ~EventStream();
    // Waits up to `timeoutMs` (-1: forever); returns what arrived, possibly nothing.
    std::vector<DomainEvent> wait(int timeoutMs);
    // For a caller's own poll(2) loop: readable when events may have arrived; wait(0) then
    // takes them (and rearms it). Owned by the stream.
    int fd() const;

private:
    friend class Connection;
    struct Impl;
    explicit EventStream(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// nodeinfo: the host's processors and memory (/proc/cpuinfo, /proc/meminfo, sysfs).
struct NodeInfo {
    std::string cpuModel;  // "x86_64"
    unsigned cpus = 0;     // online
    unsigned mhz = 0;
    unsigned numaNodes = 1, sockets = 1, coresPerSocket = 1, threadsPerCore = 1;
    uint64_t memoryKiB = 0;
    uint64_t freeMemoryKiB = 0;  // MemFree: what libvirt's virNodeGetFreeMemory reports
};

// nodememstats, freecell: the host's memory in KiB (/proc/meminfo), or one NUMA node's
// (its sysfs meminfo: total and free only).
struct NodeMemoryStats {
    uint64_t totalKiB = 0, freeKiB = 0;
    std::optional<uint64_t> buffersKiB, cachedKiB;  // the whole host only
};
// nodecpustats: CPU time in ns since boot (/proc/stat), all CPUs or one: kernel (system, irq,
// softirq), user (user, nice), idle, iowait — libvirt's sums.
struct NodeCpuStats {
    uint64_t kernelNs = 0, userNs = 0, idleNs = 0, iowaitNs = 0;
};

struct NetworkSummary {
    std::string name;
    std::string uuid;
    std::string bridge;
    bool active = false;
    bool persistent = true;
    bool autostart = false;
};

struct DhcpLease {
    long long expiry = 0;  // seconds since the epoch
    std::string mac, ip;
    unsigned prefix = 0;
    std::string hostname, clientId;  // "*" when the client sent none
};

// A virtual network (libvirt's network XML subset): a bridge, nat/route/isolated forwarding
// in an nftables table of its own, DHCP from dnsmasq.
class CVIRT_API Network {
public:
    const std::string& name() const { return name_; }
    NetworkSummary summary() const;
    std::string xml(bool inactive = false) const;
    void start();    // bridge, addresses, rules, dnsmasq; all or nothing
    void destroy();  // removes all of it
    void undefine();
    void setAutostart(bool enabled);
    std::vector<DhcpLease> leases(std::string_view mac = {}) const;

private:
    friend class Connection;
    Network(std::shared_ptr<class ConnectionImpl> conn, std::string name)
        : conn_(std::move(conn)), name_(std::move(name)) {}
    std::shared_ptr<class ConnectionImpl> conn_;
    std::string name_;
};

class CVIRT_API Domain {
public:
    const std::string& name() const { return name_; }
    DomainInfo info() const;
    DomainSummary summary() const;
    // The state and its reason alone: no config read (virDomainGetState, virDomainIsActive).
    StateAndReason state() const;
    // Persistent definition (inactive = true) or live XML when running.
    std::string xml(bool inactive = false) const;
    void setAutostart(bool enabled);
    bool autostart() const;

    // Lifecycle. start() returns once init runs (or throws the reason, leaving nothing
    // behind); destroy() once every process is gone and cleaned up; shutdown() once init
    // was asked to stop; reboot() once the domain runs again with the same id.
    //
    // start(paused): the domain is frozen (cgroup freezer; a VM's CPUs stopped) before
    // start returns, as `start --paused`. start(…, autodestroy), libvirt's
    // VIR_DOMAIN_START_AUTODESTROY: the domain is destroyed when this connection is closed
    // (its last Connection and Domain object gone: that close returns once it is destroyed)
    // or its process dies, however. destroy(graceful): init (a VM's qemu) gets SIGTERM
    // only, never SIGKILL; throws when it has not ended within 10 s. shutdown/reboot `modes`:
    // virDomainShutdownFlagValues bits (kModeAcpi …); a container honours signal (and
    // initctl only as signal's fallback), a VM acpi (paravirt alike); others are refused with
    // libvirt's error. 0 is the driver's default.
    void start(bool paused = false, bool autodestroy = false);
    void destroy(bool graceful = false);
    void shutdown(unsigned modes = 0);
    void reboot(unsigned modes = 0);
    static constexpr unsigned kModeAcpi = 1, kModeAgent = 2, kModeInitctl = 4, kModeSignal = 8,
                              kModeParavirt = 16;
    // Freeze / thaw every process of the domain (cgroup freezer); return once the kernel
    // reports the new state.
    void suspend();
    void resume();
    // A stream connected to the console (caller owns the fd); `devname` names another one by
    // its alias (console1: a container's second console, its /dev/tty2). Throws if another
    // client is attached and !force, or if there is no such console.
    int openConsole(bool force = false, const std::string& devname = {});
    // Resource settings of the live (running) or persistent definition, per `impact`.
    Tuning tuning(Impact impact = {}) const;
    // Applies `change`: live changes reach the kernel (cgroup) at once, config changes the
    // stored definition. All-or-nothing: a value the kernel refuses leaves both as they were.
    void tune(const Tuning& change, Impact impact = {});

    DomainStats stats() const;

    // desc, metadata: the live (running) or persistent definition's <description>, <title>
    // or <metadata> element of namespace `uri` (without its prefix); nullopt when it has
    // none. Both --live and --config is an error.
    std::optional<std::string> metadata(MetadataKind kind, std::string_view uri = {},
                                        Impact impact = {}) const;
    // Sets it (nullopt or "": removes it) per `impact`; an element goes in namespace `uri`
    // under the prefix `key`, every other namespace's element kept. A title holds no line
    // break.
    void setMetadata(MetadataKind kind, const std::optional<std::string>& value,
                     std::string_view key = {}, std::string_view uri = {}, Impact impact = {});

    // Interfaces of the live (or, inactive / not running, the persistent) definition.
    std::vector<InterfaceSummary> interfaces(bool inactive = false) const;
    // Addresses configured inside a running container (read in its network namespace),
    // loopback and link-local ones left out.
    std::vector<InterfaceAddress> interfaceAddresses() const;
    // Hot plug of an <interface> (attach-device, attach-interface), and its removal by MAC
    // or host device name (detach-device, detach-interface), per `impact`.
    void attachInterface(std::string_view interfaceXml, Impact impact = {},
                         std::string_view filename = "interface XML");
    void detachInterface(std::string_view macOrDevice, Impact impact = {});
    // attach-device, detach-device, update-device with one device element, per `impact`, all
    // or nothing (a change the domain refuses leaves the live and the stored definition as
    // they were): an <interface> as above; a container's <filesystem type='mount|bind'> (the
    // host directory appears at its target, read-only when asked) and <hostdev
    // mode='capabilities' type='storage|misc'> (a node in its /dev, allowed in its device
    // cgroup); a VM's <disk> (hot-plugged through QMP). detach finds a filesystem by its
    // target, a host device by its source, a disk by its target device. update changes a
    // VM cdrom's medium (change-media) and, with --config only, an interface; anything else
    // is refused with libvirt's words.
    void attachDevice(std::string_view xml, Impact impact = {},
                      std::string_view filename = "device XML");
    void detachDevice(std::string_view xml, Impact impact = {},
                      std::string_view filename = "device XML");
    void updateDevice(std::string_view xml, Impact impact = {},
                      std::string_view filename = "device XML");
    // change-media on a VM's cdrom named by its target or its current source: eject the
    // medium, insert `source` into an empty drive, or put `source` in place of the medium.
    enum class MediaChange { Eject, Insert, Update };
    void changeMedia(std::string_view path, MediaChange how, std::string_view source = {},
                     Impact impact = {});
    // domif-setlink: `iface` is the host device or the MAC; up or down, per `impact`.
    void setInterfaceLink(std::string_view iface, bool up, Impact impact = {});

    // domrename: a persistent, inactive domain takes `newName` (its uuid, autostart mark and
    // definition kept); afterwards this object still names the old one.
    void rename(std::string_view newName);
    // domhostname: the hostname a running container has now (its UTS namespace). A VM's
    // comes from a guest agent, which cvirt's VMs have none of: refused.
    std::string hostname() const;
    // domtime: libvirt reads and sets a guest's clock through the qemu guest agent only;
    // refused for a container (libvirt-lxc has no such call) and for a VM (no agent).
    void guestTime() const;
    // setvcpus, with libvirt's qemu semantics: a VM's vcpu count (<vcpu current>) or, with
    // `maximum`, its <vcpu> maximum (config only); live, vcpus are hot-plugged through QMP up
    // to the maximum qemu was started with, and those hot-plugged can be unplugged again.
    // `hotpluggable`: libvirt marks the config's new vcpus hot-unpluggable, which cvirt's
    // definitions cannot say (refused with --config; live vcpus are hotpluggable anyway).
    // `guest`: through a guest agent, which cvirt's VMs have none of (refused). A container
    // has no vcpus to set (libvirt-lxc has no such call): refused.
    struct VcpuFlags {
        bool maximum = false;
        bool guest = false;
        bool hotpluggable = false;
    };
    void setVcpus(unsigned count, VcpuFlags flags, Impact impact = {});

    // Pid of the container's init (of qemu for a VM), as seen from the host.
    int initPid() const;
    // Runs argv inside every namespace of the running container, confined as its init is,
    // stdio passed through, in init's clean environment plus `env` (NAME=VALUE each); none
    // of the caller's environment or other descriptors pass. Returns the command's exit status.
    int exec(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
    // qemu-monitor-command: one QMP command (JSON text) to a running VM; qemu's JSON answer
    // as it came (an error reply included). `hmp`: a human monitor command line instead, run
    // through QMP's human-monitor-command; its text, or libvirt's error when qemu refuses it.
    std::string qemuMonitorCommand(std::string_view command, bool hmp = false);

    // Snapshots (cvirt/snapshot.h). createSnapshot: `xml` is a <domainsnapshot> request
    // (snapshot-create FILE; snapshot-create-as builds one), `flags` kSnapshotCreate* bits:
    // DiskOnly (a VM: external qcow2 overlays; a running container's layers alike, without
    // memory either way), Atomic (all disks or none: always so here), NoMetadata (the data
    // is made, the metadata is not: not listed, not current, until redefined), Halt (the
    // domain is destroyed once the snapshot is complete; persistent domains only), Quiesce
    // (needs DiskOnly and a guest agent, which no cvirt domain has: refused in libvirt's
    // words), Redefine (`xml` is a whole snapshot as snapshot-dumpxml printed it: its
    // metadata is put back or replaced, nothing is taken; with Current it becomes the
    // current one). A container is frozen, a VM paused, while its disks are cut. All or
    // nothing; a shell killed midway leaves no snapshot or a complete one (the next snapshot
    // call on the domain removes the rest).
    DomainSnapshot createSnapshot(std::string_view xml, unsigned flags = 0,
                                  std::string_view filename = "snapshot XML");
    // Throws ErrorCode::NoDomainSnapshot (libvirt's "no domain snapshot with matching name").
    DomainSnapshot snapshot(std::string_view name) const;
    // In creation order.
    std::vector<SnapshotSummary> listSnapshots() const;
    std::optional<DomainSnapshot> currentSnapshot() const;
    // undefine(snapshotsMetadata): an inactive domain with snapshots is refused unless
    // snapshotsMetadata, which removes them with it (libvirt's
    // VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA).
    void undefine(bool snapshotsMetadata = false);

private:
    friend class Connection;
    friend class DomainSnapshot;
    Domain(std::shared_ptr<class ConnectionImpl> conn, std::string name)
        : conn_(std::move(conn)), name_(std::move(name)) {}
    std::shared_ptr<class ConnectionImpl> conn_;
    std::string name_;
};

class CVIRT_API Connection {
public:
    // uri empty → $CVIRT_DEFAULT_URI, else "lxc:///system". Accepted: lxc:///system,
    // qemu:///system, cvirt:///system and each with ///embed?root=DIR.
    static Connection open(std::string_view uri = {});
    static std::string defaultUri();

    const std::string& uri() const;

    // Parses, validates and stores `xml` (atomic write, domain lock). A redefinition keeps
    // the stored uuid. `filename` is named in error messages. `validate` (define --validate,
    // VIR_DOMAIN_DEFINE_VALIDATE): a document the schema refuses fails with libvirt's words
    // for that ("XML document failed to validate against schema: …"), the schema's detail
    // after them.
    Domain define(std::string_view xml, std::string_view filename = "domain XML",
                  bool validate = false);

    // By name, uuid or id (virsh's lookup order: id, uuid, name). Throws NoDomain.
    Domain lookup(std::string_view key) const;
    std::optional<Domain> find(std::string_view name) const;

    // Starts a transient domain from `xml`: it runs but has no persistent config.
    // `autodestroy` as Domain::start's.
    Domain create(std::string_view xml, std::string_view filename = "domain XML",
                  bool autodestroy = false);

    // domxml-from-native / domxml-to-native (libvirt's virConnectDomainXMLFromNative and
    // ToNative). The one format is "lxc-tools", an LXC container config; its lxc.include and
    // lxc.mount.fstab are read from this host. Errors and warnings name `filename`; what has
    // no equivalent on the other side is appended to `warnings`. The XML made passes define's
    // checks; the config made has cgroup keys for this host's cgroup version.
    std::string domainXmlFromNative(std::string_view format, std::string_view config,
                                    std::string_view filename = "native config",
                                    std::vector<std::string>* warnings = nullptr) const;
    std::string domainXmlToNative(std::string_view format, std::string_view xml,
                                  std::string_view filename = "domain XML",
                                  std::vector<std::string>* warnings = nullptr) const;

    // Starts every autostart domain that is not running; returns the names started and
    // reports each failure to `onError` without stopping.
    std::vector<std::string> autostartAll(void (*onError)(const std::string& name,
                                                          const Error& error) = nullptr);

    std::vector<DomainSummary> list(const ListFilter& filter) const;

    // Virtual networks (net-define, net-list, …).
    Network defineNetwork(std::string_view xml, std::string_view filename = "network XML");
    // A transient network (net-create): started from `xml` with no stored definition; it is
    // gone once destroyed. All or nothing, as start().
    Network createNetwork(std::string_view xml, std::string_view filename = "network XML");
    Network lookupNetwork(std::string_view nameOrUuid) const;
    std::vector<NetworkSummary> listNetworks(bool active, bool inactive) const;
    // Starts every autostart network that is not active; reports failures to `onError`.
    std::vector<std::string> autostartNetworks(void (*onError)(const std::string& name,
                                                               const Error& error) = nullptr);
    // Storage pools (pool-define, pool-list, …; cvirt/storage.h). definePool keeps the stored
    // uuid of a redefined pool; a pool's target may be no other pool's.
    StoragePool definePool(std::string_view xml, std::string_view filename = "pool XML");
    StoragePool lookupPool(std::string_view nameOrUuid) const;
    std::vector<StoragePoolSummary> listPools(bool active, bool inactive) const;
    // Starts every autostart pool that is not active; reports failures to `onError`.
    std::vector<std::string> autostartPools(void (*onError)(const std::string& name,
                                                            const Error& error) = nullptr);
    // A volume by its path (its key), in whichever active pool holds it.
    StorageVol lookupVolumeByPath(std::string_view path) const;

    // libvirt's reconnect: runs the driver's hook script as `NAME reconnect begin -` with the
    // live XML of every running domain of every driver of this connection. Called when an
    // interactive shell opens its connection. A hook that fails is reported on stderr and
    // changes nothing; only an unreadable or invalid cvirt.conf throws.
    void reattach();
    std::vector<std::string> domainNames() const;  // for completion; sorted

    // Host facts (nodeinfo, hostname, capabilities). capabilities() is libvirt's
    // <capabilities> for the drivers of this connection (a guest element each), and under
    // <host> what cvirt runs on: the cgroup layout and controllers, the namespaces, whether
    // /dev/kvm is usable, in cvirt's XML namespace.
    EventStream events() const;
    NodeInfo nodeInfo() const;
    // cell -1: the whole host; cpu -1: every CPU. A cell or CPU the host has not: InvalidArg.
    NodeMemoryStats nodeMemoryStats(int cell = -1) const;
    NodeCpuStats nodeCpuStats(int cpu = -1) const;
    std::string hostname() const;
    std::string capabilities() const;
    // domcapabilities: what a domain of `virtType` ("lxc", "qemu", "kvm"; empty = the
    // connection's first driver) on `machine` ("pc", "q35"…; empty = the default) can use
    // here, in libvirt's <domainCapabilities> shape. `arch` and `emulator`, when given, must
    // be the host's architecture and that driver's emulator (ConfigUnsupported otherwise).
    std::string domainCapabilities(std::string_view virtType = {}, std::string_view machine = {},
                                   std::string_view arch = {},
                                   std::string_view emulator = {}) const;
    // sysinfo: libvirt's <sysinfo type='smbios'> from /sys/class/dmi/id and /proc.
    std::string sysinfo() const;

private:
    explicit Connection(std::shared_ptr<ConnectionImpl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<ConnectionImpl> impl_;
};

CVIRT_API std::string_view version();  // "0.1.0"

}  // namespace cvirt
