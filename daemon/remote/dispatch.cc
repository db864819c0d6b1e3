// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/dispatch.h"

#include <cstdio>

#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

rpc::RemoteError noSupport(const std::string& what) {
    return {.code = static_cast<int32_t>(VirError::NoSupport),
            .domain = static_cast<int32_t>(VirErrorDomain::Remote),
            .message = "this function is not supported by the connection driver: " + what,
            .str1 = std::string("this function is not supported by the connection driver: %s"),
            .str2 = what};
}

}  // namespace

std::string uriScheme(const std::string& uri) {
    size_t colon = uri.find(':');
    return colon == std::string::npos ? std::string() : uri.substr(0, colon);
}

std::string uriFor(const std::string& servedUri, const std::string& clientName) {
    std::string kind = clientName.empty() ? uriScheme(servedUri) : uriScheme(clientName);
    if (kind != "lxc" && kind != "qemu" && kind != "cvirt")
        throw Error(ErrorCode::InvalidArg,
                    "cvirtd serves lxc, qemu and cvirt connections, not '" + clientName + "'");
    std::string path = clientName.empty() ? "///system" : clientName.substr(kind.size() + 1);
    if (path != "///system" && path != "///session" && path != "///" && path != "///system/")
        throw Error(ErrorCode::InvalidArg,
                    "cvirtd serves '" + kind + ":///system', not '" + clientName + "'");
    size_t rest = servedUri.find(":///");
    if (rest == std::string::npos)
        throw Error(ErrorCode::InvalidArg, "bad served URI '" + servedUri + "'");
    return kind + servedUri.substr(rest);
}

rpc::RemoteError toRemoteError(const Error& e) {
    VirError code = VirError::InternalError;
    switch (e.code()) {
        case ErrorCode::InvalidArg:
            code = VirError::InvalidArg;
            break;
        case ErrorCode::XmlError:
            code = VirError::XmlError;
            break;
        case ErrorCode::ConfigUnsupported:
            code = VirError::ConfigUnsupported;
            break;
        case ErrorCode::NoDomain:
            code = VirError::NoDomain;
            break;
        case ErrorCode::DomainExists:
            code = VirError::DomExist;
            break;
        case ErrorCode::OperationInvalid:
            code = VirError::OperationInvalid;
            break;
        case ErrorCode::OperationFailed:
            code = VirError::OperationFailed;
            break;
        case ErrorCode::SystemError:
            code = VirError::SystemError;
            break;
        case ErrorCode::HookFailed:
            code = VirError::HookScriptFailed;
            break;
        case ErrorCode::NoDomainSnapshot:
            code = VirError::NoDomainSnapshot;
            break;
        default:
            break;
    }
    return {.code = static_cast<int32_t>(code),
            .domain = static_cast<int32_t>(VirErrorDomain::None),
            .message = std::string(e.what())};
}

void failWith(VirError code, const std::string& message) {
    throw rpc::RemoteFailure({.code = static_cast<int32_t>(code),
                              .domain = static_cast<int32_t>(VirErrorDomain::None),
                              .message = message});
}

void checkFlags(uint32_t flags, uint32_t allowed, const char* api) {
    if (!(flags & ~allowed)) return;
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%x", flags & ~allowed);
    throw Error(ErrorCode::InvalidArg, std::string("invalid argument: unsupported flags (") + hex +
                                           ") in function " + api);
}

Impact impactOf(uint32_t flags) {
    return {.live = (flags & 1) != 0, .config = (flags & 2) != 0};
}

Connection& Session::connection() {
    if (!conn) throw Error(ErrorCode::InvalidArg, "connection not open");
    return *conn;
}

namespace {

// A program's table, from the functions that add its procedures.
ProcedureTable tableOf(std::initializer_list<void (*)(ProcedureTable&)> adders) {
    ProcedureTable t;
    for (auto add : adders)
        add(t);
    return t;
}

Reply run(const ProcedureTable& table, Session& s, int32_t procedure, std::string_view argBytes) {
    s.openedStream.reset();
    s.replyFds.clear();
    auto it = table.find(procedure);
    if (it == table.end()) return noSupport("procedure " + std::to_string(procedure));
    const Procedure& p = it->second;
    if (p.changes && s.readOnly)
        return rpc::RemoteError{
            .code = static_cast<int32_t>(VirError::OperationDenied),
            .domain = static_cast<int32_t>(VirErrorDomain::None),
            .message = std::string("operation forbidden: read only access prevents ") + p.api,
            .str1 = std::string("operation forbidden: %s"),
            .str2 = std::string("read only access prevents ") + p.api};
    XdrReader args(argBytes);
    XdrWriter ret;
    try {
        p.run(s, args, ret);
    } catch (const Error& e) {
        s.openedStream.reset();
        s.replyFds.clear();
        return toRemoteError(e);
    } catch (const rpc::RemoteFailure& f) {
        return f.error;
    }
    return ret.take();
}

}  // namespace

Reply dispatch(Session& s, int32_t procedure, std::string_view argBytes) {
    static const ProcedureTable table =
        tableOf({addConnectProcedures, addDomainProcedures, addEventProcedures, addParamsProcedures,
                 addStatsProcedures, addNetworkProcedures, addStreamProcedures,
                 addSecurityProcedures, addInstallProcedures, addSnapshotProcedures});
    return run(table, s, procedure, argBytes);
}

Reply dispatchLxc(Session& s, int32_t procedure, std::string_view argBytes) {
    static const ProcedureTable table = tableOf({addLxcProcedures});
    return run(table, s, procedure, argBytes);
}

Reply dispatchQemu(Session& s, int32_t procedure, std::string_view argBytes) {
    static const ProcedureTable table = tableOf({addQemuProcedures});
    return run(table, s, procedure, argBytes);
}

}  // namespace cvirt::remote
