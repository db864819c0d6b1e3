// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cvirt/error.h"
#include "util/process.h"

using namespace cvirt;
using namespace cvirt::util;

namespace {

using Clock = std::chrono::steady_clock;

long msSince(Clock::time_point t) {
    return static_cast<long>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

// Alive and not a zombie waiting for its reaper.
bool running(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return false;
    size_t paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

bool gone(int pid) {
    for (int i = 0; i < 200 && running(pid); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return !running(pid);
}

bool sigpipeBlockedOrPending() {
    sigset_t mask, pending;
    pthread_sigmask(SIG_BLOCK, nullptr, &mask);
    sigpending(&pending);
    return sigismember(&mask, SIGPIPE) || sigismember(&pending, SIGPIPE);
}

}  // namespace

class ProcessTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ProcessTest);
    CPPUNIT_TEST(catEchoesInput);
    CPPUNIT_TEST(catEchoesALargeInput);
    CPPUNIT_TEST(stderrAndExitCode);
    CPPUNIT_TEST(signalIsReported);
    CPPUNIT_TEST(missingProgram);
    CPPUNIT_TEST(timeoutKillsQuickly);
    CPPUNIT_TEST(timeoutKillsTheWholeGroup);
    CPPUNIT_TEST(childIgnoringStdin);
    CPPUNIT_TEST(childExitingBeforeReadingStdin);
    CPPUNIT_TEST(leftoverProcessDoesNotHoldTheCaller);
    CPPUNIT_TEST_SUITE_END();

    void catEchoesInput() {
        ProcessResult r = runProcess({"cat"}, "hello\nworld");
        CPPUNIT_ASSERT_EQUAL(std::string("hello\nworld"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string(), r.err);
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT(!r.timedOut);
        // the options form, with a deadline that does not pass
        r = runProcess({"cat"}, ProcessOptions{.input = "x", .timeoutMs = 10000});
        CPPUNIT_ASSERT_EQUAL(std::string("x"), r.out);
        CPPUNIT_ASSERT(!r.timedOut);
    }
    void catEchoesALargeInput() {
        // More than both pipes hold: writing and reading must take turns.
        std::string input;
        for (int i = 0; input.size() < (4u << 20); ++i)
            input += std::to_string(i) + "\n";
        ProcessResult r = runProcess({"cat"}, input);
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT(r.out == input);
    }
    void stderrAndExitCode() {
        ProcessResult r = runProcess({"sh", "-c", "echo out; echo err >&2; exit 3"});
        CPPUNIT_ASSERT_EQUAL(std::string("out\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("err\n"), r.err);
        CPPUNIT_ASSERT_EQUAL(3, r.status);
        CPPUNIT_ASSERT_EQUAL(0, r.termSignal);
    }
    void signalIsReported() {
        ProcessResult r = runProcess({"sh", "-c", "kill -TERM $$"});
        CPPUNIT_ASSERT_EQUAL(SIGTERM, r.termSignal);
        CPPUNIT_ASSERT_EQUAL(128 + SIGTERM, r.status);
        CPPUNIT_ASSERT(!r.timedOut);
    }
    void missingProgram() {
        ProcessResult r = runProcess({"/nonexistent/cvirt-program"});
        CPPUNIT_ASSERT_EQUAL(127, r.status);
        CPPUNIT_ASSERT_MESSAGE(
            r.err, r.err.find("cannot run /nonexistent/cvirt-program") != std::string::npos);
    }
    void timeoutKillsQuickly() {
        auto t0 = Clock::now();
        ProcessResult r = runProcess({"sleep", "10"}, ProcessOptions{.timeoutMs = 200});
        long ms = msSince(t0);
        CPPUNIT_ASSERT(r.timedOut);
        CPPUNIT_ASSERT_EQUAL(SIGKILL, r.termSignal);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(ms), ms >= 190 && ms < 2000);
    }
    void timeoutKillsTheWholeGroup() {
        // The shell waits for its child: both are killed, not only the shell.
        auto t0 = Clock::now();
        ProcessResult r =
            runProcess({"sh", "-c", "sleep 10 & echo $!; wait"}, ProcessOptions{.timeoutMs = 300});
        CPPUNIT_ASSERT(r.timedOut);
        CPPUNIT_ASSERT(msSince(t0) < 3000);
        int child = std::stoi(r.out);
        CPPUNIT_ASSERT_MESSAGE("the shell's child survived", gone(child));
    }
    void childIgnoringStdin() {
        // 1 MiB the child never reads: no deadlock on a full pipe, no SIGPIPE here (its default
        // action would end this test program).
        std::string big(1 << 20, 'x');
        auto t0 = Clock::now();
        ProcessResult r = runProcess({"sh", "-c", "sleep 0.2; echo done"}, big);
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("done\n"), r.out);
        CPPUNIT_ASSERT(msSince(t0) < 5000);
        CPPUNIT_ASSERT(!sigpipeBlockedOrPending());
    }
    void childExitingBeforeReadingStdin() {
        std::string big(1 << 20, 'x');
        ProcessResult r = runProcess({"true"}, big);
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        r = runProcess({"head", "-c", "10"}, big);  // reads a little, then closes
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string(10, 'x'), r.out);
        CPPUNIT_ASSERT(!sigpipeBlockedOrPending());
    }
    void leftoverProcessDoesNotHoldTheCaller() {
        // The background sleep keeps stdout open; the result comes when the shell exits.
        auto t0 = Clock::now();
        ProcessResult r = runProcess({"sh", "-c", "sleep 5 & echo $!"});
        CPPUNIT_ASSERT(msSince(t0) < 3000);
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        int child = std::stoi(r.out);
        ::kill(child, SIGKILL);
        CPPUNIT_ASSERT(gone(child));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ProcessTest);
