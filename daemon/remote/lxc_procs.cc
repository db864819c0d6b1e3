// SPDX-License-Identifier: GPL-3.0-or-later
// The LXC program: open-namespace (virDomainLxcOpenNamespace, behind `virsh
// lxc-enter-namespace`) passes the caller descriptors of a running container's namespaces,
// which it enters with setns(2) itself. Sent with the reply (REPLY_WITH_FDS), in libvirt's
// order; a namespace the kernel does not have is left out. And the security model and label
// virsh asks for first (and dominfo shows): cvirt confines with namespaces, capabilities and
// seccomp, no SELinux or AppArmor label, which libvirt calls the model "none" (DOI "0").
#include <fcntl.h>

#include <cstring>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

// A C string as remote_protocol.x's `char x<N>`: its length with the NUL, each char an int.
void writeCharArray(rpc::XdrWriter& w, const char* text) {
    size_t n = std::strlen(text) + 1;
    w.u32(static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i)
        w.i32(text[i]);
}

}  // namespace

void addSecurityProcedures(ProcedureTable& t) {
    t.emplace(static_cast<int32_t>(Proc::NodeGetSecurityModel),
              Procedure{"virNodeGetSecurityModel", false,
                        [](Session& s, rpc::XdrReader&, rpc::XdrWriter& w) {
                            s.connection();
                            writeCharArray(w, "none");
                            writeCharArray(w, "0");
                        }});
    t.emplace(static_cast<int32_t>(Proc::DomainGetSecurityLabel),
              Procedure{"virDomainGetSecurityLabel", false,
                        [](Session& s, rpc::XdrReader& r, rpc::XdrWriter& w) {
                            readDomain(s, r);
                            writeCharArray(w, "");  // no label
                            w.i32(0);               // enforcing: no
                        }});
}

void addLxcProcedures(ProcedureTable& t) {
    t.emplace(static_cast<int32_t>(LxcProc::DomainOpenNamespace),
              Procedure{"virDomainLxcOpenNamespace", true,
                        [](Session& s, rpc::XdrReader& r, rpc::XdrWriter&) {
                            Domain d = readDomain(s, r);
                            r.u32("flags");
                            if (d.info().osType != "exe")
                                throw Error(ErrorCode::OperationInvalid,
                                            "domain '" + d.name() + "' is not a container");
                            std::string dir = "/proc/" + std::to_string(d.initPid()) + "/ns/";
                            for (const char* ns : {"user", "ipc", "uts", "net", "pid", "mnt"}) {
                                int fd = ::open((dir + ns).c_str(), O_RDONLY | O_CLOEXEC);
                                if (fd >= 0) s.replyFds.emplace_back(fd);
                            }
                            if (s.replyFds.empty())
                                throw Error(ErrorCode::OperationFailed,
                                            "cannot open the namespaces of '" + d.name() + "'");
                        }});
}

}  // namespace cvirt::remote
