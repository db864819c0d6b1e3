// SPDX-License-Identifier: GPL-3.0-or-later
// Resource control that really holds, on whichever cgroup layout the host has: limits are
// enforced inside, live changes reach the kernel, refused values leave the domain as it was.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cgroup/layout.h"
#include "cvirt/connection.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

namespace {

// "key N" from a flat keyed file (memory.events, memory.oom_control, pids.events).
uint64_t keyed(const fs::path& file, const std::string& key) {
    std::istringstream in(readText(file));
    std::string k;
    uint64_t v;
    while (in >> k >> v)
        if (k == key) return v;
    return 0;
}

}  // namespace

class ResourcesTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(ResourcesTest);
    CPPUNIT_TEST(memoryHogIsKilledInside);
    CPPUNIT_TEST(forkBombStopsAtPidsMax);
    CPPUNIT_TEST(halfCpuQuota);
    CPPUNIT_TEST(liveSetmemAndSchedinfo);
    CPPUNIT_TEST(configChangeWaitsForNextStart);
    CPPUNIT_TEST(refusedValueLeavesDomainAsItWas);
    CPPUNIT_TEST(statsMoveWithWork);
    CPPUNIT_TEST(containerSeesItsOwnCgroup);
    CPPUNIT_TEST(existingCgroupIsNotTouched);
    CPPUNIT_TEST_SUITE_END();

    Domain define(const std::string& name, const CtOptions& o = {}) {
        return conn_->define(containerXml(name, o), name + ".xml");
    }

public:
    void memoryHogIsKilledInside() {
        // 32 MiB for memory and swap together: a 64 MiB buffer cannot fit
        Domain d = define("cvirt-test-oom",
                          {.initargs = {"-c", "sleep 1000"},
                           .extra = "<memtune><hard_limit unit='MiB'>32</hard_limit>"
                                    "<swap_hard_limit unit='MiB'>32</swap_hard_limit></memtune>",
                           .memoryMiB = 64});
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::to_string(32 << 20),
                             hostCgroupValue(d, "memory", "memory.limit_in_bytes", "memory.max"));
        int init = d.initPid();
        Captured hog = execCapture(d, {"dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"});
        CPPUNIT_ASSERT_MESSAGE(hog.out, hog.status != 0);
        fs::path mem = hostCgroupDir(d, "memory");
        uint64_t kills = unifiedController("memory")
                             ? keyed(mem / "memory.events", "oom_kill")
                             : keyed(mem / "memory.oom_control", "oom_kill");
        CPPUNIT_ASSERT_MESSAGE("no OOM kill counted in " + mem.string(), kills >= 1);
        // only the hog died: init and the domain live on, and a small command still works
        CPPUNIT_ASSERT(pidAlive(init));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"), run(d, {"echo", "ok"}));
    }

    void forkBombStopsAtPidsMax() {
        Domain d = define("cvirt-test-pids",
                          {.initargs = {"-c", "sleep 1000"}, .cvirt = "<cvirt:pids max='20'/>"});
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("20"), hostCgroupValue(d, "pids", "pids.max", "pids.max"));
        // 60 background sleeps: the fork beyond the limit fails (busybox sh gives up there)
        Captured bomb = execCapture(
            d, {"sh", "-c", "for i in $(seq 60); do sleep 100 >/dev/null 2>&1 & done; echo all"});
        CPPUNIT_ASSERT_MESSAGE(bomb.out, bomb.status != 0);
        CPPUNIT_ASSERT_MESSAGE(bomb.out, bomb.out.find("can't fork") != std::string::npos);
        fs::path pids = hostCgroupDir(d, "pids");
        uint64_t now = std::stoull(readText(pids / "pids.current"));
        CPPUNIT_ASSERT_MESSAGE(std::to_string(now), now <= 20 && now >= 15);
        CPPUNIT_ASSERT(keyed(pids / "pids.events", "max") >= 1);
        DomainStats st = d.stats();
        CPPUNIT_ASSERT_EQUAL(uint64_t(20), st.pidsMax.value_or(0));
        CPPUNIT_ASSERT(st.pids >= 15);
        // raised live, the limit lets more in
        Tuning t;
        t.pidsMax = 40;
        d.tune(t);
        CPPUNIT_ASSERT_EQUAL(std::string("40"), hostCgroupValue(d, "pids", "pids.max", "pids.max"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("ok\n"),
            run(d,
                {"sh", "-c", "sleep 100 >/dev/null 2>&1 & sleep 100 >/dev/null 2>&1 & echo ok"}));
    }

    void halfCpuQuota() {
        Domain d = define("cvirt-test-quota",
                          {.initargs = {"-c", "while :; do :; done"},
                           .extra = "<cputune><period>100000</period><quota>50000</quota>"
                                    "</cputune>"});
        d.start();
        CPPUNIT_ASSERT(waitUntil([&] { return d.stats().cpuTimeNs > 0; }));
        auto t0 = std::chrono::steady_clock::now();
        uint64_t c0 = d.stats().cpuTimeNs;
        std::this_thread::sleep_for(std::chrono::seconds(2));
        uint64_t c1 = d.stats().cpuTimeNs;
        double wall =
            std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        double share = static_cast<double>(c1 - c0) / wall;
        CPPUNIT_ASSERT_MESSAGE("busy loop got " + std::to_string(share * 100) + "% of a CPU",
                               share >= 0.40 && share <= 0.60);
    }

    void liveSetmemAndSchedinfo() {
        Domain d = define("cvirt-test-live", {.initargs = {"-c", "sleep 1000"}, .memoryMiB = 128});
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::to_string(128 << 20),
                             hostCgroupValue(d, "memory", "memory.limit_in_bytes", "memory.max"));
        Tuning mem;
        mem.memoryKiB = 64 * 1024;
        d.tune(mem);  // current = live for a running domain
        CPPUNIT_ASSERT_EQUAL(std::to_string(64 << 20),
                             hostCgroupValue(d, "memory", "memory.limit_in_bytes", "memory.max"));
        Tuning sched;
        sched.cpuShares = 512;
        sched.vcpuQuota = 25000;
        d.tune(sched, {.live = true});
        CPPUNIT_ASSERT_EQUAL(std::string(unifiedController("cpu") ? "20" : "512"),
                             hostCgroupValue(d, "cpu", "cpu.shares", "cpu.weight"));
        CPPUNIT_ASSERT_EQUAL(std::string(unifiedController("cpu") ? "25000 100000" : "25000"),
                             hostCgroupValue(d, "cpu", "cpu.cfs_quota_us", "cpu.max"));
        // the live XML says so, the persistent one does not
        CPPUNIT_ASSERT_EQUAL(uint64_t(512), d.tuning({.live = true}).cpuShares.value_or(0));
        CPPUNIT_ASSERT(!d.tuning({.config = true}).cpuShares);
        CPPUNIT_ASSERT(d.xml().find("<currentMemory unit='KiB'>65536") != std::string::npos);
        // unlimited again
        Tuning back;
        back.vcpuQuota = -1;
        d.tune(back);
        CPPUNIT_ASSERT_EQUAL(std::string(unifiedController("cpu") ? "max 100000" : "-1"),
                             hostCgroupValue(d, "cpu", "cpu.cfs_quota_us", "cpu.max"));
        // setmaxmem of a running container is refused, libvirt's rule
        Tuning max;
        max.maxMemoryKiB = 256 * 1024;
        CPPUNIT_ASSERT_THROW(d.tune(max, {.live = true}), Error);
        // a reboot keeps what was changed live
        d.reboot();
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Running; }));
        CPPUNIT_ASSERT_EQUAL(uint64_t(512), d.tuning().cpuShares.value_or(0));
    }

    void configChangeWaitsForNextStart() {
        Domain d = define("cvirt-test-config", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        Tuning t;
        t.hardLimitKiB = 48 * 1024;
        d.tune(t, {.config = true});
        CPPUNIT_ASSERT_EQUAL(std::to_string(64 << 20),
                             hostCgroupValue(d, "memory", "memory.limit_in_bytes", "memory.max"));
        d.destroy();
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::to_string(48 << 20),
                             hostCgroupValue(d, "memory", "memory.limit_in_bytes", "memory.max"));
        // --live on a domain that is not running is an error
        d.destroy();
        CPPUNIT_ASSERT_THROW(d.tune(t, {.live = true}), Error);
    }

    void refusedValueLeavesDomainAsItWas() {
        Domain d = define("cvirt-test-refused", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        std::string shares = hostCgroupValue(d, "cpu", "cpu.shares", "cpu.weight");
        std::string cpus = hostCgroupValue(d, "cpuset", "cpuset.cpus", "cpuset.cpus");
        std::string xml = d.xml();
        Tuning t;
        t.cpuShares = 700;
        t.cpuset = std::to_string(::sysconf(_SC_NPROCESSORS_CONF) + 5);  // no such CPU
        try {
            d.tune(t);
            CPPUNIT_FAIL("the kernel took a CPU the host does not have");
        } catch (const Error& e) {
            std::string msg = e.what();
            CPPUNIT_ASSERT_MESSAGE(msg, msg.find("'" + *t.cpuset + "'") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(msg, msg.find("cpuset.cpus") != std::string::npos);
        }
        CPPUNIT_ASSERT_EQUAL(shares, hostCgroupValue(d, "cpu", "cpu.shares", "cpu.weight"));
        CPPUNIT_ASSERT_EQUAL(cpus, hostCgroupValue(d, "cpuset", "cpuset.cpus", "cpuset.cpus"));
        CPPUNIT_ASSERT_EQUAL(xml, d.xml());
        // values out of libvirt's ranges never reach the kernel
        Tuning low;
        low.vcpuQuota = 10;
        CPPUNIT_ASSERT_THROW(d.tune(low), Error);
        CPPUNIT_ASSERT_EQUAL(xml, d.xml());
    }

    void statsMoveWithWork() {
        Domain d = define("cvirt-test-stats", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        DomainStats before = d.stats();
        run(d, {"sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"});
        run(d, {"sh", "-c", "sleep 100 >/dev/null 2>&1 & sleep 100 >/dev/null 2>&1 & true"});
        DomainStats after = d.stats();
        CPPUNIT_ASSERT(after.cpuTimeNs > before.cpuTimeNs + 10'000'000);
        CPPUNIT_ASSERT(after.cpuUserNs + after.cpuSystemNs > 0);
        CPPUNIT_ASSERT(after.pids >= before.pids + 2);
        CPPUNIT_ASSERT(after.usedMemoryKiB > 0);
        CPPUNIT_ASSERT_EQUAL(uint64_t(64 * 1024), after.currentMemoryKiB);
        // a stopped domain has no counters
        d.destroy();
        CPPUNIT_ASSERT_EQUAL(uint64_t(0), d.stats().cpuTimeNs);
    }
    void containerSeesItsOwnCgroup() {
        Domain d = define("cvirt-test-cgview",
                          {.initargs = {"-c", "sleep 1000"}, .cvirt = "<cvirt:pids max='33'/>"});
        d.start();
        // its limits at the root of its own /sys/fs/cgroup, whatever the host's layout
        std::string mem = insideCgroupFile("memory", "memory.limit_in_bytes", "memory.max");
        CPPUNIT_ASSERT_EQUAL(std::to_string(64 << 20) + "\n", run(d, {"cat", mem}));
        std::string pids = insideCgroupFile("pids", "pids.max", "pids.max");
        CPPUNIT_ASSERT_EQUAL(std::string("33\n"), run(d, {"cat", pids}));
        CPPUNIT_ASSERT_EQUAL(std::string("0::/\n"),
                             run(d, {"sh", "-c", "grep '^0::' /proc/self/cgroup"}));
        // nothing of the host's tree, and nothing writable
        CPPUNIT_ASSERT_EQUAL(std::string("none\n"),
                             run(d, {"sh", "-c",
                                     "ls -R /sys/fs/cgroup | grep -q machine && "
                                     "echo seen || echo none"}));
        Captured w = execCapture(d, {"sh", "-c", "echo max > " + pids});
        CPPUNIT_ASSERT_MESSAGE(w.out, w.status != 0);
        CPPUNIT_ASSERT_EQUAL(std::string("33"), hostCgroupValue(d, "pids", "pids.max", "pids.max"));
    }
    // A start that finds its cgroup taken fails, and leaves that cgroup and what runs in it
    // alone (it belongs to someone else: another cvirt, a stale run, an operator).
    void existingCgroupIsNotTouched() {
        Domain d = define("cvirt-test-cgtaken", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        fs::path mem = hostCgroupDir(d, "memory");
        d.destroy();
        CPPUNIT_ASSERT(!fs::exists(mem));
        fs::create_directories(mem);
        pid_t squatter = ::fork();
        if (squatter == 0) {
            ::execl("/bin/sleep", "sleep", "1000", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        std::ofstream(mem / "cgroup.procs") << squatter << std::flush;
        try {
            d.start();
            CPPUNIT_FAIL("started in a cgroup that already existed");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "already exists"));
        }
        bool alive = pidAlive(squatter), kept = fs::exists(mem);
        ::kill(squatter, SIGKILL);
        ::waitpid(squatter, nullptr, 0);
        ::rmdir(mem.c_str());
        ::rmdir(mem.parent_path().c_str());  // the partition, unless another domain uses it
        CPPUNIT_ASSERT_MESSAGE("the failed start killed a process of a cgroup it did not make",
                               alive);
        CPPUNIT_ASSERT_MESSAGE("the failed start removed a cgroup it did not make", kept);
        CPPUNIT_ASSERT(d.info().summary.state == DomainState::Shutoff);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ResourcesTest);
