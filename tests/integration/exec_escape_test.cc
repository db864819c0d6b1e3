// SPDX-License-Identifier: GPL-3.0-or-later
// The escape suite, part two: what a root inside a container can do to what the host puts
// into it (issue 14, escapes 1, 2 and 14). A racer inside (tests/integration/probe/
// exec_racer.cc) catches every process `cvirsh exec` makes, as early as it can, and must find
// each one as confined as itself, holding no host file and running no host executable it
// could reopen for writing; a descriptor the caller of `cvirsh start` or `exec` had open
// reaches neither the controller, init, nor the command; the caller's environment stays
// outside. Run as the host's root (no idmap) and with an <idmap>.
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>

#include "support/container_util.h"
#include "support/shell_fixture.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainers()) return m;
    return missingProbe("cvirt-exec-racer");
}

namespace {

const std::string kProbeFs = probeFilesystem();
const std::string kIdmap = kTestIdmap;

int field(const std::string& text, const std::string& key) {
    size_t at = text.find(key + "=");
    return at == std::string::npos ? -1 : std::atoi(text.c_str() + at + key.size() + 1);
}

// Every open descriptor of every process on the host that leads to `path`.
std::vector<std::string> holdersOf(const fs::path& path) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& p : fs::directory_iterator("/proc", ec)) {
        std::string pid = p.path().filename();
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        for (const auto& fd : fs::directory_iterator(p.path() / "fd", ec)) {
            std::error_code e2;
            if (fs::read_symlink(fd.path(), e2) == path) found.push_back(fd.path());
        }
    }
    return found;
}

}  // namespace

class ExecEscapeTest : public ShellFixture {
    CPPUNIT_TEST_SUITE(ExecEscapeTest);
    CPPUNIT_TEST(execChildIsBornConfined);
    CPPUNIT_TEST(execChildIsBornConfinedWithIdmap);
    CPPUNIT_TEST(callersDescriptorsStayOutside);
    CPPUNIT_TEST(callersEnvironmentStaysOutside);
    CPPUNIT_TEST_SUITE_END();

    // Starts the racer inside `name`, runs `rounds` one-shot `cvirsh exec`s beside it, stops it
    // and returns its report.
    std::string race(const std::string& name, const std::string& extra, int rounds) {
        define(name, {.initargs = {"-c", "sleep 1000"}, .extra = extra, .devices = kProbeFs});
        ok({"start", name});
        ok({"exec", name, "--", "sh", "-c",
            "/probe/cvirt-exec-racer /tmp/racer.stop /tmp/racer.out </dev/null >/dev/null "
            "2>&1 &"});
        for (int i = 0; i < rounds; ++i)
            ok({"exec", name, "--", "true"});
        ok({"exec", name, "--", "touch", "/tmp/racer.stop"});
        for (int i = 0; i < 200; ++i) {
            RunResult r = sh({"exec", name, "--", "cat", "/tmp/racer.out"});
            if (r.status == 0) return r.out;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CPPUNIT_FAIL("the racer wrote no report");
        return {};
    }

    void checkRace(const std::string& variant, const std::string& report, bool idmap) {
        std::cout << "  exec racer (" << variant << "): " << report << std::flush;
        CPPUNIT_ASSERT_MESSAGE(report, field(report, "caught") >= 1);  // it did see them
        CPPUNIT_ASSERT_EQUAL_MESSAGE(report, 0, field(report, "unconfined"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(report, 0, field(report, "hostfds"));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(report, 0, field(report, "exewritable"));
        if (idmap)  // not dumpable, and root inside has no CAP_SYS_PTRACE over the host's
            CPPUNIT_ASSERT_EQUAL_MESSAGE(report, 0, field(report, "foreignexe"));
    }

public:
    void execChildIsBornConfined() {
        checkRace("default", race("cvirt-test-xrace", "", 40), false);
    }

    void execChildIsBornConfinedWithIdmap() {
        if (!userNamespacesWork()) {
            skipCase("user namespaces unavailable");
            return;
        }
        checkRace("idmap", race("cvirt-test-xrace-u", kIdmap, 40), true);
    }

    // `cvirsh start 7<DIR` and `cvirsh exec … 7<DIR`: DIR is open in no process once start has
    // returned, and the command run by exec does not have it.
    void callersDescriptorsStayOutside() {
        fs::path secret = dir_->path() / "host-secret-dir";
        fs::create_directories(secret);
        define("cvirt-test-xfd", {.initargs = {"-c", "sleep 1000"}});
        std::string cvirsh = (binDir() / "cvirsh").string();
        std::string uri = dir_->embedUri();
        RunResult r =
            run({"/bin/sh", "-c",
                 "exec 7<'" + secret.string() + "' 8>>'" + secret.string() + "/log'; exec '" +
                     cvirsh + "' -c '" + uri + "' start cvirt-test-xfd"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        std::vector<std::string> held = holdersOf(secret);
        std::vector<std::string> log = holdersOf(secret / "log");
        held.insert(held.end(), log.begin(), log.end());
        std::string list;
        for (const auto& h : held)
            list += " " + h;
        CPPUNIT_ASSERT_MESSAGE("the caller's descriptors live on in:" + list, held.empty());
        std::string initFds = ok({"exec", "cvirt-test-xfd", "--", "ls", "/proc/1/fd"});
        CPPUNIT_ASSERT_EQUAL(std::string("0\n1\n2\n"), initFds);

        r = run({"/bin/sh", "-c",
                 "exec 7<'" + secret.string() + "'; exec '" + cvirsh + "' -c '" + uri +
                     "' exec cvirt-test-xfd -- sh -c 'ls /proc/$$/fd; true'"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out, std::string("0\n1\n2\n"), r.out);
        // a restarted init (guest reboot) is as clean
        ok({"reboot", "cvirt-test-xfd"});
        for (int i = 0; i < 100; ++i) {
            RunResult fds = sh({"exec", "cvirt-test-xfd", "--", "ls", "/proc/1/fd"});
            if (fds.status == 0 && fds.out == "0\n1\n2\n") return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        CPPUNIT_FAIL("the rebooted init has descriptors beyond stdio");
    }

    void callersEnvironmentStaysOutside() {
        define("cvirt-test-xenv", {.initargs = {"-c", "sleep 1000"}});
        ok({"start", "cvirt-test-xenv"});
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(),
                                         "-c",
                                         dir_->embedUri(),
                                         "exec",
                                         "cvirt-test-xenv",
                                         "--env",
                                         "GREETING=hello world",
                                         "--",
                                         "env"};
        RunResult r = run(argv, {}, {"CVIRT_TEST_SECRET=hunter2", "TERM=xterm-test"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, !has(r.out, "hunter2"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "GREETING=hello world\n"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "container=cvirt\n"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "TERM=xterm-test\n"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "PATH=/usr/local/sbin:"));
        r = sh({"exec", "cvirt-test-xenv", "--env", "1BAD=x", "--", "true"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, true,
                                     has(r.err, "error: invalid environment entry '1BAD=x'"));
        r = sh({"exec", "cvirt-test-xenv", "--", "/no/such/command"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err,
                                          "error: cannot execute '/no/such/command' in "
                                          "'cvirt-test-xenv': No such file or directory"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ExecEscapeTest);
