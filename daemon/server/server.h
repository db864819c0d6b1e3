// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd's loop: the read-write and read-only UNIX sockets of one served root, its clients,
// and their messages — calls of the REMOTE program answered through remote::dispatch, the
// keepalive program's pings answered with pongs. One thread, poll(2); a client that sends
// garbage or vanishes is dropped alone.
#pragma once

#include <filesystem>
#include <string>

namespace cvirt::server {

struct Options {
    std::string uri;               // the served connection (cvirtd -c URI)
    std::filesystem::path runDir;  // where libvirt-sock and libvirt-sock-ro go
};

// The run directory of a served URI: /run/cvirt, or DIR/run/cvirt for …:///embed?root=DIR.
std::filesystem::path runDirFor(const std::string& uri);

// Serves until SIGTERM or SIGINT; removes its sockets before it returns.
int serve(const Options& options);

}  // namespace cvirt::server
