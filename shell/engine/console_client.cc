// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/console_client.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <ostream>
#include <string>

#include "cvirt/error.h"

namespace cvirt::shell {

namespace {

class RawTerminal {
public:
    explicit RawTerminal(int fd) : fd_(fd) {
        if (::isatty(fd) && ::tcgetattr(fd, &saved_) == 0) {
            termios raw = saved_;
            ::cfmakeraw(&raw);
            raw.c_oflag |= OPOST | ONLCR;  // keep newlines readable, as virsh does
            active_ = ::tcsetattr(fd, TCSANOW, &raw) == 0;
        }
    }
    ~RawTerminal() {
        if (active_) ::tcsetattr(fd_, TCSADRAIN, &saved_);
    }
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

struct CloseOnExit {
    int fd;
    ~CloseOnExit() { ::close(fd); }
};

bool writeAll(int fd, const char* p, size_t n) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= static_cast<size_t>(w);
    }
    return true;
}

// "^] (Ctrl + ])" for a control character, as virsh shows it; else the character itself.
std::string escapeName(char c) {
    if (c == 0x7f) return "^?";
    if (static_cast<unsigned char>(c) >= 0x20) return std::string(1, c);
    char key = static_cast<char>(c + '@');
    return std::string("^") + key + " (Ctrl + " + key + ")";
}

}  // namespace

int runConsole(int stream, std::string_view domain, std::ostream& out, char escape) {
    CloseOnExit owner{stream};
    // Raw first (without flushing): keys typed while the banner prints are not lost.
    RawTerminal raw(STDIN_FILENO);
    out << "Connected to domain '" << domain << "'\r\n"
        << "Escape character is " << escapeName(escape) << "\r\n";
    out.flush();
    bool stdinOpen = true;
    char buf[8192];
    for (;;) {
        pollfd fds[2] = {{stream, POLLIN, 0}, {stdinOpen ? STDIN_FILENO : -1, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throwSystemError(errno, "console poll failed");
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = ::read(stream, buf, sizeof buf);
            if (n <= 0) break;  // the container or the controller went away
            if (!writeAll(STDOUT_FILENO, buf, static_cast<size_t>(n))) break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n <= 0) {
                stdinOpen = false;  // keep showing output until the stream ends
                continue;
            }
            size_t len = static_cast<size_t>(n);
            bool leave = false;
            for (size_t i = 0; i < len; ++i)
                if (buf[i] == escape) {
                    len = i;
                    leave = true;
                    break;
                }
            if (len > 0 && !writeAll(stream, buf, len)) break;
            if (leave) break;
        }
    }
    out << "\n";
    out.flush();
    return 0;
}

}  // namespace cvirt::shell
