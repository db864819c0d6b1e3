// SPDX-License-Identifier: GPL-3.0-or-later
// Calls that open a stream: the call's reply comes first, then its data flows as STREAM
// messages with the call's serial (server/stream.h). The procedure leaves the descriptor in
// Session::openedStream for the server to take.
#include <cstdio>

#include "remote/dispatch.h"
#include "remote/protocol.h"

namespace cvirt::remote {

namespace {

// virDomainConsoleFlags
constexpr uint32_t kConsoleForce = 1;  // take the console from a client attached to it
constexpr uint32_t kConsoleSafe = 2;   // refuse when another client is attached: always so

}  // namespace

void addStreamProcedures(ProcedureTable& t) {
    t.emplace(
        static_cast<int32_t>(Proc::DomainOpenConsole),
        Procedure{"virDomainOpenConsole", true, [](Session& s, rpc::XdrReader& r, rpc::XdrWriter&) {
                      Domain d = readDomain(s, r);
                      std::string devname = r.optionalString("dev_name").value_or("");
                      uint32_t flags = r.u32("flags");
                      if (uint32_t unknown = flags & ~(kConsoleForce | kConsoleSafe)) {
                          char text[80];
                          std::snprintf(text, sizeof text,
                                        "unsupported flags (0x%x) in function "
                                        "virDomainOpenConsole",
                                        unknown);
                          throw Error(ErrorCode::InvalidArg, text);
                      }
                      s.openedStream.reset(d.openConsole(flags & kConsoleForce, devname));
                  }});
}

}  // namespace cvirt::remote
