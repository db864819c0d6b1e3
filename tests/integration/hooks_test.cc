// SPDX-License-Identifier: GPL-3.0-or-later
// Hook scripts around real containers: libvirt's order (prepare, start, started, stopped,
// release), fatal hooks that stop a start and leave nothing behind, the hook timeout,
// failures that stop nothing, reconnect from an interactive shell; and cvirt.conf's
// shutdown_timeout. Every host end lives in a network namespace of the test's own.
#include <cppunit/extensions/HelperMacros.h>
#include <sched.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cvirt/connection.h"
#include "net/netlink.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

namespace {
bool gOwnNetns = false;  // interfaces only where they cannot touch the host's
}

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainers()) return m;
    gOwnNetns = ::unshare(CLONE_NEWNET) == 0;
    return std::nullopt;
}

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

class HooksTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(HooksTest);
    CPPUNIT_TEST(startAndDestroyRunEveryHookInOrder);
    CPPUNIT_TEST(failingPrepareStopsTheStart);
    CPPUNIT_TEST(failingStartHookLeavesNothing);
    CPPUNIT_TEST(hookTimeoutStopsTheStart);
    CPPUNIT_TEST(failingLateHooksStopNothing);
    CPPUNIT_TEST(rebootRunsNoHooks);
    CPPUNIT_TEST(reattachRunsReconnect);
    CPPUNIT_TEST(interactiveShellReattaches);
    CPPUNIT_TEST(badConfigFailsTheStart);
    CPPUNIT_TEST(shutdownTimeoutKillsAStubbornInit);
    CPPUNIT_TEST_SUITE_END();

    fs::path record() const { return dir_->path() / "record"; }
    fs::path log(const std::string& name) const {
        return dir_->path() / "var/log/cvirt/lxc" / (name + ".log");
    }
    // A hook that appends "NAME OP SUBOP EXTRA name=yes|no id=yes|no" (whether the XML on its
    // stdin names the domain and carries an id) to record(), then runs `body`.
    void installHook(const std::string& body = {}) {
        fs::path script = dir_->path() / "etc/cvirt/hooks/lxc";
        fs::create_directories(script.parent_path());
        std::ofstream(script)
            << "#!/bin/sh\n"
               "xml=$(cat)\n"
               "named=no; case \"$xml\" in *\"<name>$1</name>\"*) named=yes;; esac\n"
               "id=no; case \"$xml\" in *\" id=\"*) id=yes;; esac\n"
               "echo \"$1 $2 $3 $4 name=$named id=$id\" >> "
            << record().string() << "\n"
            << body << "\n";
        ::chmod(script.c_str(), 0755);
    }
    void writeConfig(const std::string& text) {
        fs::create_directories(dir_->path() / "etc/cvirt");
        std::ofstream(dir_->path() / "etc/cvirt/cvirt.conf") << text;
    }
    std::vector<std::string> records() {
        std::vector<std::string> out;
        std::ifstream in(record());
        for (std::string line; std::getline(in, line);)
            out.push_back(line);
        return out;
    }
    static std::string joined(const std::vector<std::string>& lines) {
        std::string out;
        for (const auto& l : lines)
            out += l + "\n";
        return out;
    }
    Domain define(const std::string& name,
                  const CtOptions& o = {.initargs = {"-c", "sleep 1000"}}) {
        return conn_->define(containerXml(name, o), name + ".xml");
    }
    // start() must fail; returns its message.
    std::string startFailure(Domain& d) {
        try {
            d.start();
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == ErrorCode::HookFailed);
            return e.what();
        }
        CPPUNIT_FAIL("start succeeded");
        return {};
    }
    void assertNothingLeft(Domain& d) {
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        for (const char* ext : {".xml", ".pid", ".sock"})
            CPPUNIT_ASSERT_MESSAGE(d.name() + ext + " left behind",
                                   !fs::exists(runDir() / (d.name() + ext)));
        std::string cgroups = shell("find /sys/fs/cgroup -maxdepth 4 -name '" + d.name() + ".*'");
        CPPUNIT_ASSERT_MESSAGE("cgroup left behind: " + cgroups, cgroups.empty());
    }

public:
    void tearDown() override {
        ContainerFixture::tearDown();
        if (!gOwnNetns) return;
        net::Netlink nl = net::Netlink::open();
        for (const auto& l : nl.links())
            if (l.name.starts_with("cvt")) nl.deleteLink(l.name);
    }

    void startAndDestroyRunEveryHookInOrder() {
        installHook();
        Domain d = define("cvirt-test-hooks");
        d.start();
        d.destroy();  // returns once the release hook ran
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-hooks prepare begin - name=yes id=no\n"
                                         "cvirt-test-hooks start begin - name=yes id=no\n"
                                         "cvirt-test-hooks started begin - name=yes id=yes\n"
                                         "cvirt-test-hooks stopped end - name=yes id=yes\n"
                                         "cvirt-test-hooks release end - name=yes id=no\n"),
                             joined(records()));
        assertNothingLeft(d);
    }
    void failingPrepareStopsTheStart() {
        installHook("if [ \"$2\" = prepare ]; then echo nope >&2; exit 1; fi");
        Domain d = define("cvirt-test-hook-prepare");
        std::string msg = startFailure(d);
        CPPUNIT_ASSERT_MESSAGE(msg, has(msg,
                                        "Hook script execution failed: internal error: Child "
                                        "process (" +
                                            (dir_->path() / "etc/cvirt/hooks/lxc").string() +
                                            " cvirt-test-hook-prepare prepare begin -) "
                                            "unexpected exit status 1: nope"));
        assertNothingLeft(d);
        // libvirt's cleanup of a failed start: stopped and release still run
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-hook-prepare prepare begin - name=yes id=no\n"
                                         "cvirt-test-hook-prepare stopped end - name=yes id=no\n"
                                         "cvirt-test-hook-prepare release end - name=yes id=no\n"),
                             joined(records()));
        fs::remove(dir_->path() / "etc/cvirt/hooks/lxc");  // and it starts without the hook
        d.start();
        d.destroy();
    }
    void failingStartHookLeavesNothing() {
        CtOptions o{.initargs = {"-c", "sleep 1000"}};
        if (gOwnNetns) {
            net::Netlink nl = net::Netlink::open();
            nl.createBridge("cvtbrhk0");
            nl.changeLink("cvtbrhk0", {.up = true});
            o.devices =
                "<interface type='bridge'><source bridge='cvtbrhk0'/>"
                "<target dev='cvthk0'/></interface>";
        } else {
            skipCase("no network namespace of our own, no interface");
        }
        // The host end exists when the start hook runs.
        installHook(
            "if [ \"$2\" = start ]; then ip link show cvthk0 >/dev/null 2>&1 && echo veth-up >> " +
            record().string() + "; echo 'no start today' >&2; exit 3; fi");
        Domain d = define("cvirt-test-hook-start", o);
        std::string msg = startFailure(d);
        CPPUNIT_ASSERT_MESSAGE(msg, has(msg,
                                        "cvirt-test-hook-start start begin -) unexpected exit "
                                        "status 3: no start today"));
        CPPUNIT_ASSERT_MESSAGE(msg, !has(msg, "container init"));
        assertNothingLeft(d);
        std::vector<std::string> r = records();
        std::vector<std::string> want = {"cvirt-test-hook-start prepare begin - name=yes id=no",
                                         "cvirt-test-hook-start start begin - name=yes id=no"};
        if (gOwnNetns) want.push_back("veth-up");
        want.push_back("cvirt-test-hook-start stopped end - name=yes id=no");
        want.push_back("cvirt-test-hook-start release end - name=yes id=no");
        CPPUNIT_ASSERT_EQUAL(joined(want), joined(r));
        if (gOwnNetns) {
            net::Netlink nl = net::Netlink::open();
            CPPUNIT_ASSERT_MESSAGE("veth left behind", !nl.exists("cvthk0"));
        }
    }
    void hookTimeoutStopsTheStart() {
        writeConfig("# hooks must be quick here\nhook_timeout = 1\n");
        fs::path pidFile = dir_->path() / "sleeper.pid";
        installHook("if [ \"$2\" = prepare ]; then sleep 60 & echo $! > " + pidFile.string() +
                    "; wait; fi");
        Domain d = define("cvirt-test-hook-slow");
        auto t0 = Clock::now();
        std::string msg = startFailure(d);
        auto took = Clock::now() - t0;
        CPPUNIT_ASSERT_MESSAGE(msg, has(msg,
                                        "cvirt-test-hook-slow prepare begin -) killed after "
                                        "1 s (hook_timeout)"));
        CPPUNIT_ASSERT(took < std::chrono::seconds(8));
        assertNothingLeft(d);
        int sleeper = std::stoi(readText(pidFile));  // the hook's child went with the hook
        CPPUNIT_ASSERT(waitUntil([&] { return !pidAlive(sleeper); }));
    }
    void failingLateHooksStopNothing() {
        installHook("case \"$2\" in started|stopped) echo \"$2 hook broke\" >&2; exit 1;; esac");
        Domain d = define("cvirt-test-hook-stopped");
        d.start();  // a failing started hook is logged: the domain runs
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        d.destroy();
        assertNothingLeft(d);
        CPPUNIT_ASSERT_EQUAL(int(kShutoffDestroyed), d.summary().reason);
        std::vector<std::string> r = records();
        CPPUNIT_ASSERT_EQUAL(size_t(5), r.size());
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-hook-stopped release end - name=yes id=no"),
                             r.back());
        std::string text = readText(log("cvirt-test-hook-stopped"));
        CPPUNIT_ASSERT_MESSAGE(text, has(text,
                                         "cvirt-test-hook-stopped stopped end -) unexpected "
                                         "exit status 1: stopped hook broke"));
        CPPUNIT_ASSERT_MESSAGE(text, has(text,
                                         "cvirt-test-hook-stopped started begin -) unexpected "
                                         "exit status 1: started hook broke"));
    }
    void rebootRunsNoHooks() {
        installHook();
        Domain d = define("cvirt-test-hook-reboot");
        d.start();
        size_t before = records().size();
        d.reboot();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT_EQUAL(before, records().size());
        d.destroy();
    }
    void reattachRunsReconnect() {
        Domain d = define("cvirt-test-hook-reattach");
        Domain off = define("cvirt-test-hook-off");  // defined, not running: no hook
        d.start();
        conn_->reattach();  // no script: nothing happens
        installHook();
        conn_->reattach();
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-hook-reattach reconnect begin - name=yes "
                                         "id=yes\n"),
                             joined(records()));
        installHook("exit 1");  // a failing reconnect hook changes nothing
        conn_->reattach();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        d.destroy();
    }
    void interactiveShellReattaches() {
        Domain d = define("cvirt-test-hook-shell");
        d.start();
        installHook();
        std::string cvirsh = (binDir() / "cvirsh").string();
        RunResult oneShot = testenv::run({cvirsh, "-c", dir_->embedUri(), "list"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(oneShot.err, 0, oneShot.status);
        CPPUNIT_ASSERT_EQUAL(size_t(0), records().size());  // one-shot commands are no session
        RunResult session = testenv::run({cvirsh, "-c", dir_->embedUri()}, "list\nquit\n");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(session.err, 0, session.status);
        CPPUNIT_ASSERT(has(session.out, "cvirt-test-hook-shell"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("cvirt-test-hook-shell reconnect begin - name=yes id=yes\n"),
            joined(records()));
        d.destroy();
    }
    void badConfigFailsTheStart() {
        writeConfig("hook_timeout = 1\nhook_timeuot = 2\n");
        Domain d = define("cvirt-test-hook-conf");
        try {
            d.start();
            CPPUNIT_FAIL("start succeeded");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == ErrorCode::ConfigUnsupported);
            CPPUNIT_ASSERT_MESSAGE(e.what(),
                                   has(e.what(), "cvirt.conf:2: unknown key 'hook_timeuot'"));
        }
        assertNothingLeft(d);
    }
    void shutdownTimeoutKillsAStubbornInit() {
        writeConfig("shutdown_timeout = 1\n");
        Domain d =
            define("cvirt-test-stubborn", {.initargs = {"-c", "trap '' TERM PWR; sleep 1000"}});
        d.start();
        int init = d.initPid();
        auto t0 = Clock::now();
        d.shutdown();
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Shutoff; }));
        auto took = Clock::now() - t0;
        CPPUNIT_ASSERT_MESSAGE(
            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) +
                " ms",
            took >= std::chrono::milliseconds(900) && took < std::chrono::seconds(3));
        CPPUNIT_ASSERT(!pidAlive(init));
        // "shut off" shows once the live XML is gone; the controller removes the rest next
        CPPUNIT_ASSERT(waitUntil([&] { return !fs::exists(runDir() / (d.name() + ".pid")); }));
        assertNothingLeft(d);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(HooksTest);
