#include "lxc/control_protocol.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cvirt/error.h"
#include "util/stream.h"

namespace cvirt::lxc {

util::Fd connectController(const std::string& socketPath) {
    return util::connectUnix(socketPath, "the domain's controller");
}

std::string controllerRequest(int fd, std::string_view request) {
    std::string line(request);
    line += '\n';
    if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) < 0)
        throwSystemError(errno, "cannot talk to the container controller");
    std::string reply;
    char c;
    for (;;) {
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n') break;
        reply += c;
    }
    return reply;
}

void waitClosed(int fd) {
    char buf[256];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0 || (n < 0 && errno == EINTR)) continue;
        return;
    }
}

}  // namespace cvirt::lxc
