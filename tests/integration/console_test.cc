// SPDX-License-Identifier: GPL-3.0-or-later
// The controller's console side under abuse: clients that leave mid-stream, a flood of output
// with nobody attached (the domain log stays bounded and rotates), and a container that
// closes its console (no busy loop). After each, the controller still serves and destroy
// still works.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "conf/domain.h"
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

// utime + stime of `pid` in clock ticks; -1 once it is gone.
long cpuTicks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) return -1;
    std::istringstream fields(stat.substr(paren + 2));
    std::string f;
    long utime = 0, stime = 0;
    for (int i = 3; fields >> f; ++i) {  // field 3 is the state
        if (i == 14) utime = std::atol(f.c_str());
        if (i == 15) {
            stime = std::atol(f.c_str());
            break;
        }
    }
    return utime + stime;
}

long rssKiB(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

// Reads what `fd` sends for up to `ms`, at most `limit` bytes; stops early once `until`
// appeared (when given).
std::string readFor(int fd, int ms, size_t limit, const std::string& until = {}) {
    std::string seen;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (seen.size() < limit && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        seen.append(buf, static_cast<size_t>(n));
        if (!until.empty() && seen.find(until) != std::string::npos) break;
    }
    return seen;
}

}  // namespace

class ConsoleTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(ConsoleTest);
    CPPUNIT_TEST(clientsLeavingMidStream);
    CPPUNIT_TEST(floodWithNobodyAttachedIsBoundedAndRotated);
    CPPUNIT_TEST(containerClosingItsConsole);
    CPPUNIT_TEST(liveXmlNamesThePtyAndAliases);
    CPPUNIT_TEST(ttysAreMoreConsoles);
    CPPUNIT_TEST_SUITE_END();

    fs::path logOf(const std::string& name) const {
        return dir_->path() / "var/log/cvirt/lxc" / (name + ".log");
    }
    pid_t controllerOf(const std::string& name) const {
        std::string pids = readText(runDir() / (name + ".pid"));
        return std::atoi(pids.c_str());
    }
    // The controller's CPU time over `ms` while nothing happens, in clock ticks.
    static long idleTicks(pid_t pid, int ms) {
        long before = cpuTicks(pid);
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return cpuTicks(pid) - before;
    }
    void destroyAndCheckGone(Domain& d, pid_t controller) {
        d.destroy();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        CPPUNIT_ASSERT(waitUntil([&] { return !pidAlive(controller); }));
    }

public:
    // libvirt's live XML (issue 17): the console's host pty as tty='…' and <source path>,
    // which virt-manager and OpenStack read, and an alias on every device; the live XML parses
    // back to itself, and the stored definition has none of it.
    void liveXmlNamesThePtyAndAliases() {
        Domain d = conn_->define(
            containerXml("cvirt-test-live", {.initargs = {"-c", "exec sleep 1000"}}), "live.xml");
        d.start();
        pid_t ctl = controllerOf("cvirt-test-live");
        std::string live = d.xml();
        std::smatch m;
        CPPUNIT_ASSERT_MESSAGE(
            live, std::regex_search(live, m,
                                    std::regex("<console type='pty' tty='(/dev/pts/[0-9]+)'>\n"
                                               " *<source path='(/dev/pts/[0-9]+)'/>\n"
                                               " *<target type='lxc' port='0'/>\n"
                                               " *<alias name='console0'/>\n"
                                               " *</console>")));
        std::string tty = m[1].str();
        CPPUNIT_ASSERT_EQUAL(tty, m[2].str());
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(tty.c_str(), &st));
        CPPUNIT_ASSERT(S_ISCHR(st.st_mode));
        CPPUNIT_ASSERT_MESSAGE(tty, major(st.st_rdev) >= 136 && major(st.st_rdev) <= 143);
        // the controller holds that pty: the slave it opened is that very device
        bool held = false;
        for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(ctl) + "/fd")) {
            struct stat fst {};
            if (::stat(e.path().c_str(), &fst) == 0 && fst.st_rdev == st.st_rdev) held = true;
        }
        CPPUNIT_ASSERT_MESSAGE(tty, held);
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<target dir='/'/>\n      <alias name='fs0'/>"));
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<target dir='/tmp'/>\n      <alias name='fs1'/>"));
        // parse(format(live)) is the live XML again
        conf::DomainDef def = conf::parseDomain(live, {.filename = "live"});
        CPPUNIT_ASSERT_EQUAL(live, conf::formatDomain(def, {.id = d.summary().id}));
        std::string inactive = d.xml(true);
        CPPUNIT_ASSERT_MESSAGE(inactive, !has(inactive, "<alias") && !has(inactive, "tty="));
        // the live XML defines back as the same definition (libvirt ignores its runtime parts)
        conn_->define(live, "again.xml");
        CPPUNIT_ASSERT_EQUAL(inactive, d.xml(true));
        d.destroy();
    }

    // 200 clients attach while the container prints as fast as it can and go away mid-stream:
    // some after reading a little, some at once with output unread, some half-closing first.
    // The controller stays, and the next client reads output and reaches the shell.
    void clientsLeavingMidStream() {
        Domain d = conn_->define(
            containerXml("cvirt-test-con", {.initargs = {"-c",
                                                         "i=0; while :; do echo stream-$i; "
                                                         "i=$((i+1)); done & exec sh"}}),
            "con.xml");
        d.start();
        pid_t ctl = controllerOf("cvirt-test-con");
        for (int i = 0; i < 200; ++i) {
            int fd = d.openConsole(i % 7 == 0);  // now and then a forced takeover
            if (i % 3 == 0) {
                std::string got = readFor(fd, 2000, 4096, "stream-");
                CPPUNIT_ASSERT_MESSAGE("client " + std::to_string(i), has(got, "stream-"));
            } else if (i % 3 == 1) {
                ::shutdown(fd, SHUT_WR);  // the controller sees EOF first
                readFor(fd, 5, 1024);
            }
            ::close(fd);  // with whatever was still in flight unread
            CPPUNIT_ASSERT_MESSAGE("controller died after client " + std::to_string(i),
                                   pidAlive(ctl));
        }
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        int fd = d.openConsole();
        std::string cmd = "echo alive-$((6*7))\n";
        CPPUNIT_ASSERT(::write(fd, cmd.data(), cmd.size()) == static_cast<ssize_t>(cmd.size()));
        std::string got = readFor(fd, 20000, 64 << 20, "alive-42");
        ::close(fd);
        CPPUNIT_ASSERT_MESSAGE(got.substr(got.size() > 300 ? got.size() - 300 : 0),
                               has(got, "alive-42"));
        destroyAndCheckGone(d, ctl);
    }

    // `yes` for three seconds, nobody attached, with cvirt.conf limiting the log to 64 KiB
    // and 2 backups: no file passes the limit, there is no third backup, the newest file ends
    // in whole flood lines, the controller stays small and idle afterwards.
    void floodWithNobodyAttachedIsBoundedAndRotated() {
        const uintmax_t limit = 65536;
        fs::create_directories(dir_->path() / "etc/cvirt");
        std::ofstream(dir_->path() / "etc/cvirt/cvirt.conf")
            << "log_max_size = " << limit << "\nlog_max_backups = 2\n";
        Domain d = conn_->define(
            containerXml("cvirt-test-flood",
                         {.initargs = {"-c",
                                       "yes flooding-the-console-with-nobody-attached & "
                                       "sleep 3; kill $!; echo flood-over; sleep 1000"}}),
            "flood.xml");
        d.start();
        pid_t ctl = controllerOf("cvirt-test-flood");
        long rssStart = rssKiB(ctl);
        fs::path log = logOf("cvirt-test-flood");
        std::string text;
        CPPUNIT_ASSERT(waitUntil([&] {
            // (the file may be renamed away between a check and the read: a rotation)
            std::ifstream in(log);
            std::ostringstream all;
            if (in) all << in.rdbuf();
            text = all.str();
            return has(text, "flood-over");
        }));
        CPPUNIT_ASSERT(pidAlive(ctl));
        long rssEnd = rssKiB(ctl);
        uintmax_t total = 0;
        std::printf("\nflood: controller rss %ld KiB at start, %ld KiB after the flood;", rssStart,
                    rssEnd);
        for (const std::string suffix : {"", ".1", ".2"}) {
            fs::path p = log.string() + suffix;
            CPPUNIT_ASSERT_MESSAGE(p.string() + " missing", fs::exists(p));
            uintmax_t size = fs::file_size(p);
            total += size;
            std::printf(" %s %ju bytes;", p.filename().c_str(), size);
            CPPUNIT_ASSERT_MESSAGE(p.string() + ": " + std::to_string(size), size <= limit);
        }
        std::printf("\n");
        std::fflush(stdout);
        CPPUNIT_ASSERT(!fs::exists(log.string() + ".3"));
        CPPUNIT_ASSERT(total > limit);  // it did rotate
        // what precedes the final marker in the newest file is flood lines, cut at most at
        // a rotation, never interleaved
        std::string backup = readText(log.string() + ".1");
        CPPUNIT_ASSERT(has(backup, "flooding-the-console-with-nobody-attached\n"));
        CPPUNIT_ASSERT_MESSAGE(std::to_string(rssEnd),
                               rssEnd > 0 && rssEnd - rssStart < 4096);  // no buffering
        CPPUNIT_ASSERT_MESSAGE("controller busy while idle", idleTicks(ctl, 2000) <= 20);
        destroyAndCheckGone(d, ctl);
    }

    // init closes stdin, stdout and stderr (its only hold on the console) and sleeps: the
    // controller must not spin on a hung-up pty; output reopened on /dev/console still
    // reaches the log, and destroy works.
    void containerClosingItsConsole() {
        Domain d = conn_->define(
            containerXml("cvirt-test-close", {.initargs = {"-c",
                                                           "echo before-close; exec 0<&- 1>&- "
                                                           "2>&-; exec sleep 1000"}}),
            "close.xml");
        d.start();
        pid_t ctl = controllerOf("cvirt-test-close");
        fs::path log = logOf("cvirt-test-close");
        CPPUNIT_ASSERT(
            waitUntil([&] { return fs::exists(log) && has(readText(log), "before-close"); }));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // init has closed them
        long ticks = idleTicks(ctl, 2000);
        std::printf("\nclosed console: controller used %ld ticks in 2 s\n", ticks);
        std::fflush(stdout);
        CPPUNIT_ASSERT_MESSAGE("controller spins: " + std::to_string(ticks) + " ticks in 2 s",
                               ticks <= 20);
        run(d, {"sh", "-c", "echo back-on-the-console > /dev/console"});
        CPPUNIT_ASSERT(waitUntil([&] { return has(readText(log), "back-on-the-console"); }));
        int fd = d.openConsole();  // a client still attaches
        ::close(fd);
        CPPUNIT_ASSERT(pidAlive(ctl));
        destroyAndCheckGone(d, ctl);
    }

    // lxc.tty.max = 3 as libvirt converts it: three <console>s. Console I is /dev/ttyI+1
    // inside (the first also /dev/console), each its own pty, reached by its name.
    void ttysAreMoreConsoles() {
        Domain d =
            conn_->define(containerXml("cvirt-test-ttys", {.initargs = {"-c", "exec sleep 1000"},
                                                           .devices = "<console type='pty'/>"
                                                                      "<console type='pty'/>"}),
                          "ttys.xml");
        d.start();
        int first = d.openConsole();
        int second = d.openConsole(false, "console1");
        int third = d.openConsole(false, "console2");
        run(d, {"sh", "-c",
                "echo on-tty2 > /dev/tty2; echo on-tty3 > /dev/tty3; echo on-tty1 > /dev/tty1; "
                "echo on-console > /dev/console"});
        std::string got1 = readFor(first, 5000, 4096, "on-console");
        std::string got2 = readFor(second, 5000, 4096, "on-tty2");
        std::string got3 = readFor(third, 5000, 4096, "on-tty3");
        CPPUNIT_ASSERT_MESSAGE(got1, has(got1, "on-tty1") && has(got1, "on-console"));
        CPPUNIT_ASSERT_MESSAGE(got1, !has(got1, "on-tty2") && !has(got1, "on-tty3"));
        CPPUNIT_ASSERT_MESSAGE(got2, has(got2, "on-tty2") && !has(got2, "on-tty3"));
        CPPUNIT_ASSERT_MESSAGE(got3, has(got3, "on-tty3") && !has(got3, "on-tty2"));
        // one client per console: a second one on console1 is refused, console2's is not
        // affected; a console that is not there is named
        try {
            ::close(d.openConsole(false, "console1"));
            CPPUNIT_FAIL("a second client attached to console1");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "in use"));
        }
        try {
            ::close(d.openConsole(false, "console3"));
            CPPUNIT_FAIL("console3 opened");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(),
                                   has(e.what(), "cannot find character device 'console3'"));
        }
        for (int fd : {first, second, third})
            ::close(fd);
        destroyAndCheckGone(d, controllerOf("cvirt-test-ttys"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ConsoleTest);
