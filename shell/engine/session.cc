// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/session.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

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

void Session::openLog(const std::string& path, int level) {
    logLevel_ = level < 0 ? 4 : level;  // -l alone logs errors, as virsh's
    if (path.empty()) return;
    log_.open(path, std::ios::app);
    if (!log_)
        throw Error(ErrorCode::SystemError, "failed to open the log file '" + path + "'", errno);
}

void Session::log(int level, const std::string& message) {
    if (logLevel_ < 0 || level < logLevel_) return;
    static constexpr const char* kLevels[] = {"DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"};
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y.%m.%d %H:%M:%S", &tm);
    if (!log_.is_open()) {  // -d alone: the bare message on stderr
        err_ << message << "\n";
        return;
    }
    log_ << "[" << stamp << " cvirsh " << ::getpid() << "] " << kLevels[std::clamp(level, 0, 4)]
         << " " << message << "\n";
    log_.flush();
}

}  // namespace cvirt::shell
