// SPDX-License-Identifier: GPL-3.0-or-later
// The lifecycle as an operator types it: cvirsh start, exec, console, reboot, destroy, across
// separate cvirsh processes.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/container_util.h"
#include "support/shell_fixture.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

class ShellLifecycleTest : public ShellFixture {
    CPPUNIT_TEST_SUITE(ShellLifecycleTest);
    CPPUNIT_TEST(startListExecDestroy);
    CPPUNIT_TEST(consoleUnderPty);
    CPPUNIT_TEST(autodestroy);
    CPPUNIT_TEST(autodestroyWhenKilled);
    CPPUNIT_TEST(onPoweroffRestart);
    CPPUNIT_TEST(autostartRun);
    CPPUNIT_TEST(controllerThatCannotRunIsNamed);
    CPPUNIT_TEST(forkedControllerLooksExeced);
    CPPUNIT_TEST(createRefusedBySchemaLeavesNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void startListExecDestroy() {
        define("cvirt-test-sh", {.initargs = {"-c", "sleep 1000"}});
        RunResult r = sh({"start", "cvirt-test-sh"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, std::string("Domain 'cvirt-test-sh' started\n\n"),
                                     r.out);
        r = sh({"list"});
        CPPUNIT_ASSERT_MESSAGE(r.out, r.out.find("cvirt-test-sh   running") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("running (booted)\n\n"),
                             sh({"domstate", "--reason", "cvirt-test-sh"}).out);
        r = sh({"exec", "cvirt-test-sh", "--", "hostname"});
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-sh\n"), r.out);
        r = sh(
            {"lxc-enter-namespace", "cvirt-test-sh", "--noseclabel", "--", "sh", "-c", "exit 7"});
        CPPUNIT_ASSERT_EQUAL(7, r.status);  // the command's status is cvirsh's
        CPPUNIT_ASSERT_EQUAL(1, sh({"start", "cvirt-test-sh"}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: Failed to start domain 'cvirt-test-sh'\n"
                                         "error: Requested operation is not valid: domain is "
                                         "already active\n"),
                             sh({"start", "cvirt-test-sh"}).err);
        r = sh({"destroy", "cvirt-test-sh"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'cvirt-test-sh' destroyed\n\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("shut off (destroyed)\n\n"),
                             sh({"domstate", "--reason", "cvirt-test-sh"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("error: Failed to destroy domain 'cvirt-test-sh'\n"
                                         "error: Requested operation is not valid: domain is not "
                                         "running\n"),
                             sh({"destroy", "cvirt-test-sh"}).err);
    }
    void consoleUnderPty() {
        define("cvirt-test-shc", {});
        CPPUNIT_ASSERT_EQUAL(0, sh({"start", "cvirt-test-shc"}).status);
        int master;
        pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
        if (pid == 0) {
            std::string bin = (binDir() / "cvirsh").string(), uri = dir_->embedUri();
            ::execl(bin.c_str(), bin.c_str(), "-c", uri.c_str(), "console", "cvirt-test-shc",
                    nullptr);
            _exit(127);
        }
        std::string seen;
        auto waitFor = [&](const std::string& text) {
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (seen.find(text) == std::string::npos &&
                   std::chrono::steady_clock::now() < deadline) {
                pollfd p{master, POLLIN, 0};
                if (::poll(&p, 1, 100) <= 0) continue;
                char buf[512];
                ssize_t n = ::read(master, buf, sizeof buf);
                if (n <= 0) break;
                seen.append(buf, static_cast<size_t>(n));
            }
            return seen.find(text) != std::string::npos;
        };
        CPPUNIT_ASSERT_MESSAGE(seen, waitFor("Escape character is ^] (Ctrl + ])"));
        std::string cmd = "echo inside-$((6*7))\r";
        CPPUNIT_ASSERT(::write(master, cmd.data(), cmd.size()) > 0);
        CPPUNIT_ASSERT_MESSAGE(seen, waitFor("inside-42"));
        CPPUNIT_ASSERT(::write(master, "\x1d", 1) == 1);  // Ctrl-]
        int st = 0;
        ::waitpid(pid, &st, 0);
        ::close(master);
        CPPUNIT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        // the container keeps running after the client leaves
        CPPUNIT_ASSERT_EQUAL(std::string("running\n\n"), sh({"domstate", "cvirt-test-shc"}).out);
    }
    void autodestroy() {
        define("cvirt-test-auto", {.initargs = {"-c", "sleep 1000"}});
        RunResult r = sh({"start --autodestroy cvirt-test-auto; domstate cvirt-test-auto"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'cvirt-test-auto' started\n\nrunning\n\n"), r.out);
        // cvirsh has exited: the domain went with it
        CPPUNIT_ASSERT_EQUAL(std::string("shut off\n\n"), sh({"domstate", "cvirt-test-auto"}).out);
    }
    // virsh's meaning: the connection's death, not a clean exit, is what destroys it
    void autodestroyWhenKilled() {
        define("cvirt-test-autokill", {.initargs = {"-c", "sleep 1000"}});
        int in[2];
        pid_t pid;
        {
            auto lock = pipeLock();
            CPPUNIT_ASSERT(::pipe2(in, O_CLOEXEC) == 0);
            pid = forkChild();
            if (pid == 0) {
                ::dup2(in[0], STDIN_FILENO);  // an interactive cvirsh reading our pipe
                execArgv({(binDir() / "cvirsh").string(), "-q", "-c", dir_->embedUri()});
            }
            ::close(in[0]);
        }
        CPPUNIT_ASSERT(pid > 0);
        std::string line = "start --autodestroy cvirt-test-autokill\n";
        CPPUNIT_ASSERT(::write(in[1], line.data(), line.size()) > 0);
        auto waitState = [&](const std::string& want) {
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (sh({"domstate", "--reason", "cvirt-test-autokill"}).out != want &&
                   std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            return sh({"domstate", "--reason", "cvirt-test-autokill"}).out == want;
        };
        CPPUNIT_ASSERT(waitState("running (booted)\n\n"));
        ::kill(pid, SIGKILL);
        int st = 0;
        ::waitpid(pid, &st, 0);
        ::close(in[1]);
        CPPUNIT_ASSERT(waitState("shut off (destroyed)\n\n"));
    }
    void onPoweroffRestart() {
        // the marker outlives a restart (the container's /tmp is a new tmpfs each time)
        std::string keep = (dir_->path() / "keep").string();
        std::filesystem::create_directories(keep);
        define("cvirt-test-poweroff",
               {.initargs = {"-c", "test -e /keep/again && sleep 1000; touch /keep/again"},
                .extra = "<on_poweroff>restart</on_poweroff>",
                .devices = "<filesystem type='mount'><source dir='" + keep +
                           "'/><target dir='/keep'/></filesystem>"});
        CPPUNIT_ASSERT_EQUAL(0, sh({"start", "cvirt-test-poweroff"}).status);
        std::string id = sh({"domid", "cvirt-test-poweroff"}).out;
        // init exits at once; on_poweroff restart brings it back (same id), the second time it
        // stays
        for (int i = 0; i < 1500; ++i) {
            if (sh({"exec", "cvirt-test-poweroff", "--", "test", "-e", "/keep/again"}).status == 0)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        CPPUNIT_ASSERT_EQUAL(std::string("running\n\n"),
                             sh({"domstate", "cvirt-test-poweroff"}).out);
        CPPUNIT_ASSERT_EQUAL(id, sh({"domid", "cvirt-test-poweroff"}).out);
    }
    void autostartRun() {
        define("cvirt-test-sh", {.initargs = {"-c", "sleep 1000"}});
        define("cvirt-test-shc", {.initargs = {"-c", "sleep 1000"}});
        sh({"autostart", "cvirt-test-sh"});
        RunResult r = sh({"autostart-run"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'cvirt-test-sh' started\n\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-sh\n\n"), sh({"list", "--name"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), sh({"autostart-run"}).out);  // already running
    }
    // A controller binary that cannot be executed: one error naming it and why, exit 1 (the
    // shell used to die of SIGPIPE writing the XML, silently, with 141), nothing left.
    void controllerThatCannotRunIsNamed() {
        define("cvirt-test-noctl", {.initargs = {"-c", "sleep 1000"}});
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri(),
                                         "start", "cvirt-test-noctl"};
        RunResult r = run(argv, {}, {"CVIRT_LXC_CONTROLLER=/nonexistent/cvirt-lxc-controller"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: Failed to start domain 'cvirt-test-noctl'\n"
                                         "error: cannot execute the controller "
                                         "'/nonexistent/cvirt-lxc-controller': No such file or "
                                         "directory\n"),
                             r.err);
        CPPUNIT_ASSERT_EQUAL(std::string("shut off\n\n"), sh({"domstate", "cvirt-test-noctl"}).out);
        CPPUNIT_ASSERT_EQUAL(0, sh({"start", "cvirt-test-noctl"}).status);
    }
    // cvirsh forks the controller without exec (cvirt/controller_spawn.h): ps, the tests and
    // the container see what an exec'd cvirt-lxc-controller would show them.
    void forkedControllerLooksExeced() {
        define("cvirt-test-fork", {.initargs = {"-c", "sleep 1000"}});
        ok({"start", "cvirt-test-fork"});
        std::string pid;
        std::istringstream(readText(dir_->path() / "run/cvirt/lxc/cvirt-test-fork.pid")) >> pid;
        fs::path proc = "/proc/" + pid;
        std::string cmd = procText(proc / "cmdline");
        std::replace(cmd.begin(), cmd.end(), '\0', ' ');
        CPPUNIT_ASSERT_MESSAGE(cmd, has(cmd, "cvirt-lxc-controller --uri " + dir_->embedUri() +
                                                 " --name cvirt-test-fork --id 1 --ready-fd 3"));
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-lxc-contr\n"), procText(proc / "comm"));
        // cvirsh's code, not the program's: the fork without exec did happen
        CPPUNIT_ASSERT_EQUAL((binDir() / "cvirsh").string(),
                             fs::read_symlink(proc / "exe").string());
        std::string status = procText(proc / "status");
        CPPUNIT_ASSERT_MESSAGE(status, has(status, "SigBlk:\t0000000000000000\n"));
        // SIGHUP and SIGPIPE ignored (the controller's own), nothing else inherited. Signals 32
        // and 33 are the C library's own (sigaction refuses them; it installs a handler of its
        // own on 33): whoever runs the test may pass them in ignored, so they are left out.
        size_t at = status.find("SigIgn:\t");
        CPPUNIT_ASSERT_MESSAGE(status, at != std::string::npos);
        const unsigned long long libcOwn = 0x3ull << 31;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(
            status, 0x1001ull, std::stoull(status.substr(at + 8, 16), nullptr, 16) & ~libcOwn);
        ok({"destroy", "cvirt-test-fork"});
    }
    // create's RelaxNG pass runs while the controller starts: XML only the schema refuses
    // fails as before, the controller gets nothing and leaves nothing, and the id is unused.
    void createRefusedBySchemaLeavesNothing() {
        std::string file = (dir_->path() / "bad.xml").string();
        std::string xml = containerXml("cvirt-test-bad", {});
        xml.replace(xml.find("</os>"), 5, "</os><metadata>text</metadata>");
        std::ofstream(file) << xml;
        RunResult r = sh({"create", file});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err,
                               r.err.starts_with("error: Failed to create domain from " + file +
                                                 "\nerror: XML error: " + file + ":"));
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, ": <metadata>: Expecting an element got text\n"));
        for (const auto& e : fs::directory_iterator("/proc")) {
            std::string cmd = procText(e.path() / "cmdline");
            CPPUNIT_ASSERT_MESSAGE(cmd, !has(cmd, dir_->path().string()));
        }
        for (const char* ext : {".xml", ".pid", ".sock", ".owner"})
            CPPUNIT_ASSERT(!fs::exists(dir_->path() / "run/cvirt/lxc" /
                                       ("cvirt-test-bad" + std::string(ext))));
        CPPUNIT_ASSERT(!fs::exists(dir_->path() / "var/log/cvirt/lxc/cvirt-test-bad.log"));
        std::string good = define("cvirt-test-good", {.initargs = {"-c", "sleep 1000"}});
        ok({"start", "cvirt-test-good"});
        CPPUNIT_ASSERT_EQUAL(std::string("1\n\n"), ok({"domid", "cvirt-test-good"}));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ShellLifecycleTest);
