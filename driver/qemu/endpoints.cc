// SPDX-License-Identifier: GPL-3.0-or-later
#include "qemu/endpoints.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>

#include "cvirt/error.h"
#include "state/uri.h"

namespace cvirt::qemu {

namespace {

constexpr size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;

bool canListen(const std::string& address, int port) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    std::string a = address == "localhost" ? "127.0.0.1" : address;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (::inet_pton(AF_INET, a.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, a.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        len = sizeof *v6;
    } else {
        return false;
    }
    util::Fd s(::socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (s.get() < 0) return false;
    int one = 1;  // as qemu binds: a port with connections in TIME_WAIT is free
    ::setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    return ::bind(s.get(), reinterpret_cast<sockaddr*>(&ss), len) == 0;
}

std::string socketIn(const fs::path& dir, const std::string& file) {
    std::string path = (dir / file).string();
    if (path.size() > kMaxSocketPath)
        throw Error(ErrorCode::ConfigUnsupported,
                    "socket path '" + path + "' would be " + std::to_string(path.size()) +
                        " bytes (at most " + std::to_string(kMaxSocketPath) +
                        "): give the device a <source path> or a shorter domain name");
    return path;
}

}  // namespace

fs::path endpointDir(const fs::path& runDir, const std::string& name) {
    return state::entryPath(runDir, name, ".d");
}

int firstFreePort(const std::string& address, int from) {
    for (int port = from; port <= 65535; ++port)
        if (canListen(address, port)) return port;
    return -1;
}

util::Fd chooseEndpoints(conf::DomainDef& def, const fs::path& runDir) {
    fs::path dir = endpointDir(runDir, def.name);
    std::error_code ec;
    fs::remove_all(dir, ec);  // left by a controller that was killed
    bool needDir = false;
    for (size_t i = 0; i < def.channels.size(); ++i) {
        auto& ch = def.channels[i];
        if (!ch.sourcePath.empty()) continue;
        ch.sourcePath =
            socketIn(dir, ch.targetName.empty() ? "channel" + std::to_string(i) : ch.targetName);
        needDir = true;
    }
    util::Fd lock;
    for (auto& g : def.graphics) {
        auto type = g.listenType.value_or(conf::GraphicsListenType::Address);
        if (type == conf::GraphicsListenType::Socket && g.socket.empty()) {
            g.socket = socketIn(dir, "vnc.sock");
            needDir = true;
        }
        if (type != conf::GraphicsListenType::Address || !g.autoport.value_or(false)) continue;
        fs::path lockPath = runDir / "vnc-ports.lock";
        lock = util::Fd(::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (lock.get() < 0 || ::flock(lock.get(), LOCK_EX) < 0)
            throwSystemError(errno, "cannot lock '" + lockPath.string() + "'");
        int port = firstFreePort(g.listenAddress, 5900);
        if (port < 0)
            throw Error(ErrorCode::OperationFailed,
                        "no free VNC port on '" + g.listenAddress + "' from 5900 on");
        g.port = port;
    }
    if (needDir && (!fs::create_directories(dir, ec) || ec))
        throwSystemError(ec.value(), "cannot create '" + dir.string() + "'");
    if (needDir) fs::permissions(dir, fs::perms::owner_all, ec);
    return lock;
}

}  // namespace cvirt::qemu
