// SPDX-License-Identifier: GPL-3.0-or-later
// Real containers from the busybox rootfs: what runs inside, and what is left outside.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <poll.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

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

class LifecycleTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(LifecycleTest);
    CPPUNIT_TEST(insideView);
    CPPUNIT_TEST(devIsPrivate);
    CPPUNIT_TEST(mknodBlockRefused);
    CPPUNIT_TEST(hostPathsUnreachable);
    CPPUNIT_TEST(destroyRemovesEverything);
    CPPUNIT_TEST(startDestroyStartIdsIncrease);
    CPPUNIT_TEST(initExitEndsDomain);
    CPPUNIT_TEST(controllerKillIsCleanedUp);
    CPPUNIT_TEST(missingRootfsFailsCleanly);
    CPPUNIT_TEST(missingInitFailsCleanly);
    CPPUNIT_TEST(consoleRoundTrip);
    CPPUNIT_TEST(shutdownStopsInit);
    CPPUNIT_TEST(rebootKeepsId);
    CPPUNIT_TEST(transientCreate);
    CPPUNIT_TEST(idmapRootIsUnprivileged);
    CPPUNIT_TEST(sharenetSharesNetns);
    CPPUNIT_TEST(secondConnectionSeesRunning);
    CPPUNIT_TEST(consoleOutputGoesToTheLog);
    CPPUNIT_TEST(denyPolicyKeepsOnlyWhatIsOn);
    CPPUNIT_TEST(convertedLxcConfigKeepsLxcsCapabilities);
    CPPUNIT_TEST(suspendStopsAndResumeRestarts);
    CPPUNIT_TEST(destroyWhileSuspended);
    CPPUNIT_TEST(infoShowsWhatItUses);
    CPPUNIT_TEST(infoCountersFollowEachRun);
    CPPUNIT_TEST(deviceFilter);
    CPPUNIT_TEST(deviceFilterEachLayerAlone);
    CPPUNIT_TEST(inituserOfNoUidInPasswdIsRefused);
    CPPUNIT_TEST_SUITE_END();

    Domain define(const std::string& name, const CtOptions& o = {}) {
        return conn_->define(containerXml(name, o), name + ".xml");
    }
    void assertNoState(const std::string& name) {
        for (const char* ext : {".xml", ".pid", ".sock"})
            CPPUNIT_ASSERT_MESSAGE(name + ext + " left behind",
                                   !fs::exists(runDir() / (name + ext)));
    }

public:
    void insideView() {
        Domain d = define("cvirt-test-view");  // sh reading the console: init stays sh
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-view\n"), run(d, {"hostname"}));
        // pid 1 is our init and only container processes are visible
        CPPUNIT_ASSERT_EQUAL(std::string("sh\n"), run(d, {"cat", "/proc/1/comm"}));
        std::string ps = run(d, {"sh", "-c", "ls -d /proc/[0-9]* | wc -l"});
        CPPUNIT_ASSERT_MESSAGE(ps, std::stoi(ps) <= 5);
        std::string env = run(d, {"cat", "/proc/1/environ"});
        CPPUNIT_ASSERT(env.find("container=cvirt") != std::string::npos);
        CPPUNIT_ASSERT(env.find("CVIRT_LXC_NAME=cvirt-test-view") != std::string::npos);
        // /proc/sys is read-only, /sys is read-only
        CPPUNIT_ASSERT(execCapture(d, {"sh", "-c", "echo 1 > /proc/sys/kernel/panic"}).status != 0);
        CPPUNIT_ASSERT(execCapture(d, {"touch", "/sys/x"}).status != 0);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT(d.summary().id.has_value());
    }
    void devIsPrivate() {
        Domain d = define("cvirt-test-dev", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        // tty1 is the console again, as libvirt-lxc's (console I is /dev/ttyI+1)
        CPPUNIT_ASSERT_EQUAL(
            std::string("console fd full null ptmx pts random shm stderr stdin stdout tty "
                        "tty1 urandom zero \n"),
            run(d, {"sh", "-c", "for f in $(ls /dev); do printf '%s ' $f; done; echo"}));
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"),
                             run(d, {"sh", "-c", "echo x > /dev/null && echo ok"}));
        // a new devpts instance: the host's ptys are not there
        CPPUNIT_ASSERT_EQUAL(std::string("ptmx\n"), run(d, {"ls", "/dev/pts"}));
    }
    void mknodBlockRefused() {
        Domain d = define("cvirt-test-mknod", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        Captured c = execCapture(d, {"mknod", "/tmp/sda", "b", "8", "0"});
        CPPUNIT_ASSERT(c.status != 0);
        CPPUNIT_ASSERT_MESSAGE(c.out, c.out.find("Operation not permitted") != std::string::npos);
    }
    void hostPathsUnreachable() {
        Domain d = define("cvirt-test-host", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        std::string marker = dir_->path() / "host-only-marker";
        { std::ofstream(marker) << "x"; }
        CPPUNIT_ASSERT(execCapture(d, {"ls", marker}).status != 0);
        CPPUNIT_ASSERT(execCapture(d, {"ls", "/etc/cvirt"}).status != 0);
        CPPUNIT_ASSERT(execCapture(d, {"sh", "-c", "cd /../../.. && ls " + marker}).status != 0);
    }
    void destroyRemovesEverything() {
        Domain d = define("cvirt-test-destroy", {.initargs = {"-c", "sleep 1000 & sleep 1000"}});
        d.start();
        int init = d.initPid();
        CPPUNIT_ASSERT(pidAlive(init));
        d.destroy();
        CPPUNIT_ASSERT(!pidAlive(init));
        assertNoState("cvirt-test-destroy");
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT(s.state == DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(int(kShutoffDestroyed), s.reason);
        CPPUNIT_ASSERT_THROW(d.destroy(), Error);
    }
    void startDestroyStartIdsIncrease() {
        Domain d = define("cvirt-test-again", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        int first = *d.summary().id;
        CPPUNIT_ASSERT_THROW(d.start(), Error);  // already active
        d.destroy();
        d.start();
        CPPUNIT_ASSERT(*d.summary().id > first);
        d.destroy();
    }
    void initExitEndsDomain() {
        Domain d = define("cvirt-test-true", {.init = "/bin/true"});
        d.start();
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Shutoff; }));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(int(kShutoffShutdown), d.summary().reason);
        assertNoState("cvirt-test-true");
    }
    void controllerKillIsCleanedUp() {
        Domain d = define("cvirt-test-kill9", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        int init = d.initPid();
        std::string pids = readText(runDir() / "cvirt-test-kill9.pid");
        int controller = std::stoi(pids);
        ::kill(controller, SIGKILL);
        CPPUNIT_ASSERT(waitUntil([&] { return !pidAlive(controller); }));
        Connection fresh = Connection::open(dir_->embedUri());
        DomainSummary s = fresh.lookup("cvirt-test-kill9").summary();
        CPPUNIT_ASSERT(s.state == DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(int(kShutoffCrashed), s.reason);
        CPPUNIT_ASSERT(waitUntil([&] { return !pidAlive(init); }));
        CPPUNIT_ASSERT(!pidAlive(init));
        assertNoState("cvirt-test-kill9");
        d.start();  // and it starts again
        d.destroy();
    }
    void expectStartError(Domain& d, const std::string& fragment) {
        try {
            d.start();
            CPPUNIT_FAIL("start succeeded");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(),
                                   std::string(e.what()).find(fragment) != std::string::npos);
        }
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        assertNoState(d.name());
    }
    void missingRootfsFailsCleanly() {
        std::string xml =
            containerXml("cvirt-test-noroot",
                         {.devices = "<filesystem type='mount'><source "
                                     "dir='/nonexistent/cvirt'/><target dir='/'/></filesystem>",
                          .rootfs = false});
        Domain d = conn_->define(xml, "x.xml");
        expectStartError(
            d, "cannot use root filesystem source '/nonexistent/cvirt': No such file or directory");
        // a root that is there but no directory (an image, a device) says so
        std::string file = (dir_->path() / "root.img").string();
        { std::ofstream(file) << "not a directory\n"; }
        Domain f =
            conn_->define(containerXml("cvirt-test-fileroot",
                                       {.devices = "<filesystem type='mount'><source dir='" + file +
                                                   "'/><target dir='/'/></filesystem>",
                                        .rootfs = false}),
                          "f.xml");
        expectStartError(f, "root filesystem source '" + file + "' is not a directory");
    }
    void missingInitFailsCleanly() {
        Domain d = define("cvirt-test-noinit", {.init = "/sbin/nothing-here"});
        expectStartError(
            d,
            "container init: cannot execute init '/sbin/nothing-here': No such file or directory");
    }
    void consoleRoundTrip() {
        Domain d = define("cvirt-test-console");
        d.start();
        int fd = d.openConsole();
        std::string cmd = "echo hello-$((40+2))\n";
        CPPUNIT_ASSERT(::write(fd, cmd.data(), cmd.size()) == static_cast<ssize_t>(cmd.size()));
        std::string seen;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (seen.find("hello-42") == std::string::npos &&
               std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char buf[512];
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n <= 0) break;
            seen.append(buf, static_cast<size_t>(n));
        }
        CPPUNIT_ASSERT_MESSAGE(seen, seen.find("hello-42") != std::string::npos);
        // a second client is refused unless it forces
        CPPUNIT_ASSERT_THROW(d.openConsole(false), Error);
        int forced = d.openConsole(true);
        ::close(forced);
        ::close(fd);
    }
    void shutdownStopsInit() {
        Domain d = define("cvirt-test-shutdown",
                          {.initargs = {"-c", "trap 'exit 0' TERM; sleep 1000 & wait"}});
        d.start();
        d.shutdown();
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Shutoff; }));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(int(kShutoffShutdown), d.summary().reason);
        assertNoState("cvirt-test-shutdown");
    }
    void rebootKeepsId() {
        Domain d = define("cvirt-test-reboot", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        int id = *d.summary().id;
        int init = d.initPid();
        d.reboot();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT_EQUAL(id, *d.summary().id);
        CPPUNIT_ASSERT(d.initPid() != init);
        d.destroy();
    }
    void transientCreate() {
        Domain d = conn_->create(
            containerXml("cvirt-test-transient", {.initargs = {"-c", "sleep 1000"}}), "t.xml");
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT(!d.summary().persistent);
        d.destroy();
        CPPUNIT_ASSERT(!conn_->find("cvirt-test-transient"));
    }
    void idmapRootIsUnprivileged() {
        if (!userNamespacesWork()) {
            skipCase("user namespaces unavailable");
            return;
        }
        // The rootfs belongs to host root; an idmapped root only needs to read and execute it.
        Domain d =
            define("cvirt-test-idmap", {.initargs = {"-c", "sleep 1000"}, .extra = kTestIdmap});
        d.start();
        std::string status = readText("/proc/" + std::to_string(d.initPid()) + "/status");
        CPPUNIT_ASSERT_MESSAGE(
            status, status.find("Uid:\t100000\t100000\t100000\t100000") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("0\n"), run(d, {"id", "-u"}));
        d.destroy();
    }
    void sharenetSharesNetns() {
        Domain a = define("cvirt-test-neta", {.initargs = {"-c", "sleep 1000"},
                                              .extra = "<features><privnet/></features>"});
        a.start();
        Domain b = define("cvirt-test-netb",
                          {.initargs = {"-c", "sleep 1000"},
                           .namespaces = "<lxc:sharenet type='name' value='cvirt-test-neta'/>"});
        b.start();
        auto ns = [](int pid) {
            return fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net").string();
        };
        CPPUNIT_ASSERT_EQUAL(ns(a.initPid()), ns(b.initPid()));
        CPPUNIT_ASSERT(ns(a.initPid()) != fs::read_symlink("/proc/self/ns/net").string());
        b.destroy();
        a.destroy();
    }
    void secondConnectionSeesRunning() {
        Domain d = define("cvirt-test-seen", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        Connection other = Connection::open(dir_->embedUri());
        auto running = other.list({});
        CPPUNIT_ASSERT_EQUAL(size_t(1), running.size());
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-seen"), running[0].name);
        CPPUNIT_ASSERT(running[0].id.has_value());
        other.lookup(std::to_string(*running[0].id)).destroy();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
    }
    void consoleOutputGoesToTheLog() {
        Domain d =
            define("cvirt-test-log", {.initargs = {"-c", "echo marker-$((20+3)); sleep 1000"}});
        d.start();
        fs::path log = dir_->path() / "var/log/cvirt/lxc/cvirt-test-log.log";
        std::string text;
        waitUntil([&] {
            text = fs::exists(log) ? readText(log) : "";
            return text.find("marker-23") != std::string::npos;
        });
        CPPUNIT_ASSERT_MESSAGE(text, text.find("marker-23") != std::string::npos);
    }
    void denyPolicyKeepsOnlyWhatIsOn() {
        Domain d = define("cvirt-test-deny",
                          {.initargs = {"-c", "sleep 1000"},
                           .extra = "<features><capabilities policy='deny'><kill state='on'/>"
                                    "</capabilities></features>"});
        d.start();
        std::string status = readText("/proc/" + std::to_string(d.initPid()) + "/status");
        // CAP_KILL is bit 5: the only capability left in the bounding set
        CPPUNIT_ASSERT_MESSAGE(status,
                               status.find("CapBnd:\t0000000000000020") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(status, status.find("NoNewPrivs:\t1") != std::string::npos);
        Captured c = execCapture(d, {"hostname", "other"});
        CPPUNIT_ASSERT(c.status != 0);  // no sys_admin
    }
    // An LXC config through domxml-from-native, defined and started: init's bounding set is
    // the host's less what lxc.cap.drop named, as under LXC (libvirt's policy='allow'); cvirt's
    // default policy would have dropped sys_time, audit_control and mac_admin too.
    void convertedLxcConfigKeepsLxcsCapabilities() {
        std::string config = "lxc.uts.name = cvirt-test-lxccaps\nlxc.rootfs.path = " + rootfsDir() +
                             "\nlxc.init.cmd = /bin/sh -c 'sleep 1000'\nlxc.net.0.type = "
                             "empty\nlxc.cap.drop = mknod sys_module\n";
        Domain d =
            conn_->define(conn_->domainXmlFromNative("lxc-tools", config, "caps.conf"), "caps.xml");
        d.start();
        auto capBnd = [](const std::string& status) {
            size_t at = status.find("CapBnd:\t");
            return std::stoull(status.substr(at + 8, 16), nullptr, 16);
        };
        uint64_t host = capBnd(readText("/proc/self/status"));
        uint64_t inside = capBnd(readText("/proc/" + std::to_string(d.initPid()) + "/status"));
        const uint64_t mknod = 1ULL << 27, sysModule = 1ULL << 16, sysTime = 1ULL << 25;
        CPPUNIT_ASSERT_EQUAL(host & ~(mknod | sysModule), inside);
        CPPUNIT_ASSERT(inside & sysTime);
    }
    void suspendStopsAndResumeRestarts() {
        // The counter is read from the host through /proc/PID/root: an exec into a frozen
        // container would freeze too.
        Domain d = define("cvirt-test-freeze",
                          {.initargs = {"-c",
                                        "i=0; while :; do i=$((i+1)); echo $i > /dev/shm/n; "
                                        "usleep 10000; done"}});
        d.start();
        fs::path counter = "/proc/" + std::to_string(d.initPid()) + "/root/dev/shm/n";
        CPPUNIT_ASSERT(waitUntil([&] { return fs::exists(counter); }));
        d.suspend();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Paused);
        CPPUNIT_ASSERT_THROW(d.suspend(), Error);
        std::string frozen = readText(counter);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CPPUNIT_ASSERT_EQUAL(frozen, readText(counter));  // nothing ran
        d.resume();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT(waitUntil([&] { return readText(counter) != frozen; }));
        CPPUNIT_ASSERT_THROW(d.resume(), Error);
    }
    void destroyWhileSuspended() {
        Domain d = define("cvirt-test-frozen-kill", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        int init = d.initPid();
        d.suspend();
        d.destroy();
        CPPUNIT_ASSERT(!pidAlive(init));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        assertNoState("cvirt-test-frozen-kill");
        CPPUNIT_ASSERT(!fs::exists(runDir() / "cvirt-test-frozen-kill.paused"));
    }
    void infoShowsWhatItUses() {
        Domain d = define(
            "cvirt-test-busy",
            {.initargs = {"-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 1000"}});
        d.start();
        // CPU time grows while the loop runs; memory use is what the cgroup reports
        CPPUNIT_ASSERT(waitUntil([&] { return d.info().cpuTimeNs > 50'000'000; }));
        DomainInfo info = d.info();
        CPPUNIT_ASSERT(info.usedMemKiB > 0);
        CPPUNIT_ASSERT(info.usedMemKiB < info.maxMemKiB);
    }
    // A connection keeps the two counter files of dominfo open (cgroup/brief_counters.h):
    // a restart's figures come from the new cgroup, and a stopped domain's files are let go.
    void infoCountersFollowEachRun() {
        auto fds = [] {
            size_t n = 0;
            for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd"))
                ++n;
            return n;
        };
        Domain other = define("cvirt-test-counted", {.initargs = {"-c", "sleep 1000"}});
        other.start();
        CPPUNIT_ASSERT(other.info().usedMemKiB > 0);  // its counters open from here on
        size_t base = fds();
        Domain d = define("cvirt-test-recount",
                          {.initargs = {"-c",
                                        "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); "
                                        "done; sleep 1000"}});
        d.start();
        CPPUNIT_ASSERT(waitUntil([&] { return d.info().cpuTimeNs > 50'000'000; }));
        d.destroy();
        d = define("cvirt-test-recount", {.initargs = {"-c", "sleep 1000"}});
        d.start();
        DomainInfo again = d.info();  // a new cgroup: its own figures, neither the old nor none
        CPPUNIT_ASSERT_MESSAGE(std::to_string(again.cpuTimeNs),
                               again.cpuTimeNs > 0 && again.cpuTimeNs < 50'000'000);
        CPPUNIT_ASSERT(again.usedMemKiB > 0);
        d.destroy();
        // within a second of its stop, the next look at any domain drops what it held
        std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        CPPUNIT_ASSERT(other.info().cpuTimeNs > 0);
        CPPUNIT_ASSERT_EQUAL(base, fds());
    }
    void deviceFilter() {
        // CAP_MKNOD granted: only the device cgroup (v1 list, v2 eBPF program) stands between
        // the container and a disk.
        Domain d = define("cvirt-test-devices",
                          {.initargs = {"-c", "sleep 1000"},
                           .extra = "<features><capabilities policy='default'><mknod state='on'/>"
                                    "</capabilities></features>"});
        d.start();
        Captured disk = execCapture(d, {"mknod", "/tmp/sda", "b", "8", "0"});
        CPPUNIT_ASSERT_MESSAGE(disk.out, disk.status != 0);
        CPPUNIT_ASSERT_MESSAGE(disk.out,
                               disk.out.find("Operation not permitted") != std::string::npos);
        Captured mem = execCapture(d, {"mknod", "/tmp/mem", "c", "1", "1"});  // /dev/mem
        CPPUNIT_ASSERT_MESSAGE(mem.out, mem.status != 0);
        // the standard set stays usable, and may be made again
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"),
                             run(d, {"sh", "-c",
                                     "mknod /dev/null2 c 1 3 && echo x > /dev/null2 && "
                                     "head -c 4 /dev/urandom > /dev/null && echo ok"}));
    }

    // On a hybrid host the container has both a v1 device list and a v2 device program, and
    // either alone would hide a break in the other: each is checked by itself. The v1 list is
    // read back; with v1 opened to everything ("a"), the program alone must refuse /dev/mem;
    // with the program detached and v1 closed again, the list alone must refuse it.
    void deviceFilterEachLayerAlone() {
        Domain d = define("cvirt-test-devlayers",
                          {.initargs = {"-c", "sleep 1000"},
                           .extra = "<features><capabilities policy='default'><mknod state='on'/>"
                                    "</capabilities></features>"});
        d.start();
        HostCgroupDirs dirs = hostCgroupDirs(d.initPid());
        auto mknodMem = [&] {
            Captured c = execCapture(d, {"sh", "-c", "rm -f /tmp/mem; mknod /tmp/mem c 1 1"});
            return c;
        };
        if (!dirs.v1Devices.empty()) {
            // v1: the list holds the standard set and nothing wider
            std::string list = readText(dirs.v1Devices / "devices.list");
            CPPUNIT_ASSERT_MESSAGE(list, !has(list, "a *:* rwm"));
            CPPUNIT_ASSERT_MESSAGE(list, has(list, "c 1:3 rwm"));  // /dev/null
            CPPUNIT_ASSERT_MESSAGE(list, !has(list, "c 1:1 "));    // /dev/mem
            CPPUNIT_ASSERT_MESSAGE(list, !has(list, "b 8:0 "));    // a disk
        }
        if (dirs.v1Devices.empty() || dirs.unified.empty()) {
            // Not hybrid (a v2-only host, the v2 VM lane): the one layer there is stands
            // alone already, and must refuse by itself.
            Captured mem = mknodMem();
            CPPUNIT_ASSERT_MESSAGE("the one device layer let mknod /dev/mem through: " + mem.out,
                                   mem.status != 0 && has(mem.out, "Operation not permitted"));
            return;
        }
        // v2 alone: v1 opened to everything, the program must still refuse
        std::ofstream(dirs.v1Devices / "devices.allow") << "a";
        CPPUNIT_ASSERT(has(readText(dirs.v1Devices / "devices.list"), "a *:* rwm"));
        Captured mem = mknodMem();
        CPPUNIT_ASSERT_MESSAGE("the v2 program alone let mknod /dev/mem through: " + mem.out,
                               mem.status != 0 && has(mem.out, "Operation not permitted"));
        // v1 alone: the program detached, the list closed again to the standard set
        int detached = detachDevicePrograms(dirs.unified);
        CPPUNIT_ASSERT_MESSAGE("no device program on " + dirs.unified.string(), detached >= 1);
        std::ofstream(dirs.v1Devices / "devices.deny") << "a";
        std::ofstream(dirs.v1Devices / "devices.allow") << "c 1:3 rwm";
        mem = mknodMem();
        CPPUNIT_ASSERT_MESSAGE("the v1 list alone let mknod /dev/mem through: " + mem.out,
                               mem.status != 0 && has(mem.out, "Operation not permitted"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"),
                             run(d, {"sh", "-c", "echo x > /dev/null && echo ok"}));
    }

    // <inituser>evil</inituser> where the container's own /etc/passwd gives evil the uid
    // 4294967295: setresuid(-1) would keep root, so the start fails naming the user.
    void inituserOfNoUidInPasswdIsRefused() {
        fs::path root = dir_->path() / "root";
        fs::copy(rootfsDir(), root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        fs::create_directories(root / "etc");
        std::ofstream(root / "etc/passwd", std::ios::app) << "evil:x:4294967295:0::/:/bin/sh\n";
        std::string xml = containerXml(
            "cvirt-test-nouid", {.initargs = {"-c", "sleep 1000"},
                                 .devices = "<filesystem type='mount'><source dir='" +
                                            root.string() + "'/><target dir='/'/></filesystem>",
                                 .rootfs = false});
        xml.replace(xml.find("</os>"), 5, "<inituser>evil</inituser></os>");
        Domain d = conn_->define(xml, "nouid.xml");
        try {
            d.start();
            CPPUNIT_FAIL("init ran as an inituser whose uid is 4294967295");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "unknown inituser 'evil'"));
        }
        CPPUNIT_ASSERT(d.summary().state != DomainState::Running);
    }

    struct HostCgroupDirs {
        fs::path v1Devices, unified;
    };
    // Where init's cgroups are on the host: /proc/PID/cgroup against the host's mounts.
    static HostCgroupDirs hostCgroupDirs(int pid) {
        HostCgroupDirs out;
        std::string v1Mount, v2Mount;
        std::istringstream mounts(readText("/proc/self/mountinfo"));
        for (std::string line; std::getline(mounts, line);) {
            std::istringstream f(line);
            std::string id, parent, devno, root, point, opts, field;
            f >> id >> parent >> devno >> root >> point >> opts;
            while (f >> field && field != "-") {
            }
            std::string type, source, superOpts;
            f >> type >> source >> superOpts;
            if (type == "cgroup2" && v2Mount.empty()) v2Mount = point;
            if (type == "cgroup" && has("," + superOpts + ",", ",devices,")) v1Mount = point;
        }
        std::istringstream cg(procText("/proc/" + std::to_string(pid) + "/cgroup"));
        for (std::string line; std::getline(cg, line);) {
            size_t a = line.find(':'), b = line.find(':', a + 1);
            std::string ctl = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
            if (ctl.empty() && !v2Mount.empty()) out.unified = v2Mount + path;
            if (has("," + ctl + ",", ",devices,") && !v1Mount.empty())
                out.v1Devices = v1Mount + path;
        }
        return out;
    }
    // Detaches every BPF_CGROUP_DEVICE program from `dir`; returns how many there were.
    static int detachDevicePrograms(const fs::path& dir) {
        int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return -1;
        uint32_t ids[16] = {};
        bpf_attr q{};
        q.query.target_fd = static_cast<uint32_t>(fd);
        q.query.attach_type = BPF_CGROUP_DEVICE;
        q.query.prog_ids = reinterpret_cast<uint64_t>(ids);
        q.query.prog_cnt = 16;
        int n = 0;
        if (::syscall(SYS_bpf, BPF_PROG_QUERY, &q, sizeof q) == 0) {
            for (uint32_t i = 0; i < q.query.prog_cnt; ++i) {
                bpf_attr g{};
                g.prog_id = ids[i];
                int prog =
                    static_cast<int>(::syscall(SYS_bpf, BPF_PROG_GET_FD_BY_ID, &g, sizeof g));
                if (prog < 0) continue;
                bpf_attr det{};
                det.target_fd = static_cast<uint32_t>(fd);
                det.attach_bpf_fd = static_cast<uint32_t>(prog);
                det.attach_type = BPF_CGROUP_DEVICE;
                if (::syscall(SYS_bpf, BPF_PROG_DETACH, &det, sizeof det) == 0) ++n;
                ::close(prog);
            }
        }
        ::close(fd);
        return n;
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(LifecycleTest);
