// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <list>
#include <utility>

#include "cvirt/error.h"
#include "remote/dispatch.h"
#include "remote/protocol.h"
#include "rpc/message.h"
#include "server/client.h"
#include "server/event_hub.h"

namespace cvirt::server {

namespace {

using rpc::OwnedFd;

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

void queueReply(Client& c, const rpc::Header& call, const remote::Reply& reply) {
    rpc::Header h = call;
    h.type = rpc::MessageType::Reply;
    if (const auto* body = std::get_if<std::string>(&reply)) {
        h.status = rpc::MessageStatus::Ok;
        auto& fds = c.session.replyFds;
        if (fds.empty()) {
            c.out.add(rpc::encodeMessage(h, *body));
            return;
        }
        h.type = rpc::MessageType::ReplyWithFds;
        c.out.add(rpc::encodeMessage(h, *body, static_cast<uint32_t>(fds.size())));
        for (auto& fd : fds)
            c.out.addFd(std::move(fd));
        fds.clear();
    } else {
        h.status = rpc::MessageStatus::Error;
        rpc::XdrWriter w;
        rpc::encodeError(w, std::get<rpc::RemoteError>(reply));
        c.out.add(rpc::encodeMessage(h, w.bytes()));
    }
}

rpc::RemoteError rpcError(const std::string& message) {
    return {.code = static_cast<int32_t>(remote::VirError::Rpc),
            .domain = static_cast<int32_t>(remote::VirErrorDomain::Rpc),
            .message = message};
}

// A STREAM message: to its stream, ignored for one that ended lately. False: drop the
// client (a packet for a stream it never had).
bool onStreamPacket(Client& c, const rpc::Message& m) {
    const rpc::Header& h = m.header;
    auto it = c.streams.find(h.serial);
    if (it != c.streams.end() && !it->second.matches(h)) it = c.streams.end();
    if (it == c.streams.end()) {
        bool ended = std::find(c.endedStreams.begin(), c.endedStreams.end(), h.serial) !=
                     c.endedStreams.end();
        if (!ended)
            std::cerr << "cvirtd: dropping a client: a stream packet for no stream (serial "
                      << h.serial << ")\n";
        return ended;
    }
    if (!it->second.onPacket(m, c.out)) c.endStream(it);
    return true;
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
            c.out.add(rpc::encodeMessage(pong, ""));
        }
        return true;  // a pong, or anything else of the program: nothing to answer
    }
    if (h.type == rpc::MessageType::Stream || h.type == rpc::MessageType::StreamHole)
        return onStreamPacket(c, m);
    if (h.type == rpc::MessageType::CallWithFds)
        c.in.discard(m.fdCount);  // the descriptors' bytes: no procedure here takes any
    else if (h.type != rpc::MessageType::Call)
        return true;  // a reply or event from a client: nothing to answer
    bool lxc = h.program == remote::kLxcProgram, qemu = h.program == remote::kQemuProgram;
    if (h.program != remote::kRemoteProgram && !lxc && !qemu) {
        queueReply(c, h,
                   rpcError("cannot find program " + std::to_string(h.program) + " version " +
                            std::to_string(h.version)));
        return true;
    }
    if (h.version != (lxc    ? remote::kLxcVersion
                      : qemu ? remote::kQemuVersion
                             : remote::kRemoteVersion)) {
        queueReply(c, h,
                   rpcError("program version " + std::to_string(h.version) + " is not supported"));
        return true;
    }
    remote::Reply reply = lxc    ? remote::dispatchLxc(c.session, h.procedure, m.body)
                          : qemu ? remote::dispatchQemu(c.session, h.procedure, m.body)
                                 : remote::dispatch(c.session, h.procedure, m.body);
    queueReply(c, h, reply);  // the reply first: the stream's data follows it
    if (c.session.openedStream) {
        c.streams.erase(h.serial);
        c.streams.emplace(h.serial, Stream(h, std::move(c.session.openedStream)));
    }
    return true;
}

// Reads what the client sent (descriptors it passed are closed: nothing here takes one) and
// answers every whole message. False: drop it.
bool readFrom(Client& c) {
    char buf[65536];
    for (;;) {
        iovec iov{buf, sizeof buf};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * rpc::kFdsMax)];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(c.fd.get(), &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) return false;
        for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
                for (size_t k = 0; k < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); ++k) {
                    int fd;
                    std::memcpy(&fd, CMSG_DATA(cm) + k * sizeof(int), sizeof fd);
                    ::close(fd);
                }
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

// Where one client's descriptors are in the poll set.
struct Slots {
    size_t socket = 0;
    std::vector<std::pair<uint32_t, size_t>> streams;  // serial, index
};

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
    EventHub events;
    bool running = true;
    while (running) {
        std::vector<pollfd> fds{{signals.get(), POLLIN, 0}};
        for (auto& l : listeners)
            fds.push_back({l.fd.get(), POLLIN, 0});
        events.addPollFds(fds);
        std::vector<Slots> slots;
        for (auto& c : clients) {
            Slots& s = slots.emplace_back();
            s.socket = fds.size();
            short ev =
                static_cast<short>((c.reading() ? POLLIN : 0) | (c.out.empty() ? 0 : POLLOUT));
            fds.push_back({c.fd.get(), ev, 0});
            for (auto& [serial, st] : c.streams)
                if (short sev = st.events(c.out.size())) {
                    s.streams.emplace_back(serial, fds.size());
                    fds.push_back({st.fd(), sev, 0});
                }
        }
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            throwSystemError(errno, "poll failed");
        }
        if (fds[0].revents) running = false;
        events.deliver(fds, clients);
        std::vector<bool> drop(clients.size(), false);
        size_t k = 0;
        for (auto it = clients.begin(); it != clients.end(); ++it, ++k) {
            Client& c = *it;
            for (auto [serial, index] : slots[k].streams) {
                auto st = c.streams.find(serial);
                if (st != c.streams.end() && fds[index].revents &&
                    !st->second.onReady(fds[index].revents, c.out))
                    c.endStream(st);
            }
            if (fds[slots[k].socket].revents & (POLLIN | POLLHUP | POLLERR)) drop[k] = !readFrom(c);
        }
        k = 0;
        for (auto it = clients.begin(); it != clients.end(); ++k)
            it = drop[k] ? clients.erase(it) : std::next(it);
        // The journals of callbacks just registered are followed before the replies leave.
        events.update(clients);
        for (auto it = clients.begin(); it != clients.end();) {
            bool keep = it->out.flush(it->fd.get());
            if (keep && it->out.size() > Client::kOutMax) {
                std::cerr << "cvirtd: dropping a client that does not read what it is sent\n";
                keep = false;
            }
            it = keep ? std::next(it) : clients.erase(it);
        }
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
    }
    for (auto& l : listeners)
        ::unlink(l.path.c_str());
    return 0;
}

}  // namespace cvirt::server
