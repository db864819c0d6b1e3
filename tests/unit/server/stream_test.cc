// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd's stream and outbox over socketpairs: a console's bytes both ways as libvirt's STREAM
// messages, the end, finish and abort handshakes, the bound on reading for a client that does
// not read, and descriptors passed after a reply each on its own byte.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "cvirt/error.h"
#include "rpc/message.h"
#include "server/outbox.h"
#include "server/stream.h"

using namespace cvirt;
using namespace cvirt::rpc;
using namespace cvirt::server;

namespace {

struct Pair {
    int a = -1, b = -1;
    Pair() {
        int fds[2];
        CPPUNIT_ASSERT(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
        a = fds[0];
        b = fds[1];
    }
    ~Pair() {
        if (a >= 0) ::close(a);
        if (b >= 0) ::close(b);
    }
};

const Header kCall{.program = 0x20008086, .version = 1, .procedure = 201, .serial = 7};

// Every message `out` holds, sent through a socketpair and cut again.
std::vector<Message> messagesOf(Outbox& out) {
    Pair p;
    CPPUNIT_ASSERT(out.flush(p.a));
    CPPUNIT_ASSERT(out.empty());
    ::shutdown(p.a, SHUT_WR);
    MessageFramer f;
    char buf[4096];
    for (ssize_t n; (n = ::read(p.b, buf, sizeof buf)) > 0;)
        f.add(std::string_view(buf, static_cast<size_t>(n)));
    std::vector<Message> got;
    while (auto m = f.next())
        got.push_back(std::move(*m));
    CPPUNIT_ASSERT_EQUAL(size_t{0}, f.buffered());
    return got;
}

Message packet(MessageStatus status, std::string body = {}) {
    Header h = kCall;
    h.type = MessageType::Stream;
    h.status = status;
    return {h, 0, std::move(body)};
}

}  // namespace

class StreamTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(StreamTest);
    CPPUNIT_TEST(consoleBytesGoOutAsContinueWithTheCallsSerial);
    CPPUNIT_TEST(clientDataReachesTheConsoleAndFinishWaitsForIt);
    CPPUNIT_TEST(theConsolesEndIsAnEmptyContinue);
    CPPUNIT_TEST(abortIsConfirmedAndDropsWhatWaits);
    CPPUNIT_TEST(aClientThatDoesNotReadStopsTheReading);
    CPPUNIT_TEST(aHoleIsRefused);
    CPPUNIT_TEST(descriptorsRideOnTheirOwnBytes);
    CPPUNIT_TEST_SUITE_END();

public:
    void consoleBytesGoOutAsContinueWithTheCallsSerial() {
        Pair console;
        Stream s(kCall, OwnedFd(::dup(console.a)));
        CPPUNIT_ASSERT_EQUAL(short{POLLIN}, s.events(0));
        CPPUNIT_ASSERT(::write(console.b, "login: ", 7) == 7);
        Outbox out;
        CPPUNIT_ASSERT(s.onReady(POLLIN, out));
        auto got = messagesOf(out);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, got.size());
        CPPUNIT_ASSERT(got[0].header.type == MessageType::Stream);
        CPPUNIT_ASSERT(got[0].header.status == MessageStatus::Continue);
        CPPUNIT_ASSERT_EQUAL(7u, got[0].header.serial);
        CPPUNIT_ASSERT_EQUAL(201, got[0].header.procedure);
        CPPUNIT_ASSERT_EQUAL(std::string("login: "), got[0].body);
        // nothing there (a spurious wake): nothing sent, the stream goes on
        CPPUNIT_ASSERT(s.onReady(POLLIN, out));
        CPPUNIT_ASSERT(out.empty());
    }

    void clientDataReachesTheConsoleAndFinishWaitsForIt() {
        Pair console;
        Stream s(kCall, OwnedFd(::dup(console.a)));
        Outbox out;
        CPPUNIT_ASSERT(s.onPacket(packet(MessageStatus::Continue, "ls\n"), out));
        char buf[16] = {};
        CPPUNIT_ASSERT_EQUAL(ssize_t{3}, ::read(console.b, buf, sizeof buf));
        CPPUNIT_ASSERT_EQUAL(std::string("ls\n"), std::string(buf));
        CPPUNIT_ASSERT(out.empty());  // data is not acknowledged
        // a console that does not drain: the rest waits, finish is confirmed once it is written
        std::string big(1 << 20, 'x');
        CPPUNIT_ASSERT(s.onPacket(packet(MessageStatus::Continue, big), out));
        CPPUNIT_ASSERT(s.pending() > 0);
        CPPUNIT_ASSERT(s.events(0) & POLLOUT);
        CPPUNIT_ASSERT(s.onPacket(packet(MessageStatus::Ok), out));
        CPPUNIT_ASSERT(out.empty());
        CPPUNIT_ASSERT_EQUAL(short{POLLOUT}, s.events(0));  // finishing: no more reading
        size_t drained = 0;
        bool going = true;
        while (going) {
            char sink[65536];
            ssize_t n = ::read(console.b, sink, sizeof sink);
            CPPUNIT_ASSERT(n > 0);
            drained += static_cast<size_t>(n);
            going = s.onReady(POLLOUT, out);
        }
        for (char sink[65536]; drained < big.size();) {
            ssize_t n = ::read(console.b, sink, sizeof sink);
            CPPUNIT_ASSERT(n > 0);
            drained += static_cast<size_t>(n);
        }
        CPPUNIT_ASSERT_EQUAL(big.size(), drained);
        auto got = messagesOf(out);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, got.size());
        CPPUNIT_ASSERT(got[0].header.status == MessageStatus::Ok);
        CPPUNIT_ASSERT(got[0].body.empty());
    }

    void theConsolesEndIsAnEmptyContinue() {
        Pair console;
        Stream s(kCall, OwnedFd(::dup(console.a)));
        ::close(console.b);
        console.b = -1;
        Outbox out;
        CPPUNIT_ASSERT(s.onReady(POLLIN | POLLHUP, out));
        CPPUNIT_ASSERT_EQUAL(short{0}, s.events(0));  // ended: left out of the poll set
        CPPUNIT_ASSERT(!s.onPacket(packet(MessageStatus::Ok), out));  // the client finishes
        auto got = messagesOf(out);
        CPPUNIT_ASSERT_EQUAL(size_t{2}, got.size());
        CPPUNIT_ASSERT(got[0].header.status == MessageStatus::Continue && got[0].body.empty());
        CPPUNIT_ASSERT(got[1].header.status == MessageStatus::Ok && got[1].body.empty());
    }

    void abortIsConfirmedAndDropsWhatWaits() {
        Pair console;
        Stream s(kCall, OwnedFd(::dup(console.a)));
        Outbox out;
        CPPUNIT_ASSERT(s.onPacket(packet(MessageStatus::Continue, std::string(4 << 20, 'y')), out));
        CPPUNIT_ASSERT(s.pending() > 0);
        CPPUNIT_ASSERT(!s.onPacket(packet(MessageStatus::Error), out));
        CPPUNIT_ASSERT_EQUAL(size_t{0}, s.pending());
        auto got = messagesOf(out);
        CPPUNIT_ASSERT_EQUAL(size_t{1}, got.size());
        CPPUNIT_ASSERT(got[0].header.status == MessageStatus::Ok);
    }

    void aClientThatDoesNotReadStopsTheReading() {
        Pair console;
        Stream s(kCall, OwnedFd(::dup(console.a)));
        CPPUNIT_ASSERT_EQUAL(short{POLLIN}, s.events(Stream::kClientQueueMax - 1));
        CPPUNIT_ASSERT_EQUAL(short{0}, s.events(Stream::kClientQueueMax));
        // one chunk at a time however much the console has
        std::string flood(3 * Stream::kChunk, 'z');
        ::fcntl(console.b, F_SETFL, O_NONBLOCK);
        CPPUNIT_ASSERT(::write(console.b, flood.data(), flood.size()) > ssize_t(Stream::kChunk));
        Outbox out;
        CPPUNIT_ASSERT(s.onReady(POLLIN, out));
        CPPUNIT_ASSERT(out.size() <= Stream::kChunk + 64);
    }

    void aHoleIsRefused() {
        Pair console;
        Stream s(kCall, OwnedFd(::dup(console.a)));
        Message hole = packet(MessageStatus::Continue);
        hole.header.type = MessageType::StreamHole;
        Outbox out;
        CPPUNIT_ASSERT_THROW(s.onPacket(hole, out), Error);
    }

    void descriptorsRideOnTheirOwnBytes() {
        Pair client;
        Outbox out;
        out.add("head");
        int pipeFds[2];
        CPPUNIT_ASSERT(::pipe2(pipeFds, O_CLOEXEC) == 0);
        out.addFd(OwnedFd(pipeFds[0]));
        out.addFd(OwnedFd(::dup(pipeFds[1])));
        out.add("tail");
        CPPUNIT_ASSERT(out.flush(client.a));
        CPPUNIT_ASSERT(out.empty());
        // as libvirt's client reads: the message, then one byte and its descriptor each
        char head[4];
        CPPUNIT_ASSERT_EQUAL(ssize_t{4}, ::read(client.b, head, 4));
        CPPUNIT_ASSERT_EQUAL(std::string("head"), std::string(head, 4));
        std::vector<int> got;
        for (int i = 0; i < 2; ++i) {
            char byte = 1;
            iovec iov{&byte, 1};
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            CPPUNIT_ASSERT_EQUAL(ssize_t{1}, ::recvmsg(client.b, &msg, MSG_CMSG_CLOEXEC));
            CPPUNIT_ASSERT_EQUAL('\0', byte);
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            CPPUNIT_ASSERT(c && c->cmsg_type == SCM_RIGHTS);
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
            got.push_back(fd);
        }
        char tail[4];
        CPPUNIT_ASSERT_EQUAL(ssize_t{4}, ::read(client.b, tail, 4));
        CPPUNIT_ASSERT_EQUAL(std::string("tail"), std::string(tail, 4));
        // they are the pipe's two ends, in order
        CPPUNIT_ASSERT_EQUAL(ssize_t{2}, ::write(got[1], "ok", 2));
        char two[2];
        CPPUNIT_ASSERT_EQUAL(ssize_t{2}, ::read(got[0], two, 2));
        for (int fd : got)
            ::close(fd);
        ::close(pipeFds[1]);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(StreamTest);
