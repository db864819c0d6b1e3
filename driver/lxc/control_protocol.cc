#include "lxc/control_protocol.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cvirt/error.h"

namespace cvirt::lxc {

util::Fd connectController(const std::string& socketPath) {
    util::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throwSystemError(errno, "cannot create a socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socketPath.size() >= sizeof addr.sun_path)
        throw Error(ErrorCode::OperationFailed, "socket path '" + socketPath + "' is too long");
    std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throwSystemError(errno, "cannot reach the container controller at '" + socketPath + "'");
    return fd;
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
