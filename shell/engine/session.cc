#include "engine/session.h"

namespace cvirt::shell {

Connection& Session::connection() {
    if (!conn_) conn_ = Connection::open(uri_);
    return *conn_;
}

void Session::reconnect(const std::string& uri) {
    Connection c = Connection::open(uri.empty() ? Connection::defaultUri() : uri);
    conn_ = std::move(c);
    uri_ = conn_->uri();
}

}  // namespace cvirt::shell
