// SPDX-License-Identifier: GPL-3.0-or-later
// The numbers libvirt's clients and servers agree on (src/remote/remote_protocol.x,
// src/rpc/virkeepaliveprotocol.x, include/libvirt/virterror.h, src/driver.h): programs,
// procedures, connection features and error codes. Interoperability facts, nothing more.
#pragma once

#include <cstdint>

namespace cvirt::remote {

inline constexpr uint32_t kRemoteProgram = 0x20008086;  // REMOTE_PROGRAM
inline constexpr uint32_t kRemoteVersion = 1;
inline constexpr uint32_t kQemuProgram = 0x20008087;  // QEMU_PROGRAM (qemu_protocol.x)
inline constexpr uint32_t kQemuVersion = 1;
inline constexpr uint32_t kKeepaliveProgram = 0x6b656570;  // "keep"
inline constexpr uint32_t kKeepaliveVersion = 1;

enum class Keepalive : int32_t { Ping = 1, Pong = 2 };

// The LXC program (src/remote/lxc_protocol.x): one procedure, its reply carries descriptors.
inline constexpr uint32_t kLxcProgram = 0x00068000;
inline constexpr uint32_t kLxcVersion = 1;
enum class LxcProc : int32_t { DomainOpenNamespace = 1 };

// The arrays' bounds of remote_protocol.x (REMOTE_*_MAX): a longer one is refused as a
// real libvirt server refuses it.
inline constexpr uint32_t kStatsParamsMax = 4096;     // REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX
inline constexpr uint32_t kBlkioParamsMax = 16;       // REMOTE_DOMAIN_BLKIO_PARAMETERS_MAX
inline constexpr uint32_t kBlockStatsParamsMax = 16;  // REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX
inline constexpr uint32_t kCpuStatsMax = 2048;        // REMOTE_DOMAIN_GET_CPU_STATS_MAX
inline constexpr uint32_t kCpuStatsCpusMax = 128;     // REMOTE_DOMAIN_GET_CPU_STATS_NCPUS_MAX
inline constexpr uint32_t kInterfaceMax = 2048;       // REMOTE_DOMAIN_INTERFACE_MAX
inline constexpr uint32_t kIpAddrMax = 2048;          // REMOTE_DOMAIN_IP_ADDR_MAX
inline constexpr uint32_t kDomainListMax = 16384;     // REMOTE_DOMAIN_LIST_MAX
inline constexpr uint32_t kMemoryParamsMax = 16;      // REMOTE_DOMAIN_MEMORY_PARAMETERS_MAX
inline constexpr uint32_t kMemoryStatsMax = 1024;     // REMOTE_DOMAIN_MEMORY_STATS_MAX
inline constexpr uint32_t kSchedulerParamsMax = 16;   // REMOTE_DOMAIN_SCHEDULER_PARAMETERS_MAX
inline constexpr uint32_t kSnapshotListMax = 16384;   // REMOTE_DOMAIN_SNAPSHOT_LIST_MAX
inline constexpr uint32_t kDhcpLeasesMax = 65536;     // REMOTE_NETWORK_DHCP_LEASES_MAX
inline constexpr uint32_t kNetworkListMax = 16384;    // REMOTE_NETWORK_LIST_MAX
inline constexpr uint32_t kCpuStatsParamsMax = 16;    // REMOTE_NODE_CPU_STATS_MAX
inline constexpr int32_t kNodeMaxCells = 1024;        // REMOTE_NODE_MAX_CELLS
inline constexpr uint32_t kNodeMemoryStatsMax = 16;   // REMOTE_NODE_MEMORY_STATS_MAX

// REMOTE_PROC_*: the calls cvirtd answers (any other gets VIR_ERR_NO_SUPPORT) and the event
// messages it sends (…Event…).
enum class Proc : int32_t {
    ConnectOpen = 1,
    ConnectClose = 2,
    ConnectGetType = 3,
    ConnectGetVersion = 4,
    NodeGetInfo = 6,
    ConnectGetCapabilities = 7,
    DomainCreate = 9,
    DomainCreateXml = 10,
    DomainDefineXml = 11,
    DomainDestroy = 12,
    DomainGetXmlDesc = 14,
    DomainGetAutostart = 15,
    DomainGetInfo = 16,
    DomainGetMaxMemory = 17,
    DomainGetMaxVcpus = 18,
    DomainGetOsType = 19,
    DomainLookupById = 22,
    DomainLookupByName = 23,
    DomainLookupByUuid = 24,
    DomainReboot = 27,
    DomainResume = 28,
    DomainSetAutostart = 29,
    DomainSetMaxMemory = 30,
    DomainSetMemory = 31,
    DomainSetVcpus = 32,
    DomainShutdown = 33,
    DomainSuspend = 34,
    DomainUndefine = 35,
    ConnectListDefinedNetworks = 36,
    ConnectListNetworks = 38,
    NetworkCreate = 39,
    NetworkCreateXml = 40,
    NetworkDefineXml = 41,
    NetworkDestroy = 42,
    NetworkGetXmlDesc = 43,
    NetworkGetAutostart = 44,
    NetworkGetBridgeName = 45,
    NetworkLookupByName = 46,
    NetworkLookupByUuid = 47,
    NetworkSetAutostart = 48,
    NetworkUndefine = 49,
    ConnectNumOfDefinedNetworks = 50,
    ConnectNumOfNetworks = 52,
    DomainGetSchedulerType = 56,
    DomainGetSchedulerParameters = 57,
    DomainSetSchedulerParameters = 58,
    ConnectGetHostname = 59,
    ConnectSupportsFeature = 60,
    DomainBlockStats = 64,
    DomainInterfaceStats = 65,
    AuthList = 66,
    NodeGetCellsFreeMemory = 101,
    NodeGetFreeMemory = 102,
    DomainEventLifecycle = 107,
    ConnectGetUri = 110,
    DomainGetSecurityLabel = 121,
    NodeGetSecurityModel = 122,
    ConnectIsSecure = 149,
    DomainIsActive = 150,
    DomainIsPersistent = 151,
    NetworkIsActive = 152,
    NetworkIsPersistent = 153,
    ConnectGetLibVersion = 157,
    DomainMemoryStats = 159,
    ConnectDomainEventRegisterAny = 167,
    ConnectDomainEventDeregisterAny = 168,
    DomainEventReboot = 169,
    DomainSnapshotCreateXml = 185,
    DomainSnapshotGetXmlDesc = 186,
    DomainSnapshotNum = 187,
    DomainSnapshotListNames = 188,
    DomainSnapshotLookupByName = 189,
    DomainHasCurrentSnapshot = 190,
    DomainSnapshotCurrent = 191,
    DomainRevertToSnapshot = 192,
    DomainSnapshotDelete = 193,
    DomainCreateWithFlags = 196,
    DomainSetMemoryParameters = 197,
    DomainGetMemoryParameters = 198,
    DomainSetVcpusFlags = 199,
    DomainGetVcpusFlags = 200,
    DomainOpenConsole = 201,
    DomainIsUpdated = 202,
    DomainSetMemoryFlags = 204,
    DomainSetBlkioParameters = 205,
    DomainGetBlkioParameters = 206,
    DomainGetState = 212,
    DomainSetSchedulerParametersFlags = 219,
    DomainGetSchedulerParametersFlags = 223,
    NodeGetCpuStats = 227,
    NodeGetMemoryStats = 228,
    DomainUndefineFlags = 231,
    DomainDestroyFlags = 234,
    DomainBlockStatsFlags = 243,
    DomainSnapshotGetParent = 244,
    DomainSnapshotNumChildren = 246,
    DomainSnapshotListChildrenNames = 247,
    DomainShutdownFlags = 258,
    DomainGetCpuStats = 262,
    DomainSnapshotIsCurrent = 271,
    DomainSnapshotHasMetadata = 272,
    ConnectListAllDomains = 273,
    DomainListAllSnapshots = 274,
    DomainSnapshotListAllChildren = 275,
    ConnectListAllNetworks = 283,
    ConnectDomainEventCallbackRegisterAny = 316,
    ConnectDomainEventCallbackDeregisterAny = 317,
    DomainEventCallbackLifecycle = 318,
    DomainEventCallbackReboot = 319,
    NetworkGetDhcpLeases = 341,
    ConnectGetDomainCapabilities = 342,
    ConnectGetAllDomainStats = 344,
    DomainDefineXmlFlags = 350,
    DomainInterfaceAddresses = 353,
    NetworkDefineXmlFlags = 432,
    NetworkCreateXmlFlags = 437,
};

// QEMU_PROC_*: the QEMU program's procedures.
enum class QemuProc : int32_t {
    MonitorCommand = 1,  // virDomainQemuMonitorCommand
};

// virDrvFeature (src/driver.h): what remoteConnectSupportsFeature asks a server.
enum class Feature : int32_t {
    TypedParamString = 9,  // string values in typed parameters (blkiotune's devices)
    ProgramKeepalive = 10,
    RemoteEventCallback = 14,
    RemoteCloseCallback = 15,
};

// virErrorNumber and virErrorDomain (include/libvirt/virterror.h).
enum class VirError : int32_t {
    InternalError = 1,
    NoSupport = 3,
    NoConnect = 5,
    InvalidArg = 8,
    OperationFailed = 9,
    XmlError = 27,
    DomExist = 28,
    OperationDenied = 29,  // "operation forbidden": a change asked on the read-only socket
    NetworkExist = 37,
    SystemError = 38,
    Rpc = 39,
    NoDomain = 42,
    NoNetwork = 43,
    OperationInvalid = 55,
    ConfigUnsupported = 67,
    HookScriptFailed = 70,
    NoDomainSnapshot = 72,
    ArgumentUnsupported = 74,
    OperationUnsupported = 84,
};
enum class VirErrorDomain : int32_t {
    None = 0,
    Rpc = 7,
    Remote = 13,
    Lxc = 17,
    Qemu = 10,
    Network = 19
};

}  // namespace cvirt::remote
