// SPDX-License-Identifier: GPL-3.0-or-later
// Tuning and statistics as an operator types them: setmem, memtune, schedinfo, blkiotune,
// vcpupin, emulatorpin, pidstune, domstats, dommemstat, cpu-stats, domblkstat, domifstat, top.
#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

#include "support/container_util.h"
#include "support/shell_fixture.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

class ShellResourcesTest : public ShellFixture {
    CPPUNIT_TEST_SUITE(ShellResourcesTest);
    CPPUNIT_TEST(memoryCommands);
    CPPUNIT_TEST(schedinfoAndPinning);
    CPPUNIT_TEST(blkiotuneAndPids);
    CPPUNIT_TEST(statistics);
    CPPUNIT_TEST(topRefreshesAndQuits);
    CPPUNIT_TEST(topCpuFollowsTheLoad);
    CPPUNIT_TEST(badInput);
    CPPUNIT_TEST_SUITE_END();

    const std::string dom = "cvirt-test-tune";
    void startDomain(CtOptions o = {.initargs = {"-c", "sleep 1000"}}) {
        define(dom, o);
        ok({"start", dom});
    }

public:
    void memoryCommands() {
        startDomain();
        CPPUNIT_ASSERT_EQUAL(std::string("hard_limit     : unlimited\n"
                                         "soft_limit     : unlimited\n"
                                         "swap_hard_limit: unlimited\n\n"),
                             ok({"memtune", dom}));
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), ok({"setmem", dom, "32M"}));  // virsh's blank line
        CPPUNIT_ASSERT(has(ok({"dominfo", dom}), "Max memory:     65536 KiB"));
        CPPUNIT_ASSERT(
            has(ok({"dumpxml", dom}), "<currentMemory unit='KiB'>32768</currentMemory>"));
        // --live only: the stored definition keeps its value
        CPPUNIT_ASSERT(has(ok({"dumpxml", "--inactive", dom}),
                           "<currentMemory unit='KiB'>65536</currentMemory>"));
        ok({"memtune", dom, "--hard-limit", "48M", "--soft-limit", "16384", "--config"});
        CPPUNIT_ASSERT_EQUAL(std::string("hard_limit     : 49152\n"
                                         "soft_limit     : 16384\n"
                                         "swap_hard_limit: unlimited\n\n"),
                             ok({"memtune", dom, "--config"}));
        ok({"memtune", dom, "--soft-limit", "-1", "--config"});
        CPPUNIT_ASSERT(has(ok({"memtune", dom, "--config"}), "soft_limit     : unlimited"));
        // setmaxmem is for the next start
        ok({"setmaxmem", dom, "128M", "--config"});
        CPPUNIT_ASSERT(
            has(ok({"dumpxml", "--inactive", dom}), "<memory unit='KiB'>131072</memory>"));
        RunResult r = sh({"setmaxmem", dom, "256M"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: cannot resize the maximum memory on an active domain\n"), r.err);
    }

    void schedinfoAndPinning() {
        startDomain();
        CPPUNIT_ASSERT_EQUAL(std::string("Scheduler      : posix\n"
                                         "cpu_shares     : 1024\n"
                                         "vcpu_period    : 100000\n"
                                         "vcpu_quota     : -1\n\n"),
                             ok({"schedinfo", dom}));
        CPPUNIT_ASSERT_EQUAL(std::string("Scheduler      : posix\n"
                                         "cpu_shares     : 512\n"
                                         "vcpu_period    : 100000\n"
                                         "vcpu_quota     : 50000\n\n"),
                             ok({"schedinfo", dom, "--set", "cpu_shares=512", "vcpu_quota=50000"}));
        CPPUNIT_ASSERT(has(ok({"dumpxml", dom}), "<shares>512</shares>"));
        ok({"vcpupin", dom, "0", "0"});
        CPPUNIT_ASSERT_EQUAL(std::string(" VCPU   CPU Affinity\n"
                                         "----------------------\n"
                                         " 0      0\n\n"),
                             ok({"vcpupin", dom}));
        CPPUNIT_ASSERT_EQUAL(std::string("emulator: CPU Affinity\n"
                                         "----------------------------------\n"
                                         "       *: 0\n\n"),
                             ok({"emulatorpin", dom}));
        // libvirt's syntax is taken and stored in the kernel's
        ok({"emulatorpin", dom, "0-1,^1", "--config"});
        CPPUNIT_ASSERT(has(ok({"dumpxml", "--inactive", dom}), "cpuset='0'"));
        RunResult r = sh({"vcpupin", dom, "3", "0"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: vcpu 3 is out of range of cpu count 1\n"), r.err);
    }

    void blkiotuneAndPids() {
        startDomain({.initargs = {"-c", "sleep 1000"}, .cvirt = "<cvirt:pids max='64'/>"});
        ok({"blkiotune", dom, "--weight", "300", "--config"});
        std::string out = ok({"blkiotune", dom, "--config"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "weight         : 300\n"));
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "device_weight  : \n"));
        CPPUNIT_ASSERT_EQUAL(std::string("max            : 64\n\n"), ok({"pidstune", dom}));
        ok({"pidstune", dom, "--max", "128"});
        CPPUNIT_ASSERT_EQUAL(std::string("max            : 128\n\n"), ok({"pidstune", dom}));
        CPPUNIT_ASSERT(has(ok({"dumpxml", dom}), "<cvirt:pids max='128'/>"));
        ok({"pidstune", dom, "--max", "-1"});
        CPPUNIT_ASSERT_EQUAL(std::string("max            : unlimited\n\n"), ok({"pidstune", dom}));
    }

    void statistics() {
        startDomain({.initargs = {"-c", "sleep 1000"}, .cvirt = "<cvirt:pids max='64'/>"});
        ok({"exec", dom, "--", "sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"});
        std::string st = ok({"domstats", dom});
        for (const char* key :
             {"Domain: 'cvirt-test-tune'\n", "  state.state=1\n", "  state.reason=1\n",
              "  cpu.time=", "  cpu.user=", "  cpu.system=", "  balloon.current=65536\n",
              "  balloon.maximum=65536\n", "  balloon.rss=", "  vcpu.current=1\n",
              "  net.count=0\n", "  block.count=", "  pids.current=1\n", "  pids.max=64\n"})
            CPPUNIT_ASSERT_MESSAGE(st + " lacks " + key, has(st, key));
        CPPUNIT_ASSERT(!has(st, "cpu.time=0\n"));
        // one group, several domains, a shut-off one
        define("cvirt-test-off", {});
        st = ok({"domstats", "--state", "--list-inactive"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain: 'cvirt-test-off'\n"
                                         "  state.state=5\n"
                                         "  state.reason=0\n\n"),
                             st);
        std::string mem = ok({"dommemstat", dom});
        CPPUNIT_ASSERT_MESSAGE(mem, mem.starts_with("actual 65536\nswap_in "));
        CPPUNIT_ASSERT_MESSAGE(mem, has(mem, "\nrss "));
        std::string cpu = ok({"cpu-stats", dom, "--total"});
        CPPUNIT_ASSERT_MESSAGE(cpu, cpu.starts_with("Total:\n\tcpu_time "));
        CPPUNIT_ASSERT_MESSAGE(cpu, has(cpu, "\tuser_time ") && has(cpu, "\tsystem_time "));
        std::string blk = ok({"domblkstat", dom});
        CPPUNIT_ASSERT_MESSAGE(blk, has(blk, " rd_req ") && has(blk, " wr_bytes "));
        RunResult r = sh({"domifstat", dom, "eth0"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: invalid path, 'eth0' is not a known interface\n"),
                             r.err);
        r = sh({"dommemstat", "cvirt-test-off"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
    }

    void topRefreshesAndQuits() {
        startDomain();
        std::string out = ok({"top", "--batch", "--iterations", "2", "--delay", "0.1"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "cvirt top - "));
        CPPUNIT_ASSERT_MESSAGE(out, has(out, " 1 running"));
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "CPU %") && has(out, "Pids"));
        CPPUNIT_ASSERT_MESSAGE(out, has(out, dom + "   running"));
        // q on the input ends it without --iterations
        RunResult r = sh({"top", "--delay", "0.1"}, "q");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(has(r.out, dom));
    }

    // A busy loop under a 30 % quota reads about 30 % (a top that prints 0.0 must fail). The
    // quota caps it from above; other tests running beside it can only pull it lower, so the
    // floor is generous.
    void topCpuFollowsTheLoad() {
        startDomain({.initargs = {"-c", "while :; do :; done"},
                     .extra = "<cputune><period>100000</period><quota>30000</quota></cputune>"});
        std::string out = ok({"top", "--batch", "--iterations", "3", "--delay", "1"});
        std::istringstream lines(out);
        double last = -1;
        for (std::string line; std::getline(lines, line);) {
            std::istringstream fields(line);
            std::string id, name, state, cpu;
            if (fields >> id >> name >> state >> cpu && name == dom && cpu != "-")
                last = std::stod(cpu);
        }
        CPPUNIT_ASSERT_MESSAGE(out, last >= 10.0 && last <= 40.0);
    }

    void badInput() {
        startDomain();
        RunResult r = sh({"setmem", dom, "1T"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: cannot set memory higher than max memory "
                                         "(65536 KiB)\n"),
                             r.err);
        r = sh({"setmem", dom, "12Q"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: invalid size '12Q': unknown unit 'Q'\n"), r.err);
        r = sh({"schedinfo", dom, "cpu_shares=1"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "shares 1 is outside 2..262144"));
        r = sh({"schedinfo", dom, "bogus=1"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: invalid scheduler option: bogus\n"), r.err);
        r = sh({"memtune", dom, "--hard-limit", "1G", "--live", "--current"});
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Options --current and --live are mutually exclusive\n"), r.err);
        r = sh({"vcpupin", dom, "0", "99999"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: invalid cpuset '99999'\n"), r.err);
        // nothing changed on the way
        CPPUNIT_ASSERT(
            has(ok({"dumpxml", dom}), "<currentMemory unit='KiB'>65536</currentMemory>"));
        CPPUNIT_ASSERT(!has(ok({"dumpxml", dom}), "<cputune>"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ShellResourcesTest);
