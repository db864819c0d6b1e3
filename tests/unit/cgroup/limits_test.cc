// SPDX-License-Identifier: GPL-3.0-or-later
// The XML → cgroup mapping, v1 and v2, without touching the kernel.
#include <cppunit/extensions/HelperMacros.h>

#include "cgroup/limits.h"

using namespace cvirt;
using namespace cvirt::cgroup;

namespace {
std::string fakeDevice(const std::string& path) {
    return path == "/dev/sda" ? "8:0" : "?";
}
std::string text(const std::vector<Write>& plan) {
    std::string s;
    for (const auto& w : plan)
        s += w.controller + " " + w.file + " " + w.value + "\n";
    return s;
}
}  // namespace

class LimitsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LimitsTest);
    CPPUNIT_TEST(fullMapping);
    CPPUNIT_TEST(memoryOnly);
    CPPUNIT_TEST(sharesToWeightMatchesLibvirt);
    CPPUNIT_TEST(currentMemoryAndHardLimit);
    CPPUNIT_TEST(cpusetExclusionsExpanded);
    CPPUNIT_TEST(pidsFromTheExtension);
    CPPUNIT_TEST(changeWritesOnlyWhatMoved);
    CPPUNIT_TEST(changeResetsWhatWasDropped);
    CPPUNIT_TEST_SUITE_END();

    conf::DomainDef full() {
        conf::DomainDef d;
        d.memory.kib = 262144;
        d.memtune.hardLimitKiB = 131072;
        d.memtune.softLimitKiB = 65536;
        d.memtune.swapHardLimitKiB = 262144;
        d.cputune.shares = 1024;
        d.cputune.period = 100000;
        d.cputune.quota = 50000;
        d.vcpu.cpuset = "0-1";
        d.numatune.nodeset = "0";
        d.blkiotune.weight = 500;
        conf::BlkioDevice dev;
        dev.path = "/dev/sda";
        dev.readBytesSec = 1048576;
        dev.writeIopsSec = 100;
        d.blkiotune.devices.push_back(dev);
        return d;
    }

    void fullMapping() {
        Limits l = limitsFor(full(), fakeDevice);
        CPPUNIT_ASSERT_EQUAL(std::string("cpuset cpuset.cpus 0-1\n"
                                         "cpuset cpuset.mems 0\n"
                                         "memory memory.limit_in_bytes 134217728\n"
                                         "memory memory.soft_limit_in_bytes 67108864\n"
                                         "memory memory.memsw.limit_in_bytes 268435456\n"
                                         "cpu cpu.shares 1024\n"
                                         "cpu cpu.cfs_period_us 100000\n"
                                         "cpu cpu.cfs_quota_us 50000\n"
                                         "blkio blkio.weight 500\n"
                                         "blkio blkio.throttle.read_bps_device 8:0 1048576\n"
                                         "blkio blkio.throttle.write_iops_device 8:0 100\n"),
                             text(planV1(l)));
        CPPUNIT_ASSERT_EQUAL(std::string("cpuset cpuset.cpus 0-1\n"
                                         "cpuset cpuset.mems 0\n"
                                         "memory memory.max 134217728\n"
                                         "memory memory.high 67108864\n"
                                         "memory memory.swap.max 134217728\n"
                                         "cpu cpu.weight 39\n"
                                         "cpu cpu.max 50000 100000\n"
                                         "io io.weight default 500\n"
                                         "io io.max 8:0 rbps=1048576 wiops=100\n"),
                             text(planV2(l)));
    }
    void memoryOnly() {
        conf::DomainDef d;
        d.memory.kib = 65536;
        CPPUNIT_ASSERT_EQUAL(std::string("memory memory.limit_in_bytes 67108864\n"),
                             text(planV1(limitsFor(d, fakeDevice))));
        CPPUNIT_ASSERT_EQUAL(std::string("memory memory.max 67108864\n"),
                             text(planV2(limitsFor(d, fakeDevice))));
    }
    void sharesToWeightMatchesLibvirt() {
        CPPUNIT_ASSERT_EQUAL(uint64_t(1), sharesToWeight(2));
        CPPUNIT_ASSERT_EQUAL(uint64_t(39), sharesToWeight(1024));
        CPPUNIT_ASSERT_EQUAL(uint64_t(10000), sharesToWeight(262144));
    }
    void currentMemoryAndHardLimit() {
        conf::DomainDef d;
        d.memory.kib = 65536;
        d.currentMemory = conf::MemoryKiB{32768};
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768) * 1024, *limitsFor(d, fakeDevice).memoryBytes);
        d.memtune.hardLimitKiB = 16384;  // the lower of the two wins
        CPPUNIT_ASSERT_EQUAL(uint64_t(16384) * 1024, *limitsFor(d, fakeDevice).memoryBytes);
    }
    void cpusetExclusionsExpanded() {
        conf::DomainDef d;
        d.vcpu.cpuset = "0-3,^2,7";
        d.numatune.nodeset = "0";
        Limits l = limitsFor(d, fakeDevice);
        CPPUNIT_ASSERT_EQUAL(std::string("0-1,3,7"), l.cpusetCpus);
        d.vcpu.cpuset.clear();
        d.cputune.emulatorpinCpuset = "1";
        CPPUNIT_ASSERT_EQUAL(std::string("1"), limitsFor(d, fakeDevice).cpusetCpus);
    }
    void pidsFromTheExtension() {
        conf::DomainDef d;
        d.cvirtResources.pidsMax = 64;
        CPPUNIT_ASSERT_EQUAL(std::string("pids pids.max 64\n"), text(planV1(limitsFor(d))));
        CPPUNIT_ASSERT_EQUAL(std::string("pids pids.max 64\n"), text(planV2(limitsFor(d))));
    }
    void changeWritesOnlyWhatMoved() {
        conf::DomainDef a = full(), b = full();
        b.cputune.shares = 512;
        b.memtune.hardLimitKiB = 65536;
        auto v1 =
            planChange(planV1(limitsFor(a, fakeDevice)), planV1(limitsFor(b, fakeDevice)), false);
        CPPUNIT_ASSERT_EQUAL(std::string("memory memory.limit_in_bytes 67108864\n"
                                         "cpu cpu.shares 512\n"),
                             text(v1));
        auto v2 =
            planChange(planV2(limitsFor(a, fakeDevice)), planV2(limitsFor(b, fakeDevice)), true);
        // memory.swap.max is derived from the hard limit, so it moves too
        CPPUNIT_ASSERT_EQUAL(std::string("memory memory.max 67108864\n"
                                         "memory memory.swap.max 201326592\n"
                                         "cpu cpu.weight 20\n"),
                             text(v2));
    }
    void changeResetsWhatWasDropped() {
        conf::DomainDef a = full(), b;
        b.memory.kib = 262144;
        auto v1 =
            planChange(planV1(limitsFor(a, fakeDevice)), planV1(limitsFor(b, fakeDevice)), false);
        CPPUNIT_ASSERT_EQUAL(std::string("memory memory.limit_in_bytes 268435456\n"
                                         "cpuset cpuset.cpus \n"
                                         "cpuset cpuset.mems \n"
                                         "memory memory.soft_limit_in_bytes -1\n"
                                         "memory memory.memsw.limit_in_bytes -1\n"
                                         "cpu cpu.shares 1024\n"
                                         "cpu cpu.cfs_period_us 100000\n"
                                         "cpu cpu.cfs_quota_us -1\n"
                                         "blkio blkio.weight 500\n"
                                         "blkio blkio.throttle.read_bps_device 8:0 0\n"
                                         "blkio blkio.throttle.write_iops_device 8:0 0\n"),
                             text(v1));
        auto v2 =
            planChange(planV2(limitsFor(a, fakeDevice)), planV2(limitsFor(b, fakeDevice)), true);
        CPPUNIT_ASSERT_EQUAL(std::string("memory memory.max 268435456\n"
                                         "cpuset cpuset.cpus \n"
                                         "cpuset cpuset.mems \n"
                                         "memory memory.high max\n"
                                         "memory memory.swap.max max\n"
                                         "cpu cpu.weight 100\n"
                                         "cpu cpu.max max 100000\n"
                                         "io io.weight default 100\n"
                                         "io io.max 8:0 rbps=max wbps=max riops=max wiops=max\n"),
                             text(v2));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(LimitsTest);
