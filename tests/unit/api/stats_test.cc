// SPDX-License-Identifier: GPL-3.0-or-later
// Domain::info and Domain::stats (driver/api/connection.cc, stats.cc) against the fake
// backend: a running domain's figures come from Backend::usage, a stopped one's from its
// definition, without the backend.
#include "api_fixture.h"

using namespace cvirt;
using namespace cvirt::fake;

class StatsTest : public ApiFixture {
    CPPUNIT_TEST_SUITE(StatsTest);
    CPPUNIT_TEST(infoOfARunningDomainHasItsUsage);
    CPPUNIT_TEST(statsOfARunningDomainHaveEveryFigure);
    CPPUNIT_TEST(aStoppedDomainHasItsConfiguredValues);
    CPPUNIT_TEST_SUITE_END();

public:
    void infoOfARunningDomainHasItsUsage() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        host().usage.cpuNs = 123456789;
        host().usage.guestMemoryKiB = 40000;
        DomainInfo info = d.info();
        CPPUNIT_ASSERT_EQUAL(uint64_t(123456789), info.cpuTimeNs);
        CPPUNIT_ASSERT_EQUAL(uint64_t(40000), info.usedMemKiB);
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), info.maxMemKiB);
        CPPUNIT_ASSERT(info.summary.state == DomainState::Running);
        Call usage = onlyCall("usage");
        CPPUNIT_ASSERT(!usage.flag);  // UsageDetail::Summary
        CPPUNIT_ASSERT(usage.defs.at(0) == live("web"));
        // no figure of the guest's memory: the limit it runs with
        host().usage.guestMemoryKiB.reset();
        d.tune({.memoryKiB = 32768});
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), d.info().usedMemKiB);
    }

    void statsOfARunningDomainHaveEveryFigure() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        backend::Usage& u = host().usage;
        u.cpuNs = 300;
        u.cpuUserNs = 200;
        u.cpuSystemNs = 100;
        u.perCpuNs = {120, 180};
        u.residentKiB = 5000;
        u.swapUsedKiB = 7;
        u.pids = 3;
        u.pidsMax = 100;
        u.vcpusOnline = 1;
        u.balloonKiB = 30000;
        u.blocks = {{.name = "sda", .rdReqs = 4}};
        u.interfaces = {{.name = "vweb0", .rxBytes = 99}};
        DomainStats st = d.stats();
        CPPUNIT_ASSERT_EQUAL(uint64_t(300), st.cpuTimeNs);
        CPPUNIT_ASSERT_EQUAL(uint64_t(200), st.cpuUserNs);
        CPPUNIT_ASSERT_EQUAL(uint64_t(100), st.cpuSystemNs);
        CPPUNIT_ASSERT(st.perCpuNs == std::vector<uint64_t>({120, 180}));
        CPPUNIT_ASSERT_EQUAL(uint64_t(5000), st.usedMemoryKiB);
        CPPUNIT_ASSERT_EQUAL(uint64_t(7), st.swapUsedKiB);
        CPPUNIT_ASSERT_EQUAL(uint64_t(3), st.pids);
        CPPUNIT_ASSERT_EQUAL(uint64_t(100), st.pidsMax.value_or(0));
        CPPUNIT_ASSERT_EQUAL(1u, st.vcpuCurrent);
        CPPUNIT_ASSERT_EQUAL(uint64_t(30000), st.currentMemoryKiB);  // the balloon
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), st.maxMemoryKiB);
        CPPUNIT_ASSERT_EQUAL(size_t(1), st.blocks.size());
        CPPUNIT_ASSERT_EQUAL(uint64_t(4), st.blocks[0].rdReqs);
        CPPUNIT_ASSERT_EQUAL(std::string("vweb0"), st.interfaces.at(0).name);
        CPPUNIT_ASSERT_EQUAL(uint64_t(99), st.interfaces[0].rxBytes);
        CPPUNIT_ASSERT(st.summary.state == DomainState::Running);
        Call usage = onlyCall("usage");
        CPPUNIT_ASSERT(usage.flag);  // UsageDetail::Devices
        CPPUNIT_ASSERT(usage.defs.at(0) == live("web"));
    }

    void aStoppedDomainHasItsConfiguredValues() {
        Connection c = open();
        Domain d = c.define(containerXml("web"), "web.xml");
        d.tune({.memoryKiB = 32768});
        host().usage.cpuNs = 300;
        DomainInfo info = d.info();
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), info.cpuTimeNs);
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), info.usedMemKiB);
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), info.maxMemKiB);
        CPPUNIT_ASSERT_EQUAL(1u, info.vcpus);
        DomainStats st = d.stats();
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), st.cpuTimeNs);
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), st.currentMemoryKiB);
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), st.maxMemoryKiB);
        CPPUNIT_ASSERT_EQUAL(1u, st.vcpuCurrent);
        CPPUNIT_ASSERT_EQUAL(1u, st.vcpuMaximum);
        CPPUNIT_ASSERT(st.summary.state == DomainState::Shutoff);
        CPPUNIT_ASSERT(host().callsFor("web").empty());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(StatsTest);
