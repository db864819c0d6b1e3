// SPDX-License-Identifier: GPL-3.0-or-later
// Layout detection over recorded hosts: tests/data/cgroup/hosts/<host>.mountinfo, its
// unified cgroup.controllers (<host>.controllers) and the expected routing (<host>.expected).
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>

#include "cgroup/layout.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::cgroup;

class LayoutTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LayoutTest);
    CPPUNIT_TEST(recordedHosts);
    CPPUNIT_TEST(thisHost);
    CPPUNIT_TEST(cgroupOfAProcess);
    CPPUNIT_TEST_SUITE_END();

    static std::string describe(const HostLayout& l) {
        std::string out = "layout " + std::string(layoutName(l.layout)) + "\n";
        for (const char* c : {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio",
                              "pids", "hugetlb", "io"}) {
            const Hierarchy* h = l.forController(c);
            out += std::string(c) + " " +
                   (h ? h->mount.string() + (h->unified ? " v2" : " v1") : std::string("-")) + "\n";
        }
        return out;
    }

    void recordedHosts() {
        const std::vector<std::string> enabled = {"cpuset",     "cpu",      "cpuacct", "blkio",
                                                  "memory",     "devices",  "freezer", "net_cls",
                                                  "perf_event", "net_prio", "hugetlb", "pids"};
        auto dir = testenv::sourceDir() / "tests/data/cgroup/hosts";
        auto cases = testenv::filesIn(dir, ".mountinfo");
        CPPUNIT_ASSERT(cases.size() >= 3);
        for (const auto& mi : cases) {
            std::string base = mi.string().substr(0, mi.string().size() - 10);
            HostLayout l = parseLayout(testenv::readText(mi), enabled,
                                       testenv::readText(base + ".controllers"));
            std::string got = describe(l);
            if (std::getenv("CVIRT_TEST_REGENERATE")) std::ofstream(base + ".expected") << got;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(mi.filename().string(),
                                         testenv::readText(base + ".expected"), got);
        }
    }
    void cgroupOfAProcess() {
        const std::string_view proc =
            "13:pids:/machine/a\n"
            "6:cpu,cpuacct:/machine/b\n"
            "1:name=systemd:/user.slice\n"
            "0::/machine/c\n";
        Hierarchy pids{"/sys/fs/cgroup/pids", false, {"pids"}, ""};
        Hierarchy cpu{"/sys/fs/cgroup/cpu,cpuacct", false, {"cpuacct", "cpu"}, ""};
        Hierarchy cpuOnly{"/sys/fs/cgroup/cpu", false, {"cpu"}, ""};
        Hierarchy systemd{"/sys/fs/cgroup/systemd", false, {}, "systemd"};
        Hierarchy unified{"/sys/fs/cgroup/unified", true, {"hugetlb"}, ""};
        CPPUNIT_ASSERT_EQUAL(std::string("/machine/a"), cgroupIn(proc, pids));
        CPPUNIT_ASSERT_EQUAL(std::string("/machine/b"), cgroupIn(proc, cpu));  // either order
        CPPUNIT_ASSERT_EQUAL(std::string(), cgroupIn(proc, cpuOnly));  // not co-mounted here
        CPPUNIT_ASSERT_EQUAL(std::string("/user.slice"), cgroupIn(proc, systemd));
        CPPUNIT_ASSERT_EQUAL(std::string("/machine/c"), cgroupIn(proc, unified));
        CPPUNIT_ASSERT_EQUAL(std::string(), cgroupIn("0::/x", pids));
        CPPUNIT_ASSERT_EQUAL(std::string(), cgroupIn("garbage\n\n1:", unified));
    }
    void thisHost() {
        HostLayout l = detectHost();  // reads /proc: must not throw on any supported host
        CPPUNIT_ASSERT(!l.hierarchies.empty());
        CPPUNIT_ASSERT(l.forController("memory") != nullptr);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(LayoutTest);
