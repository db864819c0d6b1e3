// SPDX-License-Identifier: GPL-3.0-or-later
// The console side of a controller: the master of the domain's console pty, proxied to one
// attached client at a time; with nobody attached, output goes to the domain log
// (controller/domain_log.h, bounded and rotated).
//
// Nothing a guest or a client does can stall the controller: the master is non-blocking
// (input the guest does not read is dropped once the pty's buffer is full), a client that
// stops reading for a second is let go (its output goes to the log), and the proxy holds the
// pty's slave open itself, so a guest that closes its console leaves a master that is simply
// quiet, not one that reports a hang-up on every poll.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/fd.h"

namespace cvirt::controller {

class ConsoleProxy {
public:
    ConsoleProxy() = default;
    // Takes the master; throws SystemError if its slave cannot be opened.
    explicit ConsoleProxy(util::Fd master);

    int masterFd() const { return master_.get(); }
    int clientFd() const { return client_.get(); }  // -1 when nobody is attached

    // A console request on `client`: answers it and takes the client, or refuses it while
    // another one is attached and !force.
    void handleRequest(util::Fd client, bool force);
    void onOutput();  // the master is readable
    void onInput();   // the client is readable (or hung up)
    void drain();     // what the guest printed last, into the log

private:
    util::Fd master_;
    util::Fd slave_;  // held so the master never sees the guest hang up
    util::Fd client_;
};

// "console [force] [DEVNAME]": DEVNAME is a console's alias (console0, console1, ua-…) or
// the VM's serial0; none is the first console.
struct ConsoleRequest {
    bool force = false;
    std::string devname;
};
std::optional<ConsoleRequest> parseConsoleRequest(std::string_view line);
std::string consoleRequest(bool force, std::string_view devname);

}  // namespace cvirt::controller
