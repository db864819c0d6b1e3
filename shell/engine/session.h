// SPDX-License-Identifier: GPL-3.0-or-later
// State of one cvirsh run: the URI, the connection (opened on first use, so `help` works
// without one; an interactive session then runs the reconnect hooks, Connection::reattach),
// the output streams and whether the interactive loop should end.
#pragma once

#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cvirt/connection.h"

namespace cvirt::shell {

class Session {
public:
    Session(std::string uri, std::ostream& out, std::ostream& err)
        : uri_(std::move(uri)), out_(out), err_(err) {}

    Connection& connection();
    void reconnect(const std::string& uri);  // `connect URI`
    const std::string& uri() const { return uri_; }
    bool connected() const { return conn_.has_value(); }

    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }
    // Informational lines ("Domain 'x' started"): dropped in quiet mode, as virsh's
    // vshPrintExtra does.
    std::ostream& info() { return quiet ? null_ : out_; }
    // -d / -l: "[date cvirsh pid] LEVEL message" to the -l file, else the bare message to
    // stderr when -d was given (-l alone logs errors). Levels as virsh's: 0 debug, 1 info, 2
    // notice, 3 warning, 4 error.
    void log(int level, const std::string& message);
    void openLog(const std::string& path, int level);

    bool quiet = false;
    bool readonly = false;  // -r: commands that change something are refused
    bool timing = false;    // -t
    char escape = 0x1d;     // -e: leaves the console
    bool interactive = false;
    bool quitRequested = false;

private:
    std::string uri_;
    std::optional<Connection> conn_;
    std::ostream& out_;
    std::ostream& err_;
    std::ofstream null_;  // never opened: writes go nowhere
    std::ofstream log_;
    int logLevel_ = -1;
};

}  // namespace cvirt::shell
