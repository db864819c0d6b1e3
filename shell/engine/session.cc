#include "engine/session.h"

namespace cvirt::shell {

namespace {
// A broken cvirt.conf is reported, not a reason to refuse the session its connection.
void reattach(Connection& conn, std::ostream& err) {
    try {
        conn.reattach();
    } catch (const Error& e) {
        err << "error: " << e.what() << "\n";
    }
}
}  // namespace

Connection& Session::connection() {
    if (!conn_) {
        conn_ = Connection::open(uri_);
        if (interactive) reattach(*conn_, err_);
    }
    return *conn_;
}

void Session::reconnect(const std::string& uri) {
    Connection c = Connection::open(uri.empty() ? Connection::defaultUri() : uri);
    conn_ = std::move(c);
    uri_ = conn_->uri();
    if (interactive) reattach(*conn_, err_);
}

void Session::destroyAutodestroyed() noexcept {
    for (const auto& name : autodestroy_) {
        try {
            if (auto d = connection().find(name); d && d->summary().id) d->destroy();
        } catch (const Error& e) {
            err_ << "error: cannot destroy '" << name << "': " << e.what() << "\n";
        }
    }
    autodestroy_.clear();
}

}  // namespace cvirt::shell
