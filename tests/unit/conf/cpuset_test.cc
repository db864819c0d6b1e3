// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's cpuset syntax to the kernel's list format.
#include <cppunit/extensions/HelperMacros.h>

#include "conf/cpuset.h"
#include "cvirt/error.h"

using namespace cvirt;
using namespace cvirt::conf;

class CpusetTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CpusetTest);
    CPPUNIT_TEST(plainListsStay);
    CPPUNIT_TEST(exclusionsAreExpanded);
    CPPUNIT_TEST(badTextIsRefused);
    CPPUNIT_TEST_SUITE_END();

    void plainListsStay() {
        CPPUNIT_ASSERT_EQUAL(std::string("0"), kernelCpuList("0", "cpuset"));
        CPPUNIT_ASSERT_EQUAL(std::string("0-3,5"), kernelCpuList("0-3,5", "cpuset"));
        CPPUNIT_ASSERT_EQUAL(std::string("0-2"), kernelCpuList("2,0,1", "cpuset"));
    }
    void exclusionsAreExpanded() {
        CPPUNIT_ASSERT_EQUAL(std::string("0-1,3"), kernelCpuList("0-3,^2", "cpuset"));
        // applied left to right, like libvirt: a later range selects again
        CPPUNIT_ASSERT_EQUAL(std::string("0-3"), kernelCpuList("^0,0-3", "cpuset"));
        CPPUNIT_ASSERT_EQUAL(std::string("1-3"), kernelCpuList("0-3,^0", "cpuset"));
    }
    void badTextIsRefused() {
        for (const char* bad : {"", ",", "0,", "3-1", "a", "0-", "^", "0-3,^1-2", "99999",
                                "18446744073709551617", "0,^0"})
            CPPUNIT_ASSERT_MESSAGE(bad, !parseCpuset(bad));
        try {
            kernelCpuList("3-1", "cpuset");
            CPPUNIT_FAIL("no error");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("invalid cpuset '3-1'"), std::string(e.what()));
        }
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CpusetTest);
