// SPDX-License-Identifier: GPL-3.0-or-later
// virt-ssh-helper: the far end of libvirt's SSH transport. A libvirt client given
// `lxc+ssh://root@HOST/system` runs `virt-ssh-helper 'lxc:///system'` on HOST through ssh and
// speaks the remote protocol over its stdin/stdout; this program joins them to cvirtd's
// socket there: RUN/libvirt-sock, or RUN/libvirt-sock-ro with -r, where RUN is
// $CVIRT_RUN_DIR or /run/cvirt.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "cvirt/connection.h"
#include "cvirt/error.h"
#include "remote/dispatch.h"

using namespace cvirt;

namespace {

int connectTo(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw Error(ErrorCode::InvalidArg, "socket path '" + path + "' is too long");
    std::strcpy(addr.sun_path, path.c_str());
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throwSystemError(errno, "cannot create a socket");
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        int err = errno;
        ::close(fd);
        throwSystemError(err, "cannot connect to cvirtd at '" + path + "'");
    }
    return fd;
}

// Copies what `from` has into `to`; false at end of input (or when `to` is gone).
bool pass(int from, int to) {
    char buf[65536];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        off += w;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    bool readOnly = false;
    std::string uri;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-r" || a == "--readonly") {
            readOnly = true;
        } else if (a == "-h" || a == "--help") {
            std::cout << "Usage: virt-ssh-helper [-r] URI\n\nJoins stdin/stdout to cvirtd's "
                         "socket for URI (lxc:///system, qemu:///system, cvirt:///system):\n"
                         "$CVIRT_RUN_DIR/libvirt-sock (default /run/cvirt), -sock-ro with -r.\n"
                         "Run by libvirt's clients through ssh, not by hand.\n";
            return 0;
        } else if (a == "-V" || a == "--version") {
            std::cout << version() << "\n";
            return 0;
        } else if (uri.empty() && !a.starts_with("-")) {
            uri = a;
        } else {
            std::cerr << "virt-ssh-helper: unexpected argument '" << a << "'\n";
            return 2;
        }
    }
    try {
        if (uri.empty()) throw Error(ErrorCode::InvalidArg, "no URI given (virt-ssh-helper URI)");
        remote::uriFor("cvirt:///system", uri);  // a kind and path cvirtd serves, or throws
        const char* run = std::getenv("CVIRT_RUN_DIR");
        std::string path = std::string(run && *run ? run : "/run/cvirt") + "/libvirt-sock" +
                           (readOnly ? "-ro" : "");
        int sock = connectTo(path);
        pollfd fds[2] = {{0, POLLIN, 0}, {sock, POLLIN, 0}};
        while (fds[1].fd >= 0) {
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                throwSystemError(errno, "poll failed");
            }
            if (fds[0].revents && !pass(0, sock)) {  // the client is done: tell cvirtd
                ::shutdown(sock, SHUT_WR);
                fds[0].fd = -1;
            }
            if (fds[1].revents && !pass(sock, 1)) fds[1].fd = -1;
        }
        return 0;
    } catch (const Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
