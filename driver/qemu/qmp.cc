// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/qmp.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "cvirt/error.h"
#include "util/stream.h"

namespace cvirt::qemu {

namespace {
Error qmpError(const std::string& what) {
    return Error(ErrorCode::OperationFailed, "qemu monitor: " + what);
}
}  // namespace

Qmp::Qmp(util::Fd fd, int timeoutMs) : fd_(std::move(fd)), timeoutMs_(timeoutMs) {
    Json greeting = readMessage(false);
    if (!greeting.contains("QMP")) throw qmpError("unexpected greeting " + greeting.dump());
    execute("qmp_capabilities");
}

bool Qmp::fill(bool block) {
    pollfd p{fd_.get(), POLLIN, 0};
    int rc = ::poll(&p, 1, block ? timeoutMs_ : 0);
    if (rc < 0 && errno == EINTR) return true;
    if (rc == 0) {
        if (block) throw qmpError("no answer within " + std::to_string(timeoutMs_ / 1000) + " s");
        return true;
    }
    char buf[8192];
    ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
}

Json Qmp::readMessage(bool wantAnswer) {
    for (;;) {
        size_t nl;
        while ((nl = buffer_.find('\n')) != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
            Json msg = Json::parse(line, nullptr, false);
            if (msg.is_discarded()) throw qmpError("cannot parse '" + line + "'");
            if (msg.contains("event")) {
                events_.push_back(std::move(msg));
                continue;
            }
            if (!wantAnswer || msg.contains("return") || msg.contains("error")) return msg;
        }
        if (!fill(true)) throw qmpError("qemu closed the monitor connection");
    }
}

Json Qmp::execute(std::string_view command, const Json& arguments) {
    Json cmd = {{"execute", command}};
    if (!arguments.empty()) cmd["arguments"] = arguments;
    Json answer = Json::parse(executeText(cmd.dump()));
    if (answer.contains("error"))
        throw qmpError(std::string(command) + ": " +
                       answer["error"].value("desc", std::string("failed")));
    return answer["return"];
}

std::string Qmp::executeText(const std::string& commandJson) {
    if (!util::writeFully(fd_.get(), commandJson + "\n"))
        throw qmpError("qemu closed the monitor connection");
    return readMessage(true).dump();
}

bool Qmp::readAvailable() {
    bool open = fill(false);
    // Complete lines are events here (answers are read by execute()).
    size_t nl;
    while ((nl = buffer_.find('\n')) != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        Json msg = Json::parse(line, nullptr, false);
        if (!msg.is_discarded() && msg.contains("event")) events_.push_back(std::move(msg));
    }
    return open;
}

}  // namespace cvirt::qemu
