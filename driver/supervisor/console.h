// The console side of a supervisor: the master of the domain's console pty, proxied to one
// attached client at a time; with nobody attached, output goes to the domain log (stdout).
#pragma once

#include <string_view>

#include "util/fd.h"

namespace cvirt::supervisor {

class ConsoleProxy {
public:
    ConsoleProxy() = default;
    explicit ConsoleProxy(util::Fd master) : master_(std::move(master)) {}

    int masterFd() const { return master_.get(); }
    int clientFd() const { return client_.get(); }  // -1 when nobody is attached

    // A "console" / "console force" request on `client`: answers it and takes the client,
    // or refuses it while another one is attached and !force.
    void handleRequest(util::Fd client, std::string_view request);
    void onOutput();  // the master is readable
    void onInput();   // the client is readable (or hung up)
    void drain();     // what the guest printed last, into the log

private:
    util::Fd master_;
    util::Fd client_;
};

inline bool isConsoleRequest(std::string_view line) {
    return line == "console" || line == "console force";
}

}  // namespace cvirt::supervisor
