// SPDX-License-Identifier: GPL-3.0-or-later
// The texts a container reads in /proc/meminfo, cpuinfo, stat and uptime, from the host's and
// the container's counters (lxc/controller/proc_views.h).
#include <cppunit/extensions/HelperMacros.h>

#include "lxc/controller/proc_views.h"

using namespace cvirt::lxc;

namespace {

const char* const kHostMeminfo =
    "MemTotal:       16000000 kB\n"
    "MemFree:         8000000 kB\n"
    "MemAvailable:   12000000 kB\n"
    "Buffers:          100000 kB\n"
    "Cached:          3000000 kB\n"
    "SwapTotal:       2000000 kB\n"
    "SwapFree:        2000000 kB\n"
    "Hugepagesize:       2048 kB\n";

const char* const kHostCpuinfo =
    "processor\t: 0\nmodel name\t: A\n\n"
    "processor\t: 1\nmodel name\t: B\n\n"
    "processor\t: 2\nmodel name\t: C\n\n";

const char* const kHostStat =
    "cpu  6 0 6 0 0 0 0 0 0 0\n"
    "cpu0 1 0 1 0 0 0 0 0 0 0\n"
    "cpu1 2 0 2 0 0 0 0 0 0 0\n"
    "cpu2 3 0 3 0 0 0 0 0 0 0\n"
    "intr 5\n"
    "btime 100\n";

}  // namespace

class ProcViewsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProcViewsTest);
    CPPUNIT_TEST(meminfoShowsTheLimit);
    CPPUNIT_TEST(meminfoWithoutLimitKeepsHostTotal);
    CPPUNIT_TEST(cpusCutByQuota);
    CPPUNIT_TEST(cpuinfoKeepsAllowedCpusRenumbered);
    CPPUNIT_TEST(statSumsAllowedCpus);
    CPPUNIT_TEST(uptimeIdle);
    CPPUNIT_TEST(sysinfoShowsTheLimit);
    CPPUNIT_TEST_SUITE_END();

public:
    void meminfoShowsTheLimit() {
        MemoryCounters m;
        m.limit = 64ull << 20;
        m.usage = 4ull << 20;
        m.stat = {{"file", 1ull << 20}, {"active_file", 512 << 10}, {"inactive_file", 512 << 10}};
        m.swapLimit = 32ull << 20;
        m.swapUsage = 1ull << 20;
        CPPUNIT_ASSERT_EQUAL(std::string("MemTotal:          65536 kB\n"
                                         "MemFree:           61440 kB\n"
                                         "MemAvailable:      62464 kB\n"
                                         "Buffers:               0 kB\n"
                                         "Cached:             1024 kB\n"
                                         "SwapTotal:         32768 kB\n"
                                         "SwapFree:          31744 kB\n"
                                         "Hugepagesize:       2048 kB\n"),
                             meminfoView(kHostMeminfo, m));
    }

    void meminfoWithoutLimitKeepsHostTotal() {
        MemoryCounters m;
        m.usage = 1000ull << 10;
        std::string v = meminfoView(kHostMeminfo, m);
        CPPUNIT_ASSERT(v.find("MemTotal:       16000000 kB\n") == 0);
        CPPUNIT_ASSERT(v.find("MemFree:        15999000 kB\n") != std::string::npos);
        // swap not accounted: the host's lines
        CPPUNIT_ASSERT(v.find("SwapFree:        2000000 kB\n") != std::string::npos);
    }

    void cpusCutByQuota() {
        std::vector<unsigned> set{1, 2, 5};
        CPPUNIT_ASSERT(visibleCpus(set, std::nullopt, 100000) == set);
        CPPUNIT_ASSERT((visibleCpus(set, 150000, 100000) == std::vector<unsigned>{1, 2}));
        CPPUNIT_ASSERT((visibleCpus(set, 1000, 100000) == std::vector<unsigned>{1}));
        CPPUNIT_ASSERT(visibleCpus(set, 900000, 100000) == set);
    }

    void cpuinfoKeepsAllowedCpusRenumbered() {
        CPPUNIT_ASSERT_EQUAL(std::string("processor\t: 0\nmodel name\t: B\n\n"
                                         "processor\t: 1\nmodel name\t: C\n\n"),
                             cpuinfoView(kHostCpuinfo, {1, 2}));
    }

    void statSumsAllowedCpus() {
        CPPUNIT_ASSERT_EQUAL(std::string("cpu  4 0 4 0 0 0 0 0 0 0\n"
                                         "cpu0 1 0 1 0 0 0 0 0 0 0\n"
                                         "cpu1 3 0 3 0 0 0 0 0 0 0\n"
                                         "intr 5\nbtime 100\n"),
                             statView(kHostStat, {0, 2}));
    }

    void uptimeIdle() {
        CPPUNIT_ASSERT_EQUAL(std::string("10.00 19.50\n"), uptimeView(10, 0.5, 2));
        CPPUNIT_ASSERT_EQUAL(std::string("1.00 0.00\n"), uptimeView(1, 5, 1));
    }

    void sysinfoShowsTheLimit() {
        struct sysinfo host {};
        host.totalram = 16000;
        host.freeram = 8000;
        host.bufferram = 100;
        host.totalswap = 4000;
        host.freeswap = 4000;
        host.procs = 300;
        host.uptime = 99999;
        host.mem_unit = 1024;
        MemoryCounters m;
        m.limit = 4096 * 1024;
        m.usage = 1024 * 1024;
        m.stat = {{"shmem", 10 * 1024}};
        m.swapUsage = 1024 * 1024;
        struct sysinfo si = sysinfoView(host, m, 12.7, 3);
        CPPUNIT_ASSERT_EQUAL(4096ul, si.totalram);
        CPPUNIT_ASSERT_EQUAL(3072ul, si.freeram);
        CPPUNIT_ASSERT_EQUAL(10ul, si.sharedram);
        CPPUNIT_ASSERT_EQUAL(0ul, si.bufferram);
        CPPUNIT_ASSERT_EQUAL(4000ul, si.totalswap);  // no swap limit: the host's swap
        CPPUNIT_ASSERT_EQUAL(2976ul, si.freeswap);
        CPPUNIT_ASSERT_EQUAL(12l, si.uptime);
        CPPUNIT_ASSERT_EQUAL(static_cast<unsigned short>(3), si.procs);
        CPPUNIT_ASSERT_EQUAL(1024u, si.mem_unit);
        // above the host's memory: the host's
        m.limit = 1ull << 40;
        CPPUNIT_ASSERT_EQUAL(16000ul, sysinfoView(host, m, 1, 0).totalram);
        CPPUNIT_ASSERT_EQUAL(static_cast<unsigned short>(300), sysinfoView(host, m, 1, 0).procs);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ProcViewsTest);
