// SPDX-License-Identifier: GPL-3.0-or-later
// The QEMU program (libvirt's qemu_protocol.x): virDomainQemuMonitorCommand, a QMP command
// passed through to a running VM's monitor as `cvirsh qemu-monitor-command` does (qemu's JSON
// reply as it came), or with VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP a human monitor command
// (its text).
#include <cstdio>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

constexpr uint32_t kMonitorHmp = 1;  // VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP

}  // namespace

void addQemuProcedures(ProcedureTable& t) {
    t.emplace(static_cast<int32_t>(QemuProc::MonitorCommand),
              Procedure{"virDomainQemuMonitorCommand", true,
                        [](Session& s, rpc::XdrReader& r, rpc::XdrWriter& w) {
                            Domain d = readDomain(s, r);
                            std::string command = r.string("cmd");
                            uint32_t flags = r.u32("flags");
                            if (flags & ~kMonitorHmp) {
                                char hex[16];
                                std::snprintf(hex, sizeof hex, "%x", flags & ~kMonitorHmp);
                                throw Error(ErrorCode::InvalidArg,
                                            std::string("unsupported flags (0x") + hex +
                                                ") in function virDomainQemuMonitorCommand");
                            }
                            w.string(d.qemuMonitorCommand(command, (flags & kMonitorHmp) != 0));
                        }});
}

}  // namespace cvirt::remote
