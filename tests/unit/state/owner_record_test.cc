// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>

#include "state/owner_record.h"

using namespace cvirt::state;

class OwnerRecordTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OwnerRecordTest);
    CPPUNIT_TEST(roundTrip);
    CPPUNIT_TEST(controllerOnly);
    CPPUNIT_TEST(anOlderRecordIsRead);
    CPPUNIT_TEST(unknownKeysAndTornLinesAreSkipped);
    CPPUNIT_TEST_SUITE_END();

public:
    void roundTrip() {
        OwnerRecord r{.controller = 4242,
                      .controllerStart = 987654,
                      .cgroupPartition = "/machine/tenant a",
                      .cgroupLeaf = "web.cvirt-lxc-0badf00d",
                      .links = {"cvt3-0", "vethweb"}};
        std::string text = formatOwnerRecord(r);
        CPPUNIT_ASSERT_EQUAL(
            std::string("controller 4242 987654\ncgroup-partition /machine/tenant a\n"
                        "cgroup-leaf web.cvirt-lxc-0badf00d\nlink cvt3-0\n"
                        "link vethweb\n"),
            text);
        CPPUNIT_ASSERT(parseOwnerRecord(text) == r);
    }
    // Records written before the per-domain process had one name said "supervisor".
    void anOlderRecordIsRead() {
        OwnerRecord r = parseOwnerRecord("supervisor 12 345\nlink cvt1-0\n");
        CPPUNIT_ASSERT_EQUAL(12, int(r.controller));
        CPPUNIT_ASSERT_EQUAL(uint64_t(345), r.controllerStart);
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.links.size());
    }
    void controllerOnly() {
        OwnerRecord r{.controller = 7};
        CPPUNIT_ASSERT_EQUAL(std::string("controller 7\n"), formatOwnerRecord(r));
        CPPUNIT_ASSERT(parseOwnerRecord(formatOwnerRecord(r)) == r);
    }
    void unknownKeysAndTornLinesAreSkipped() {
        OwnerRecord r = parseOwnerRecord("controller 9\nfuture thing\nnokey\nlink \nlink cvt1-0");
        CPPUNIT_ASSERT_EQUAL(9, int(r.controller));
        CPPUNIT_ASSERT_EQUAL(size_t(1), r.links.size());
        CPPUNIT_ASSERT_EQUAL(std::string("cvt1-0"), r.links[0]);
        CPPUNIT_ASSERT(r.cgroupLeaf.empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(OwnerRecordTest);
