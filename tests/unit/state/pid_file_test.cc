// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>

#include "state/pid_file.h"

using namespace cvirt::state;

class PidFileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(PidFileTest);
    CPPUNIT_TEST(roundTrip);
    CPPUNIT_TEST(withId);
    CPPUNIT_TEST(withoutStartTimes);
    CPPUNIT_TEST(empty);
    CPPUNIT_TEST_SUITE_END();

public:
    void roundTrip() {
        PidFile f{{4242, 1234567}, {4250, 1234570}};
        std::string text = formatPidFile(f);
        CPPUNIT_ASSERT_EQUAL(std::string("4242 4250\n1234567 1234570\n"), text);
        auto back = parsePidFile(text);
        CPPUNIT_ASSERT(back && back->controller == f.controller && back->guest == f.guest);
    }
    void withId() {
        PidFile f{{4242, 1234567}, {4250, 1234570}, 17};
        std::string text = formatPidFile(f);
        CPPUNIT_ASSERT_EQUAL(std::string("4242 4250\n1234567 1234570\n17\n"), text);
        auto back = parsePidFile(text);
        CPPUNIT_ASSERT(back && back->controller == f.controller && back->guest == f.guest);
        CPPUNIT_ASSERT_EQUAL(17, back->id);
        // without the third line (an older controller): no id, the live XML has it
        CPPUNIT_ASSERT_EQUAL(0, parsePidFile("4242 4250\n1234567 1234570\n")->id);
    }
    // A file from a controller before start times: the pids alone.
    void withoutStartTimes() {
        auto f = parsePidFile("12 34\n");
        CPPUNIT_ASSERT(f);
        CPPUNIT_ASSERT_EQUAL(12, int(f->controller.pid));
        CPPUNIT_ASSERT_EQUAL(34, int(f->guest.pid));
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), f->controller.startTime);
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), f->guest.startTime);
    }
    void empty() {
        CPPUNIT_ASSERT(!parsePidFile(""));
        CPPUNIT_ASSERT(!parsePidFile("\n"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PidFileTest);
