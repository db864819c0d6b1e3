// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>

#include "util/uuid.h"

using namespace cvirt::util;

class UuidTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UuidTest);
    CPPUNIT_TEST(roundTrip);
    CPPUNIT_TEST(acceptsUndashed);
    CPPUNIT_TEST(rejectsBad);
    CPPUNIT_TEST(randomIsVersion4);
    CPPUNIT_TEST_SUITE_END();

    void roundTrip() {
        auto u = parseUuid("c7a5fdbd-edaf-9455-926a-d65c16db1809");
        CPPUNIT_ASSERT(u);
        CPPUNIT_ASSERT_EQUAL(std::string("c7a5fdbd-edaf-9455-926a-d65c16db1809"), formatUuid(*u));
    }
    void acceptsUndashed() {
        auto u = parseUuid("C7A5FDBDEDAF9455926AD65C16DB1809");
        CPPUNIT_ASSERT(u);
        CPPUNIT_ASSERT_EQUAL(std::string("c7a5fdbd-edaf-9455-926a-d65c16db1809"), formatUuid(*u));
    }
    void rejectsBad() {
        CPPUNIT_ASSERT(!parseUuid("c7a5fdbd-edaf-9455-926a-d65c16db180"));
        CPPUNIT_ASSERT(!parseUuid("c7a5fdbd-edaf-9455-926a-d65c16db18099"));
        CPPUNIT_ASSERT(!parseUuid("g7a5fdbd-edaf-9455-926a-d65c16db1809"));
        CPPUNIT_ASSERT(!parseUuid(""));
    }
    void randomIsVersion4() {
        auto a = randomUuid(), b = randomUuid();
        CPPUNIT_ASSERT(a != b);
        CPPUNIT_ASSERT_EQUAL(0x40, a[6] & 0xf0);
        CPPUNIT_ASSERT_EQUAL(0x80, a[8] & 0xc0);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(UuidTest);
