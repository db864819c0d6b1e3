// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 14 finding 17: a failure that races a stop carries its reason. An exec whose
// command a destroy killed exited 255 or 137 without a word; a shutdown asked while the
// domain was being torn down printed "error: cannot shut down 'x':" and nothing after.
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
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

class StopRaceTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(StopRaceTest);
    CPPUNIT_TEST(execStoppedByDestroySaysWhy);
    CPPUNIT_TEST(shutdownDuringTeardownSaysWhy);
    CPPUNIT_TEST_SUITE_END();

    static bool has(const std::string& text, const std::string& part) {
        return text.find(part) != std::string::npos;
    }

    // Host processes whose command line holds `part`, each with its pid namespace (a
    // diagnostic for the case below).
    static std::string hostProcessesWith(const std::string& part) {
        std::string out;
        for (const auto& e : fs::directory_iterator("/proc")) {
            std::string pid = e.path().filename();
            if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
            std::string cmd = procText(e.path() / "cmdline");
            std::replace(cmd.begin(), cmd.end(), '\0', ' ');
            if (cmd.find(part) == std::string::npos) continue;
            std::error_code ec;
            out += pid + " [" + cmd + "] pidns " +
                   fs::read_symlink(e.path() / "ns/pid", ec).string() + "; ";
        }
        return out;
    }

    // Every process whose command line names cvirt, the test or sleep: pid, state, what it
    // waits in (wchan), command line; then /proc/locks.
    static std::string waitingProcesses() {
        std::string out;
        for (const auto& e : fs::directory_iterator("/proc")) {
            std::string pid = e.path().filename();
            if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
            std::string cmd = procText(e.path() / "cmdline");
            std::replace(cmd.begin(), cmd.end(), '\0', ' ');
            if (cmd.find("cvirt") == std::string::npos &&
                cmd.find("stop_race") == std::string::npos &&
                cmd.find("sleep") == std::string::npos)
                continue;
            std::string stat = procText(e.path() / "stat");
            size_t close = stat.rfind(')');
            std::string state = close == std::string::npos ? "?" : stat.substr(close + 2, 1);
            out += pid + " " + state + " " + procText(e.path() / "wchan") + " [" + cmd + "]; ";
        }
        return out + "locks: " + procText("/proc/locks");
    }

public:
    void execStoppedByDestroySaysWhy() {
        Domain d = conn_->define(
            containerXml("cvirt-test-execrace", {.initargs = {"-c", "sleep 1000"}}), "x.xml");
        d.start();
        std::string initNs = fs::read_symlink("/proc/" + std::to_string(d.initPid()) + "/ns/pid");
        Captured c;
        auto began = std::chrono::steady_clock::now();
        std::chrono::steady_clock::time_point ended;
        std::thread exec([&] {
            c = execCapture(d, {"sleep", "30"});
            ended = std::chrono::steady_clock::now();
        });
        // the command runs once a second process shows in the container
        std::string seen;
        bool running =
            waitUntil([&] { return has(seen = execCapture(d, {"ps"}).out, "sleep 30"); });
        std::string before = hostProcessesWith("sleep 30");
        // A destroy still waiting after 2 s: what each process of the test's is waiting on,
        // and the file locks held. (Loaded runs once saw a `ps` call, not the destroy, wait
        // 30 s: the command's forked child held that call's pipe; see testenv::pipeLock.)
        std::atomic<bool> destroyDone = false;
        std::string stuck;
        std::thread watch([&] {
            for (int i = 0; i < 200 && !destroyDone; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (destroyDone) return;
            stuck = waitingProcesses() + "; lock files:";
            std::error_code ec;
            for (const auto& f : fs::recursive_directory_iterator(dir_->path() / "run", ec))
                if (f.path().extension() == ".lock") {
                    struct stat st {};
                    ::stat(f.path().c_str(), &st);
                    stuck += " " + f.path().filename().string() + "=" + std::to_string(st.st_ino);
                }
        });
        d.destroy();
        destroyDone = true;
        watch.join();
        std::string after = hostProcessesWith("sleep 30");
        auto destroyed = std::chrono::steady_clock::now();
        exec.join();
        auto ms = [&](auto t) {
            return std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(t - began).count());
        };
        std::string story = "init's pid ns " + initNs + "; ps in the container: " + seen +
                            "; on the host before destroy: " + before + "; after: " + after +
                            "; while destroy waited: " + stuck + "; destroy returned at " +
                            ms(destroyed) + " ms, the command at " + ms(ended) + " ms: " + c.out +
                            " (status " + std::to_string(c.status) + ")";
        // (the story says what the container and the host held)
        CPPUNIT_ASSERT_MESSAGE("the command never showed in ps; " + story, running);
        CPPUNIT_ASSERT_MESSAGE(story, c.status != 0);
        // 137 (killed) or 255 (its way in refused) before, without a word
        CPPUNIT_ASSERT_MESSAGE(story, c.out.starts_with("exec failed: domain 'cvirt-test-execrace' "
                                                        "stopped while the command ran (it "
                                                        "ended with status "));
    }

    void shutdownDuringTeardownSaysWhy() {
        // The stopped hook holds the teardown for 2 s: the live state is still there, and
        // the controller no longer answers.
        fs::path hook = dir_->path() / "etc/cvirt/hooks/lxc";
        fs::create_directories(hook.parent_path());
        std::ofstream(hook) << "#!/bin/sh\ncat >/dev/null\n[ \"$2\" = stopped ] && sleep 2\n"
                               "exit 0\n";
        ::chmod(hook.c_str(), 0755);
        Domain d = conn_->define(
            containerXml("cvirt-test-shutrace", {.initargs = {"-c", "sleep 0.5"}}), "x.xml");
        d.start();
        std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // init has exited
        try {
            d.shutdown();
            CPPUNIT_FAIL("a domain being torn down was shut down");
        } catch (const Error& e) {
            std::string what = e.what();
            CPPUNIT_ASSERT_MESSAGE(what, !what.ends_with(":") && !what.ends_with(": "));
            CPPUNIT_ASSERT_EQUAL(std::string("domain 'cvirt-test-shutrace' is not running (it "
                                             "stopped while it was being shut down)"),
                                 what);
        }
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(StopRaceTest);
