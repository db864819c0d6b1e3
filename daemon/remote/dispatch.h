// The REMOTE program's procedures cvirtd answers, each a call through the public API
// (driver/include) of the connection the client opened; any other procedure gets libvirt's
// "this function is not supported by the connection driver". Pure over bytes: a call's body
// in, a reply's body (or a RemoteError) out; the socket is the server's.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "cvirt/connection.h"
#include "rpc/message.h"

namespace cvirt::remote {

// What one client has opened: the served root's connection of the kind it asked for.
struct Session {
    std::string servedUri;  // cvirtd -c URI: the root served
    bool readOnly = false;  // the -ro socket (or VIR_CONNECT_RO): nothing that changes anything
    std::optional<Connection> conn;
    std::string openedName;  // the name the client gave connect-open ("lxc:///system")

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

void addConnectProcedures(ProcedureTable& table);
void addDomainProcedures(ProcedureTable& table);

// Answers one call of the REMOTE program.
Reply dispatch(Session& session, int32_t procedure, std::string_view args);

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
