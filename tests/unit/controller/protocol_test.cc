// SPDX-License-Identifier: GPL-3.0-or-later
// The error line a controller answers on its socket and its ready pipe: what goes in comes
// back out (code, errno, text), on one line, whatever the message holds.
#include <cppunit/extensions/HelperMacros.h>
#include <errno.h>

#include <cstring>

#include "controller/protocol.h"
#include "cvirt/error.h"

using namespace cvirt;
using namespace cvirt::controller;

namespace {

Error roundTrip(const Error& e) {
    std::string line = encodeError(e);
    CPPUNIT_ASSERT_MESSAGE(line, line.find('\n') == std::string::npos);
    auto back = decodeError(line);
    CPPUNIT_ASSERT_MESSAGE(line, back.has_value());
    return *back;
}

void assertSame(const Error& want, const Error& got) {
    CPPUNIT_ASSERT_EQUAL(static_cast<int>(want.code()), static_cast<int>(got.code()));
    CPPUNIT_ASSERT_EQUAL(want.sysErrno(), got.sysErrno());
    CPPUNIT_ASSERT_EQUAL(std::string(want.what()), std::string(got.what()));
}

}  // namespace

class ProtocolTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProtocolTest);
    CPPUNIT_TEST(everyCodeRoundTrips);
    CPPUNIT_TEST(errnoAndContextRoundTrip);
    CPPUNIT_TEST(newlinesAndBackslashesStayOnOneLine);
    CPPUNIT_TEST(errnoTextGoesOnce);
    CPPUNIT_TEST(failedExecLineIsTheSameLine);
    CPPUNIT_TEST(otherLinesAreNoErrors);
    CPPUNIT_TEST(olderAndOddLinesStillDecode);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyCodeRoundTrips() {
        for (int c = 0; c <= static_cast<int>(ErrorCode::HookFailed); ++c) {
            Error e(static_cast<ErrorCode>(c), "domain 'web' is not running");
            assertSame(e, roundTrip(e));
        }
        CPPUNIT_ASSERT_EQUAL(
            std::string("error 6 0 domain 'web' is not running"),
            encodeError(Error(ErrorCode::OperationInvalid, "domain 'web' is not running")));
    }

    void errnoAndContextRoundTrip() {
        Error e = Error(ErrorCode::SystemError, "cannot open '/sys/fs/cgroup/x'", ENOENT)
                      .withContext("container init");
        CPPUNIT_ASSERT_EQUAL(std::string("error 8 2 container init: cannot open "
                                         "'/sys/fs/cgroup/x'"),
                             encodeError(e));
        assertSame(e, roundTrip(e));
    }

    void newlinesAndBackslashesStayOnOneLine() {
        Error e(ErrorCode::HookFailed, "hook 'qemu' failed:\nline one\\n\nC:\\dir\\\n");
        assertSame(e, roundTrip(e));
        Error empty(ErrorCode::Internal, "");
        assertSame(empty, roundTrip(empty));
    }

    // The errno's text goes once, as the errno; a message that only reads like one (no errno)
    // goes as text.
    void errnoTextGoesOnce() {
        CPPUNIT_ASSERT_EQUAL(std::string("error 8 1 x"),
                             encodeError(Error(ErrorCode::SystemError, "x", EPERM)));
        Error plain(ErrorCode::OperationFailed, std::string("qemu said: ") + std::strerror(EIO));
        Error got = roundTrip(plain);
        CPPUNIT_ASSERT_EQUAL(0, got.sysErrno());
        CPPUNIT_ASSERT_EQUAL(std::string(plain.what()), std::string(got.what()));
    }

    // What a child between fork and exec writes is encodeError of the same SystemError.
    void failedExecLineIsTheSameLine() {
        ErrnoErrorLine l = errnoErrorLine("cannot execute the controller '/no/such'");
        Error e(ErrorCode::SystemError, "cannot execute the controller '/no/such'", ENOENT);
        CPPUNIT_ASSERT_EQUAL(encodeError(e), l.head + std::to_string(ENOENT) + l.tail);
        CPPUNIT_ASSERT_EQUAL(
            std::string("cannot execute the controller '/no/such': ") + std::strerror(ENOENT),
            std::string(roundTrip(e).what()));
    }

    void otherLinesAreNoErrors() {
        for (const char* line : {"ok", "ok 4242", "", "{\"return\": {}}", "errors", "error"})
            CPPUNIT_ASSERT_MESSAGE(line, !decodeError(line));
    }

    // A controller started by an older cvirt answers "error MESSAGE"; an unknown code is
    // Internal.
    void olderAndOddLinesStillDecode() {
        auto old = decodeError("error unknown request 'frob'");
        CPPUNIT_ASSERT(old);
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(ErrorCode::OperationFailed),
                             static_cast<int>(old->code()));
        CPPUNIT_ASSERT_EQUAL(std::string("unknown request 'frob'"), std::string(old->what()));
        auto future = decodeError("error 99 0 something new");
        CPPUNIT_ASSERT(future);
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(ErrorCode::Internal),
                             static_cast<int>(future->code()));
        CPPUNIT_ASSERT_EQUAL(std::string("something new"), std::string(future->what()));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProtocolTest);
