// SPDX-License-Identifier: GPL-3.0-or-later
// What virt-install (virtinst) asks of a connection beyond the domain calls: domain
// capabilities (virsh domcapabilities), which it reads to choose its defaults.
#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

void addInstallProcedures(ProcedureTable& t) {
    t.emplace(static_cast<int32_t>(Proc::ConnectGetDomainCapabilities),
              Procedure{"virConnectGetDomainCapabilities", false,
                        [](Session& s, rpc::XdrReader& r, rpc::XdrWriter& w) {
                            auto emulator = r.optionalString("emulatorbin");
                            auto arch = r.optionalString("arch");
                            auto machine = r.optionalString("machine");
                            auto virtType = r.optionalString("virttype");
                            r.u32("flags");
                            w.string(s.connection().domainCapabilities(
                                virtType.value_or(""), machine.value_or(""), arch.value_or(""),
                                emulator.value_or("")));
                        }});
}

}  // namespace cvirt::remote
