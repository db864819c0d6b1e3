// State of one cvirsh run: the URI, the connection (opened on first use, so `help` works
// without one; an interactive session then runs the reconnect hooks, Connection::reattach),
// the output streams and whether the interactive loop should end.
#pragma once

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

    // Domains started with --autodestroy: destroyed when this cvirsh ends (virsh semantics).
    void autodestroy(const std::string& name) { autodestroy_.push_back(name); }
    void destroyAutodestroyed() noexcept;

    std::ostream& out() { return out_; }
    std::ostream& err() { return err_; }
    bool quiet = false;
    bool interactive = false;
    bool quitRequested = false;

private:
    std::string uri_;
    std::optional<Connection> conn_;
    std::vector<std::string> autodestroy_;
    std::ostream& out_;
    std::ostream& err_;
};

}  // namespace cvirt::shell
