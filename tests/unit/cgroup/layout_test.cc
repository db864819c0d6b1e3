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
    void thisHost() {
        HostLayout l = detectHost();  // reads /proc: must not throw on any supported host
        CPPUNIT_ASSERT(!l.hierarchies.empty());
        CPPUNIT_ASSERT(l.forController("memory") != nullptr);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(LayoutTest);
