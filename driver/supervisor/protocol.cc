#include "supervisor/protocol.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "cvirt/error.h"
#include "util/stream.h"

namespace cvirt::supervisor {

util::Fd connect(const std::string& socketPath) {
    return util::connectUnix(socketPath, "the domain's controller");
}

std::string request(int fd, std::string_view request) {
    sendRequest(fd, request);
    return readReply(fd);
}

void sendRequest(int fd, std::string_view request) {
    std::string line(request);
    line += '\n';
    if (!util::writeFully(fd, line))
        throwSystemError(errno, "cannot talk to the domain's controller");
}

std::string readReply(int fd) {
    std::string reply;
    char buf[4096];
    for (;;) {
        // Peek, then consume up to the newline: what follows belongs to the stream.
        ssize_t n = ::recv(fd, buf, sizeof buf, MSG_PEEK);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        size_t take = static_cast<size_t>(n);
        bool done = false;
        for (size_t i = 0; i < take; ++i)
            if (buf[i] == '\n') {
                take = i + 1;
                done = true;
                break;
            }
        n = ::recv(fd, buf, take, 0);
        if (n <= 0) break;
        reply.append(buf, done ? take - 1 : take);
        if (done) break;
    }
    return reply;
}

std::string readRequest(int client, size_t max) {
    timeval tv{1, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string line;
    char c;
    while (line.size() < max && ::read(client, &c, 1) == 1 && c != '\n')
        line += c;
    timeval none{0, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
    return line;
}

void reply(int client, std::string_view text) {
    std::string r(text);
    r += '\n';
    util::writeFully(client, r);
}

}  // namespace cvirt::supervisor
