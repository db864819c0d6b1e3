// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's RPC wire format: XDR values, whole messages, the framer over a byte stream, and
// error bodies — byte for byte as libvirt's own encoder writes them, and every malformed
// input refused with a reason rather than read past its end.
#include <cppunit/extensions/HelperMacros.h>

#include "cvirt/error.h"
#include "rpc/message.h"
#include "unit/rpc/hex.h"

using namespace cvirt;
using namespace cvirt::rpc;

using namespace cvirt::rpc::testing;

class MessageTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(MessageTest);
    CPPUNIT_TEST(xdrValuesAreBigEndianAndPadded);
    CPPUNIT_TEST(xdrReaderRefusesShortAndOversize);
    CPPUNIT_TEST(messageRoundTrip);
    CPPUNIT_TEST(connectOpenCallAsVirshSendsIt);
    CPPUNIT_TEST(messageWithFds);
    CPPUNIT_TEST(decodeRefusesLiesAndUnknowns);
    CPPUNIT_TEST(framerCutsAStream);
    CPPUNIT_TEST(framerRefusesBadLengthAtOnce);
    CPPUNIT_TEST(framerDiscardsTheBytesFdsRideOn);
    CPPUNIT_TEST(errorBodyRoundTrip);
    CPPUNIT_TEST_SUITE_END();

public:
    void xdrValuesAreBigEndianAndPadded() {
        XdrWriter w;
        w.u32(0x01020304);
        w.i32(-2);
        w.u64(0x0102030405060708ull);
        w.boolean(true);
        w.string("abcde");
        w.optionalString(std::nullopt);
        w.optionalString(std::string("xy"));
        CPPUNIT_ASSERT_EQUAL(std::string("01020304"
                                         "fffffffe"
                                         "0102030405060708"
                                         "00000001"
                                         "00000005"
                                         "6162636465000000"
                                         "00000000"
                                         "00000001"
                                         "00000002"
                                         "78790000"),
                             hex(w.bytes()));
        XdrReader r(w.bytes());
        CPPUNIT_ASSERT_EQUAL(0x01020304u, r.u32("a"));
        CPPUNIT_ASSERT_EQUAL(-2, r.i32("b"));
        CPPUNIT_ASSERT_EQUAL(0x0102030405060708ull, static_cast<unsigned long long>(r.u64("c")));
        CPPUNIT_ASSERT(r.boolean("d"));
        CPPUNIT_ASSERT_EQUAL(std::string("abcde"), r.string("e"));
        CPPUNIT_ASSERT(!r.optionalString("f"));
        CPPUNIT_ASSERT_EQUAL(std::string("xy"), *r.optionalString("g"));
        CPPUNIT_ASSERT(r.atEnd());
    }

    void xdrReaderRefusesShortAndOversize() {
        auto refused = [](std::string bytes, auto read, const std::string& says) {
            XdrReader r(bytes);
            try {
                read(r);
            } catch (const Error& e) {
                CPPUNIT_ASSERT_MESSAGE(e.what(),
                                       std::string(e.what()).find(says) != std::string::npos);
                return;
            }
            CPPUNIT_FAIL("accepted: " + says);
        };
        refused(
            std::string("\0\0\0", 3), [](XdrReader& r) { r.u32("proc"); },
            "proc: needs 4 bytes, 3 left");
        // a string whose length runs past the end, and one past its bound
        refused(
            std::string("\0\0\0\x08"
                        "abcd",
                        8),
            [](XdrReader& r) { r.string("name"); }, "name: needs 8 bytes, 4 left");
        refused(
            std::string("\0\0\0\x09", 4) + std::string(12, 'a'),
            [](XdrReader& r) { r.opaque(8, "key"); }, "key: length 9 exceeds 8");
        refused(
            std::string("\0\0\0\x02", 4), [](XdrReader& r) { r.boolean("flag"); },
            "flag: boolean 2 is neither 0 nor 1");
        // a count that promises more elements than bytes could hold
        refused(
            std::string("\0\0\x10\0", 4) + std::string(8, '\0'),
            [](XdrReader& r) { r.count(100000, "names"); },
            "names: count 4096 exceeds the bytes left");
        refused(
            std::string("\0\0\0\x05", 4) + std::string(40, '\0'),
            [](XdrReader& r) { r.count(4, "ids"); }, "ids: count 5 exceeds 4");
    }

    void messageRoundTrip() {
        Header h{.program = 0x20008086,
                 .version = 1,
                 .procedure = 66,
                 .type = MessageType::Reply,
                 .serial = 7,
                 .status = MessageStatus::Ok};
        std::string bytes = encodeMessage(h, "BODY");
        CPPUNIT_ASSERT_EQUAL(size_t{4 + 24 + 4}, bytes.size());
        Message m = decodeMessage(bytes);
        CPPUNIT_ASSERT(m.header == h);
        CPPUNIT_ASSERT_EQUAL(std::string("BODY"), m.body);
    }

    // What virsh sends first: REMOTE_PROC_CONNECT_OPEN (1), serial 0, name "lxc:///system",
    // flags 0 — the bytes written out by hand from remote_protocol.x.
    void connectOpenCallAsVirshSendsIt() {
        XdrWriter args;
        args.optionalString(std::string("lxc:///system"));
        args.u32(0);
        std::string bytes = encodeMessage(
            {.program = 0x20008086, .version = 1, .procedure = 1, .type = MessageType::Call},
            args.bytes());
        CPPUNIT_ASSERT_EQUAL(std::string("00000038"  // 56: 4 + 24 + 4 + 4 + 16 + 4
                                         "20008086"
                                         "00000001"
                                         "00000001"
                                         "00000000"
                                         "00000000"
                                         "00000000"
                                         "00000001"
                                         "0000000d"
                                         "6c78633a2f2f2f73797374656d000000"
                                         "00000000"),
                             hex(bytes));
    }

    void messageWithFds() {
        Header h{.program = 0x00068000,
                 .version = 1,
                 .procedure = 4,
                 .type = MessageType::ReplyWithFds,
                 .serial = 3};
        Message m = decodeMessage(encodeMessage(h, "", 3));
        CPPUNIT_ASSERT_EQUAL(3u, m.fdCount);
        CPPUNIT_ASSERT(m.body.empty());
        std::string tooMany = encodeMessage(h, "", kFdsMax + 1);
        CPPUNIT_ASSERT_THROW(decodeMessage(tooMany), Error);
    }

    void decodeRefusesLiesAndUnknowns() {
        std::string ok = encodeMessage({.program = 1, .version = 1, .procedure = 1}, "abcd");
        std::string lying = ok;
        lying[3] = 40;  // says 40, has 32
        CPPUNIT_ASSERT_THROW(decodeMessage(lying), Error);
        std::string badType = ok;
        badType[4 + 12 + 3] = 9;
        CPPUNIT_ASSERT_THROW(decodeMessage(badType), Error);
        std::string badStatus = ok;
        badStatus[4 + 20 + 3] = 3;
        CPPUNIT_ASSERT_THROW(decodeMessage(badStatus), Error);
        CPPUNIT_ASSERT_THROW(decodeMessage(ok.substr(0, 20)), Error);
    }

    void framerCutsAStream() {
        std::string a =
            encodeMessage({.program = 1, .version = 1, .procedure = 1, .serial = 1}, "first");
        std::string b =
            encodeMessage({.program = 1, .version = 1, .procedure = 2, .serial = 2}, "");
        std::string stream = a + b;
        MessageFramer f;
        CPPUNIT_ASSERT_EQUAL(size_t{4}, f.wanted());
        // one byte at a time: nothing until a whole message is in
        size_t taken = 0;
        std::vector<Message> got;
        for (char c : stream) {
            f.add(std::string_view(&c, 1));
            ++taken;
            while (auto m = f.next())
                got.push_back(std::move(*m));
            if (taken == a.size()) CPPUNIT_ASSERT_EQUAL(size_t{1}, got.size());
        }
        CPPUNIT_ASSERT_EQUAL(size_t{2}, got.size());
        CPPUNIT_ASSERT_EQUAL(std::string("first"), got[0].body);
        CPPUNIT_ASSERT_EQUAL(2, got[1].header.procedure);
        CPPUNIT_ASSERT_EQUAL(size_t{0}, f.buffered());
        // wanted() reads no further than the message under way
        MessageFramer g;
        g.add(a.substr(0, 10));
        CPPUNIT_ASSERT_EQUAL(a.size() - 10, g.wanted());
    }

    // A call with 2 descriptors is followed by their 2 carrier bytes: discarded whether they
    // are buffered already, arrive later, or some of each.
    void framerDiscardsTheBytesFdsRideOn() {
        std::string call = encodeMessage(
            {.program = 1, .version = 1, .procedure = 7, .type = MessageType::CallWithFds}, "", 2);
        std::string next = encodeMessage({.program = 1, .version = 1, .procedure = 8}, "");
        for (size_t split = 0; split <= 2; ++split) {
            std::string all = call + std::string(2, '\0') + next;
            MessageFramer f;
            f.add(all.substr(0, call.size() + split));
            auto m = f.next();
            CPPUNIT_ASSERT(m && m->fdCount == 2);
            f.discard(m->fdCount);
            f.add(all.substr(call.size() + split));
            m = f.next();
            CPPUNIT_ASSERT(m);
            CPPUNIT_ASSERT_EQUAL(8, m->header.procedure);
            CPPUNIT_ASSERT_EQUAL(size_t{0}, f.buffered());
        }
    }

    void framerRefusesBadLengthAtOnce() {
        MessageFramer small;
        small.add(std::string("\0\0\0\x1b", 4));  // 27: shorter than a header
        CPPUNIT_ASSERT_THROW(small.next(), Error);
        MessageFramer huge;
        huge.add(std::string("\x7f\xff\xff\xff", 4));  // 2 GiB announced: refused, not awaited
        CPPUNIT_ASSERT_THROW(huge.next(), Error);
        CPPUNIT_ASSERT_THROW(huge.wanted(), Error);
    }

    void errorBodyRoundTrip() {
        RemoteError e{.code = 42,
                      .domain = 10,
                      .message = std::string("Domain not found: no domain with matching name 'x'"),
                      .str1 = std::string("Domain not found"),
                      .str2 = std::string("x")};
        XdrWriter w;
        encodeError(w, e);
        XdrReader r(w.bytes());
        CPPUNIT_ASSERT(decodeError(r) == e);
        CPPUNIT_ASSERT(r.atEnd());
        // a peer may fill the unused domain and network objects: skipped
        XdrWriter full;
        full.i32(1);
        full.i32(0);
        full.optionalString(std::nullopt);
        full.i32(2);
        full.boolean(true);
        full.string("web");
        uint8_t uuid[16] = {};
        full.fixedOpaque(uuid);
        full.i32(3);
        full.optionalString(std::nullopt);
        full.optionalString(std::nullopt);
        full.optionalString(std::nullopt);
        full.i32(0);
        full.i32(0);
        full.boolean(true);
        full.string("default");
        full.fixedOpaque(uuid);
        XdrReader fr(full.bytes());
        decodeError(fr);
        CPPUNIT_ASSERT(fr.atEnd());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(MessageTest);
