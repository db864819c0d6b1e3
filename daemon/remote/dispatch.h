// SPDX-License-Identifier: GPL-3.0-or-later
// The REMOTE program's procedures cvirtd answers, each a call through the public API
// (driver/include) of the connection the client opened; any other procedure gets libvirt's
// "this function is not supported by the connection driver". Pure over bytes: a call's body
// in, a reply's body (or a RemoteError) out; the socket is the server's.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "cvirt/connection.h"
#include "remote/protocol.h"
#include "rpc/message.h"
#include "rpc/owned_fd.h"

namespace cvirt::remote {

// A callback a client registered for domain events (virConnectDomainEventRegisterAny).
struct EventCallback {
    int32_t eventId = 0;                    // VIR_DOMAIN_EVENT_ID_*
    std::optional<std::string> domainUuid;  // set: that domain's events only
};

// What one client has opened: the served root's connection of the kind it asked for.
struct Session {
    std::string servedUri;  // cvirtd -c URI: the root served
    bool readOnly = false;  // the -ro socket (or VIR_CONNECT_RO): nothing that changes anything
    std::optional<Connection> conn;
    std::string openedName;  // the name the client gave connect-open ("lxc:///system")

    // Domain event callbacks by callbackID, and the event ids registered the old way
    // (REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY: one per id, no callbackID). The server
    // sends the matching events (event_procs.cc) while any is registered.
    std::map<int32_t, EventCallback> callbacks;
    std::set<int32_t> legacyEvents;
    int32_t nextCallbackId = 1;

    // Left by the call being answered, for the server to take with its reply: the descriptor
    // of the stream the call opened (open-console), descriptors passed along with the reply
    // (REPLY_WITH_FDS: the LXC program's open-namespace). Closed if the call fails.
    rpc::OwnedFd openedStream;
    std::vector<rpc::OwnedFd> replyFds;

    Connection& connection();  // throws "connection not open" before connect-open
};

using Reply = std::variant<std::string, rpc::RemoteError>;  // a body, or an error

// One procedure: reads its arguments, calls the API, writes its result.
struct Procedure {
    const char* api;  // libvirt's name for it ("virDomainCreate"), for errors
    bool changes;     // refused on a read-only connection
    std::function<void(Session&, rpc::XdrReader& args, rpc::XdrWriter& ret)> run;
};
using ProcedureTable = std::map<int32_t, Procedure>;

// Adds procedure `p` of the REMOTE program to `t`.
inline void put(ProcedureTable& t, Proc p, Procedure proc) {
    t.emplace(static_cast<int32_t>(p), std::move(proc));
}

void addConnectProcedures(ProcedureTable& table);
void addDomainProcedures(ProcedureTable& table);
void addEventProcedures(ProcedureTable& table);
void addInstallProcedures(ProcedureTable& table);  // what virt-install asks (domcaps)
void addNetworkProcedures(ProcedureTable& table);
void addParamsProcedures(ProcedureTable& table);
void addSnapshotProcedures(ProcedureTable& table);
void addStatsProcedures(ProcedureTable& table);
void addStreamProcedures(ProcedureTable& table);
void addSecurityProcedures(ProcedureTable& table);  // the model "none" (lxc_procs.cc)
void addLxcProcedures(ProcedureTable& table);       // the LXC program's (lxc_procs.cc)
void addQemuProcedures(ProcedureTable& table);      // the QEMU program's (qemu_procs.cc)

// remote_nonnull_domain (domain_wire.cc): name, 16-byte uuid, id or -1.
using Uuid = std::array<uint8_t, 16>;
Uuid uuidBytes(const std::string& text);  // "8-4-4-4-12" → 16 bytes
std::string uuidText(const Uuid& uuid);
void writeDomain(rpc::XdrWriter& w, const DomainSummary& d);
void writeDomain(rpc::XdrWriter& w, const Domain& d);
DomainSummary readDomainRef(rpc::XdrReader& r);  // as the client sent it: name, uuid, id
// The domain a call names: found again by its name, which the client got from this server.
Domain readDomain(Session& s, rpc::XdrReader& r);

// virConnectListAllDomains' filter flags (VIR_CONNECT_LIST_DOMAINS_ACTIVE …): whether `domain`
// passes them — within each group (active/inactive, persistent/transient, the states,
// autostart) a domain passes one that is given, or any when none of the group is; the
// snapshot pair needs the domain's snapshots and is left to the caller (domain_procs.cc).
bool listFlagsMatch(uint32_t flags, const DomainSummary& domain);

// Fails the call with libvirt's error `code` and `message` (its prefix included: "invalid
// argument: …"), for the codes cvirt::Error has no name for.
[[noreturn]] void failWith(VirError code, const std::string& message);

// libvirt's refusal of flags an API does not know (virCheckFlags): VIR_ERR_INVALID_ARG
// "unsupported flags (0x…) in function API".
void checkFlags(uint32_t flags, uint32_t allowed, const char* api);
// virDomainModificationImpact's VIR_DOMAIN_AFFECT_LIVE (1) and _CONFIG (2); neither: current.
Impact impactOf(uint32_t flags);

// Answers one call of the REMOTE program.
Reply dispatch(Session& session, int32_t procedure, std::string_view args);
// Answers one call of the LXC program (LXC_PROGRAM, libvirt's lxc_protocol.x).
Reply dispatchLxc(Session& session, int32_t procedure, std::string_view args);
// Answers one call of the QEMU program (QEMU_PROGRAM, libvirt's qemu_protocol.x).
Reply dispatchQemu(Session& session, int32_t procedure, std::string_view args);

// One domain event as the messages of the REMOTE program it makes for `session`'s
// callbacks: (procedure, body) each, none when no callback wants it. `domain` is the domain
// as the message names it (name, uuid, id or -1).
struct EventMessage {
    int32_t procedure;
    std::string body;
};
std::vector<EventMessage> eventMessages(const Session& session, const DomainEvent& event,
                                        const DomainSummary& domain);
// libvirt's numbers for an event of cvirt's journal: virDomainEventType and its detail
// (VIR_DOMAIN_EVENT_DEFINED_ADDED …), or nullopt for one that is not a lifecycle event.
std::optional<std::pair<int32_t, int32_t>> lifecycleNumbers(const DomainEvent& event);

// The connection URI a client's name opens on the served root: `lxc:///system`,
// `qemu:///system` or `cvirt:///system` (or empty: the served kind) map to that kind of the
// served root (`KIND:///embed?root=DIR` when the served URI is an embed one). Throws
// Error(InvalidArg) for a kind or path cvirtd does not serve.
std::string uriFor(const std::string& servedUri, const std::string& clientName);

// "lxc" of "lxc:///system".
std::string uriScheme(const std::string& uri);

// libvirt's error for a cvirt Error: the virErrorNumber of its code.
rpc::RemoteError toRemoteError(const Error& e);

}  // namespace cvirt::remote
