#include "server/server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <list>
#include <utility>

#include "cvirt/error.h"
#include "remote/dispatch.h"
#include "remote/protocol.h"
#include "rpc/message.h"

namespace cvirt::server {

namespace {

class OwnedFd {
public:
    explicit OwnedFd(int fd = -1) : fd_(fd) {}
    OwnedFd(OwnedFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    OwnedFd& operator=(OwnedFd&& o) noexcept {
        if (this != &o) {
            if (fd_ >= 0) ::close(fd_);
            fd_ = std::exchange(o.fd_, -1);
        }
        return *this;
    }
    ~OwnedFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

// A listening socket at `path` with `mode`, removed again when the server stops.
struct Listener {
    OwnedFd fd;
    std::filesystem::path path;
    bool readOnly;
};

Listener listenAt(const std::filesystem::path& path, mode_t mode, bool readOnly) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.native().size() >= sizeof addr.sun_path)
        throw Error(ErrorCode::InvalidArg, "socket path '" + path.string() + "' is too long");
    std::strcpy(addr.sun_path, path.c_str());
    OwnedFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0) throwSystemError(errno, "cannot create a socket");
    ::unlink(path.c_str());  // a socket left by a server that died
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throwSystemError(errno, "cannot bind '" + path.string() + "'");
    if (::chmod(path.c_str(), mode) < 0)
        throwSystemError(errno, "cannot set the mode of '" + path.string() + "'");
    if (::listen(fd.get(), 64) < 0)
        throwSystemError(errno, "cannot listen on '" + path.string() + "'");
    return {std::move(fd), path, readOnly};
}

struct Client {
    OwnedFd fd;
    rpc::MessageFramer in;
    std::string out;
    remote::Session session;
};

void queueReply(Client& c, const rpc::Header& call, const remote::Reply& reply) {
    rpc::Header h = call;
    h.type = rpc::MessageType::Reply;
    if (const auto* body = std::get_if<std::string>(&reply)) {
        h.status = rpc::MessageStatus::Ok;
        c.out += rpc::encodeMessage(h, *body);
    } else {
        h.status = rpc::MessageStatus::Error;
        rpc::XdrWriter w;
        rpc::encodeError(w, std::get<rpc::RemoteError>(reply));
        c.out += rpc::encodeMessage(h, w.bytes());
    }
}

rpc::RemoteError rpcError(const std::string& message) {
    return {.code = static_cast<int32_t>(remote::VirError::Rpc),
            .domain = static_cast<int32_t>(remote::VirErrorDomain::Rpc),
            .message = message};
}

// One message from a client. Returns false when the client is to be dropped.
bool handle(Client& c, const rpc::Message& m) {
    const rpc::Header& h = m.header;
    if (h.program == remote::kKeepaliveProgram) {
        if (h.type == rpc::MessageType::Message &&
            h.procedure == static_cast<int32_t>(remote::Keepalive::Ping)) {
            rpc::Header pong{.program = remote::kKeepaliveProgram,
                             .version = remote::kKeepaliveVersion,
                             .procedure = static_cast<int32_t>(remote::Keepalive::Pong),
                             .type = rpc::MessageType::Message};
            c.out += rpc::encodeMessage(pong, "");
        }
        return true;  // a pong, or anything else of the program: nothing to answer
    }
    if (h.type != rpc::MessageType::Call) return true;  // streams: none opened yet
    if (h.program != remote::kRemoteProgram) {
        queueReply(c, h,
                   rpcError("cannot find program " + std::to_string(h.program) + " version " +
                            std::to_string(h.version)));
        return true;
    }
    if (h.version != remote::kRemoteVersion) {
        queueReply(c, h,
                   rpcError("program version " + std::to_string(h.version) + " is not supported"));
        return true;
    }
    queueReply(c, h, remote::dispatch(c.session, h.procedure, m.body));
    return true;
}

// Reads what the client sent and answers every whole message. False: drop it.
bool readFrom(Client& c) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) return false;
        c.in.add(std::string_view(buf, static_cast<size_t>(n)));
        if (static_cast<size_t>(n) < sizeof buf) break;
    }
    try {
        while (auto m = c.in.next())
            if (!handle(c, *m)) return false;
    } catch (const Error& e) {  // a malformed message: this client is dropped, no one else
        std::cerr << "cvirtd: dropping a client: " << e.what() << "\n";
        return false;
    }
    return true;
}

bool writeTo(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
        if (n <= 0) return false;
        c.out.erase(0, static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

std::filesystem::path runDirFor(const std::string& uri) {
    size_t root = uri.find("embed?root=");
    if (root == std::string::npos) return "/run/cvirt";
    return std::filesystem::path(uri.substr(root + 11)) / "run/cvirt";
}

int serve(const Options& o) {
    std::filesystem::create_directories(o.runDir);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    ::sigprocmask(SIG_BLOCK, &stop, nullptr);
    OwnedFd signals(::signalfd(-1, &stop, SFD_CLOEXEC));
    std::vector<Listener> listeners;
    listeners.push_back(listenAt(o.runDir / "libvirt-sock", 0600, false));
    listeners.push_back(listenAt(o.runDir / "libvirt-sock-ro", 0666, true));
    std::list<Client> clients;
    bool running = true;
    while (running) {
        std::vector<pollfd> fds{{signals.get(), POLLIN, 0}};
        for (auto& l : listeners)
            fds.push_back({l.fd.get(), POLLIN, 0});
        for (auto& c : clients)
            fds.push_back(
                {c.fd.get(), static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            throwSystemError(errno, "poll failed");
        }
        if (fds[0].revents) running = false;
        for (size_t i = 0; i < listeners.size(); ++i) {
            if (!(fds[1 + i].revents & POLLIN)) continue;
            int fd =
                ::accept4(listeners[i].fd.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd < 0) continue;
            Client& c = clients.emplace_back();
            c.fd = OwnedFd(fd);
            c.session.servedUri = o.uri;
            c.session.readOnly = listeners[i].readOnly;
        }
        size_t i = 1 + listeners.size();
        for (auto it = clients.begin(); it != clients.end(); ++i) {
            short ev = i < fds.size() && fds[i].fd == it->fd.get() ? fds[i].revents : 0;
            bool keep = true;
            if (ev & (POLLIN | POLLHUP | POLLERR)) keep = readFrom(*it);
            if (keep) keep = writeTo(*it);
            it = keep ? std::next(it) : clients.erase(it);
        }
    }
    for (auto& l : listeners)
        ::unlink(l.path.c_str());
    return 0;
}

}  // namespace cvirt::server
