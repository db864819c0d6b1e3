// SPDX-License-Identifier: GPL-3.0-or-later
// Lifecycle events: what one process does, another sees — through Connection::events() and
// `cvirsh event`, for changes made by the API, by controllers and by a container ending.
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>

#include "cvirt/connection.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

class EventsTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(EventsTest);
    CPPUNIT_TEST(lifecycleInOrder);
    CPPUNIT_TEST(aContainerEndingOnItsOwn);
    CPPUNIT_TEST(aCrashIsReportedOnce);
    CPPUNIT_TEST(shellEventCommand);
    CPPUNIT_TEST_SUITE_END();

    // "event detail" lines of `name` until `count` arrived or `seconds` passed.
    std::vector<std::string> collect(EventStream& events, const std::string& name, size_t count,
                                     int seconds = 20) {
        std::vector<std::string> out;
        auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        while (out.size() < count && std::chrono::steady_clock::now() < end)
            for (const auto& e : events.wait(500))
                if (e.domain == name) out.push_back(e.event + " " + e.detail);
        return out;
    }
    static std::string joined(const std::vector<std::string>& v) {
        std::string s;
        for (const auto& l : v)
            s += l + "\n";
        return s;
    }

    void lifecycleInOrder() {
        // sh as init ignores SIGTERM: shutdown ends it at shutdown_timeout
        std::filesystem::create_directories(dir_->path() / "etc/cvirt");
        std::ofstream(dir_->path() / "etc/cvirt/cvirt.conf") << "shutdown_timeout = 2\n";
        EventStream events = conn_->events();
        Domain d =
            conn_->define(containerXml("ev1", {.initargs = {"-c", "sleep 1000"}}), "ev1.xml");
        conn_->define(containerXml("ev1", {.initargs = {"-c", "sleep 999"}}), "ev1.xml");
        d.start();
        d.suspend();
        d.resume();
        d.reboot();
        d.shutdown();
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Shutoff; }));
        d.start();
        d.destroy();
        d.undefine();
        CPPUNIT_ASSERT_EQUAL(std::string("defined added\ndefined updated\nstarted booted\n"
                                         "suspended paused\nresumed unpaused\nreboot -\n"
                                         "stopped shutdown\nstarted booted\nstopped destroyed\n"
                                         "undefined removed\n"),
                             joined(collect(events, "ev1", 10)));
    }

    void aContainerEndingOnItsOwn() {
        Domain d = conn_->define(containerXml("ev2", {.init = "/bin/true"}), "ev2.xml");
        EventStream events = conn_->events();
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("started booted\nstopped shutdown\n"),
                             joined(collect(events, "ev2", 2)));
    }

    void aCrashIsReportedOnce() {
        Domain d =
            conn_->define(containerXml("ev3", {.initargs = {"-c", "sleep 1000"}}), "ev3.xml");
        d.start();
        EventStream events = conn_->events();
        int controller = std::stoi(readText(runDir() / "ev3.pid"));
        ::kill(controller, SIGKILL);
        CPPUNIT_ASSERT(waitUntil([&] { return !pidAlive(controller); }));
        // two readers notice; one event
        Connection other = Connection::open(dir_->embedUri());
        other.lookup("ev3").summary();
        d.summary();
        // a second event would come at once: 2 s is plenty to see none
        CPPUNIT_ASSERT_EQUAL(std::string("stopped crashed\n"),
                             joined(collect(events, "ev3", 2, 2)));
    }

    // Readiness, seen from outside: a `cvirsh … event` of this root whose arguments include
    // `word` has its inotify watch open (EventFollower sets it up before it reads the end of
    // the journal), so an event made from now on reaches it.
    void waitFollowing(const std::string& word) {
        std::string uri = dir_->embedUri();
        for (int i = 0; i < 2000; ++i) {
            std::error_code ec;
            for (const auto& p : fs::directory_iterator("/proc", ec)) {
                std::string cmd = procText(p.path() / "cmdline");
                std::replace(cmd.begin(), cmd.end(), '\0', ' ');
                if (!has(cmd, uri) || !has(cmd, " event ") || !has(cmd, word)) continue;
                for (const auto& fd : fs::directory_iterator(p.path() / "fd", ec)) {
                    std::error_code e2;
                    if (fs::read_symlink(fd.path(), e2).string() == "anon_inode:inotify") return;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        CPPUNIT_FAIL("cvirsh event never started following (" + word + ")");
    }

    void shellEventCommand() {
        std::string cvirsh = (binDir() / "cvirsh").string();
        conn_->define(containerXml("ev4", {.initargs = {"-c", "sleep 1000"}}), "ev4.xml");
        // one-shot: the first lifecycle event of ev4, then exit
        auto waiter = std::async(std::launch::async, [&] {
            return testenv::run({cvirsh, "-c", dir_->embedUri(), "event", "ev4", "--event",
                                 "lifecycle", "--timeout", "20"});
        });
        waitFollowing("ev4");  // it follows from now on
        conn_->lookup("ev4").start();
        RunResult r = waiter.get();
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("event 'lifecycle' for domain 'ev4': Started Booted\n"
                                         "events received: 1\n\n"),
                             r.out);
        // --loop with a timeout and a timestamp, an event made by another cvirsh. The timeout
        // runs from the loop's start: it covers the wait for it to follow and the destroy,
        // each of which took seconds on a loaded CI machine (concurrency_test beside it).
        auto loop = std::async(std::launch::async, [&] {
            return testenv::run({cvirsh, "-c", dir_->embedUri(), "event", "--all", "--loop",
                                 "--timeout", "10", "--timestamp"});
        });
        waitFollowing("--all");
        CPPUNIT_ASSERT_EQUAL(
            0, testenv::run({cvirsh, "-c", dir_->embedUri(), "destroy", "ev4"}).status);
        r = loop.get();
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out,
                                          "+0000: event 'lifecycle' for domain 'ev4': "
                                          "Stopped Destroyed\n"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "event loop timed out\nevents received: 1\n"));
        // bad input
        r = testenv::run({cvirsh, "-c", dir_->embedUri(), "event"});
        CPPUNIT_ASSERT(r.status != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "error: one of --list, --all, or --event"));
        r = testenv::run({cvirsh, "-c", dir_->embedUri(), "event", "--list"});
        CPPUNIT_ASSERT_EQUAL(std::string("lifecycle\nreboot\n\n"), r.out);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(EventsTest);
