// SPDX-License-Identifier: GPL-3.0-or-later
// A container's /proc/meminfo, cpuinfo, stat and uptime show its own limits (served by its
// controller over FUSE, lxc/controller/proc_fuse.h), and so does sysinfo(2) (busybox free:
// lxc/controller/sysinfo_trap.h) for init's processes and entered commands alike, read from
// inside with busybox; nothing of the FUSE
// filesystem is left on the host once the domain is gone.
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainers()) return m;
    if (::access("/dev/fuse", R_OK | W_OK) != 0) return std::string("needs /dev/fuse");
    return std::nullopt;
}

namespace {

size_t count(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    size_t n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) ++n;
    return n;
}

// The container's controller: its init's parent.
pid_t controllerOf(Domain& d) {
    std::string stat = readText("/proc/" + std::to_string(d.initPid()) + "/stat");
    return static_cast<pid_t>(std::atoi(stat.c_str() + stat.rfind(')') + 4));
}

// The seccomp listeners `pid` holds (init's, and one per entered command still running).
size_t sysinfoListeners(pid_t pid) {
    std::error_code ec;
    size_t n = 0;
    for (const auto& fd :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec))
        if (std::filesystem::read_symlink(fd.path(), ec) == "anon_inode:seccomp notify") ++n;
    return n;
}

bool hostHasProcViews() {
    return readText("/proc/self/mountinfo").find("fuse.cvirt") != std::string::npos;
}

}  // namespace

class ProcViewsTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(ProcViewsTest);
    CPPUNIT_TEST(memoryLimitInside);
    CPPUNIT_TEST(memoryLimitInsideUserNamespace);
    CPPUNIT_TEST(cpusetInside);
    CPPUNIT_TEST(uptimeSinceStart);
    CPPUNIT_TEST_SUITE_END();

    void checkMemory(const std::string& name, const std::string& extra) {
        Domain d = conn_->define(
            containerXml(name, {.initargs = {"-c", "free > /tmp/free; exec sleep 1000"},
                                .extra = extra,
                                .memoryMiB = 64}),
            name + ".xml");
        d.start();
        CPPUNIT_ASSERT_MESSAGE("the FUSE mount shows on the host", !hostHasProcViews());
        // cat splices (sendfile): the file's size must cover what it holds
        std::string meminfo = run(d, {"cat", "/proc/meminfo"});
        CPPUNIT_ASSERT_MESSAGE(meminfo, meminfo.find("MemTotal:          65536 kB\n") == 0);
        // busybox free takes its totals from sysinfo(2), which the controller answers for init
        // and what it starts (busybox's columns: total used free shared buff/cache available)
        CPPUNIT_ASSERT(waitUntil([&] {
            return execCapture(d, {"test", "-s", "/tmp/free"}).status == 0;
        }));
        std::string free = run(d, {"cat", "/tmp/free"});
        CPPUNIT_ASSERT_MESSAGE(free, free.find("\nMem:          65536 ") != std::string::npos);
        // and for a command entered from outside (exec, lxc-enter-namespace): no child of
        // init, it gets a filter of its own whose listener the controller serves until the
        // command is gone
        for (int i = 0; i < 3; ++i) {
            std::string entered = run(d, {"free"});
            CPPUNIT_ASSERT_MESSAGE(entered,
                                   entered.find("\nMem:          65536 ") != std::string::npos);
        }
        // init's alone once the commands are gone (each is let go when its last process is)
        CPPUNIT_ASSERT_MESSAGE("the controller kept the listeners of finished commands",
                               waitUntil([&] { return sysinfoListeners(controllerOf(d)) == 1; }));
        std::string mounts = run(d, {"cat", "/proc/self/mountinfo"});
        CPPUNIT_ASSERT_MESSAGE(mounts,
                               mounts.find("/meminfo /proc/meminfo ro,") != std::string::npos);
        // read-only, whoever asks
        Captured write = execCapture(d, {"sh", "-c", "echo x > /proc/meminfo"});
        CPPUNIT_ASSERT_MESSAGE(write.out, write.status != 0);
        // a restarted init gets the views again (the device filter is in place by then)
        int init = d.initPid();
        d.reboot();
        CPPUNIT_ASSERT(waitUntil([&] { return d.initPid() != init && d.initPid() > 0; }));
        CPPUNIT_ASSERT(waitUntil([&] {
            return execCapture(d, {"cat", "/proc/meminfo"})
                       .out.find("MemTotal:          65536 kB\n") == 0;
        }));
        free = run(d, {"free"});
        CPPUNIT_ASSERT_MESSAGE(free, free.find("\nMem:          65536 ") != std::string::npos);
        d.destroy();
        CPPUNIT_ASSERT_MESSAGE("a FUSE mount outlived the domain", !hostHasProcViews());
    }

public:
    void memoryLimitInside() { checkMemory("cvirt-test-procmem", ""); }

    void memoryLimitInsideUserNamespace() {
        if (!userNamespacesWork()) {
            std::cout << "SKIP: user namespaces do not work here" << std::endl;
            return;
        }
        checkMemory("cvirt-test-procmem-userns", kTestIdmap);
    }

    void cpusetInside() {
        if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) {
            std::cout << "SKIP: needs 2 CPUs" << std::endl;
            return;
        }
        Domain d = conn_->define(
            containerXml("cvirt-test-proccpu",
                         {.initargs = {"-c", "sleep 1000"}, .extra = "<vcpu cpuset='1'>1</vcpu>"}),
            "cvirt-test-proccpu.xml");
        d.start();
        std::string cpuinfo = run(d, {"cat", "/proc/cpuinfo"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cpuinfo, size_t(1), count(cpuinfo, "processor"));
        std::string stat = run(d, {"cat", "/proc/stat"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(stat, size_t(1), count(stat, "cpu0 "));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(stat, size_t(2), count(stat, "cpu"));  // "cpu " and cpu0
        CPPUNIT_ASSERT_EQUAL_MESSAGE(stat, size_t(1), count(stat, "btime "));
    }

    void uptimeSinceStart() {
        Domain d =
            conn_->define(containerXml("cvirt-test-procup", {.initargs = {"-c", "sleep 1000"}}),
                          "cvirt-test-procup.xml");
        d.start();
        std::string up = run(d, {"cat", "/proc/uptime"});
        double seconds = std::stod(up);
        double host = std::stod(readText("/proc/uptime"));
        // the host has been up longer than the test runs; the container only since start
        CPPUNIT_ASSERT_MESSAGE(up, seconds >= 0 && seconds < 60 && host > seconds);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ProcViewsTest);
