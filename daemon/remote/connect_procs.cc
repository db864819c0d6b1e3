// SPDX-License-Identifier: GPL-3.0-or-later
// The connection's own procedures: authentication, features, open/close, and what virsh's
// uri, hostname, version, nodeinfo and capabilities ask.
#include <sys/utsname.h>

#include <cstdio>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

using rpc::XdrReader;
using rpc::XdrWriter;

// cvirtd speaks libvirt 9.0's protocol (Debian 12's clients) and reports that version as its
// library's: clients (virt-install among them) decide what to ask for by it.
constexpr uint64_t kLibVersion = 9000000;

uint64_t versionNumber(const char* text) {
    unsigned major = 0, minor = 0, micro = 0;
    std::sscanf(text, "%u.%u.%u", &major, &minor, &micro);
    return uint64_t{major} * 1000000 + minor * 1000 + micro;
}

}  // namespace

void addConnectProcedures(ProcedureTable& t) {
    // No authentication on a UNIX socket: its file mode is the access control.
    put(t, Proc::AuthList, {"virConnectAuthList", false, [](Session&, XdrReader&, XdrWriter& w) {
                                w.u32(1);
                                w.i32(0);  // REMOTE_AUTH_NONE
                            }});
    put(t, Proc::ConnectSupportsFeature,
        {"virConnectSupportsFeature", false, [](Session&, XdrReader& r, XdrWriter& w) {
             int32_t feature = r.i32("feature");
             w.i32(feature == static_cast<int32_t>(Feature::ProgramKeepalive) ||
                   feature == static_cast<int32_t>(Feature::RemoteEventCallback) ||
                   feature == static_cast<int32_t>(Feature::TypedParamString));
         }});
    put(t, Proc::ConnectOpen, {"virConnectOpen", false, [](Session& s, XdrReader& r, XdrWriter&) {
                                   auto name = r.optionalString("name");
                                   uint32_t flags = r.u32("flags");
                                   if (flags & 1) s.readOnly = true;  // VIR_CONNECT_RO
                                   s.openedName = name.value_or("");
                                   s.conn = Connection::open(uriFor(s.servedUri, s.openedName));
                               }});
    put(t, Proc::ConnectClose,
        {"virConnectClose", false, [](Session& s, XdrReader&, XdrWriter&) { s.conn.reset(); }});
    put(t, Proc::ConnectGetType,
        {"virConnectGetType", false, [](Session& s, XdrReader&, XdrWriter& w) {
             std::string kind = uriScheme(s.connection().uri());
             w.string(kind == "lxc" ? "LXC" : kind == "qemu" ? "QEMU" : "CVIRT");
         }});
    // LXC's version is the kernel's (as libvirt's lxcConnectGetVersion); the others cvirt's.
    put(t, Proc::ConnectGetVersion,
        {"virConnectGetVersion", false, [](Session& s, XdrReader&, XdrWriter& w) {
             utsname u{};
             ::uname(&u);
             bool lxc = uriScheme(s.connection().uri()) == "lxc";
             w.u64(versionNumber(lxc ? u.release : std::string(version()).c_str()));
         }});
    put(t, Proc::ConnectGetLibVersion,
        {"virConnectGetLibVersion", false,
         [](Session&, XdrReader&, XdrWriter& w) { w.u64(kLibVersion); }});
    put(t, Proc::ConnectGetHostname,
        {"virConnectGetHostname", false,
         [](Session& s, XdrReader&, XdrWriter& w) { w.string(s.connection().hostname()); }});
    put(t, Proc::ConnectGetUri,
        {"virConnectGetURI", false, [](Session& s, XdrReader&, XdrWriter& w) {
             s.connection();
             w.string(s.openedName.empty() ? uriScheme(s.servedUri) + ":///system" : s.openedName);
         }});
    put(t, Proc::ConnectIsSecure,
        {"virConnectIsSecure", false,
         [](Session&, XdrReader&, XdrWriter& w) { w.i32(1); }});  // a local socket
    put(t, Proc::NodeGetFreeMemory,
        {"virNodeGetFreeMemory", false, [](Session& s, XdrReader&, XdrWriter& w) {
             w.u64(s.connection().nodeInfo().freeMemoryKiB * 1024);  // bytes
         }});
    put(t, Proc::NodeGetInfo, {"virNodeGetInfo", false, [](Session& s, XdrReader&, XdrWriter& w) {
                                   NodeInfo n = s.connection().nodeInfo();
                                   std::array<uint8_t, 32> model{};  // char model[32]: 32 ints
                                   for (size_t i = 0; i < n.cpuModel.size() && i < 31; ++i)
                                       model[i] = static_cast<uint8_t>(n.cpuModel[i]);
                                   for (uint8_t c : model)
                                       w.i32(c);
                                   w.u64(n.memoryKiB);
                                   w.i32(static_cast<int32_t>(n.cpus));
                                   w.i32(static_cast<int32_t>(n.mhz));
                                   w.i32(static_cast<int32_t>(n.numaNodes));
                                   w.i32(static_cast<int32_t>(n.sockets));
                                   w.i32(static_cast<int32_t>(n.coresPerSocket));
                                   w.i32(static_cast<int32_t>(n.threadsPerCore));
                               }});
    put(t, Proc::ConnectGetCapabilities,
        {"virConnectGetCapabilities", false,
         [](Session& s, XdrReader&, XdrWriter& w) { w.string(s.connection().capabilities()); }});
}

}  // namespace cvirt::remote
