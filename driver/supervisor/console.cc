#include "supervisor/console.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "supervisor/protocol.h"
#include "util/stream.h"

namespace cvirt::supervisor {

void ConsoleProxy::handleRequest(util::Fd client, std::string_view request) {
    if (client_ && request != "console force") {
        reply(client.get(), "error the console is in use by another client (use --force)");
        return;
    }
    reply(client.get(), "ok");
    client_ = std::move(client);  // a forced takeover closes the old client
}

void ConsoleProxy::onOutput() {
    char buf[16384];
    ssize_t n = ::read(master_.get(), buf, sizeof buf);
    if (n <= 0) return;
    std::string_view data(buf, static_cast<size_t>(n));
    if (client_) {
        if (util::writeFully(client_.get(), data)) return;
        client_.reset();
    }
    util::writeFully(STDOUT_FILENO, data);  // the domain log
}

void ConsoleProxy::onInput() {
    char buf[4096];
    ssize_t n = ::read(client_.get(), buf, sizeof buf);
    if (n <= 0) {
        client_.reset();
        return;
    }
    util::writeFully(master_.get(), {buf, static_cast<size_t>(n)});
}

void ConsoleProxy::drain() {
    for (;;) {
        pollfd p{master_.get(), POLLIN, 0};
        if (!master_ || ::poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN)) return;
        char buf[4096];
        ssize_t r = ::read(master_.get(), buf, sizeof buf);
        if (r <= 0) return;
        util::writeFully(STDOUT_FILENO, {buf, static_cast<size_t>(r)});
    }
}

}  // namespace cvirt::supervisor
