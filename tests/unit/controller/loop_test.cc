// SPDX-License-Identifier: GPL-3.0-or-later
// The controller loop without root: the lifecycle-action table, and the loop driving a fake
// guest (a sleep) under a temp root, with a hook script that writes into the same journal as
// the guest, so the order of every step is checked.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "conf/domain_def.h"
#include "controller/loop.h"
#include "controller/protocol.h"
#include "cvirt/error.h"
#include "state/runtime_state.h"
#include "state/uri.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::controller;
using conf::LifecycleAction;
namespace fs = std::filesystem;

namespace {

constexpr LifecycleAction kActions[] = {
    LifecycleAction::Destroy,         LifecycleAction::Restart,
    LifecycleAction::Preserve,        LifecycleAction::RenameRestart,
    LifecycleAction::CoredumpDestroy, LifecycleAction::CoredumpRestart};

// What a run of the fake guest does.
enum class Behaviour { Wait, IgnoreTerm, ExitAtOnce };

// A guest whose process is a sleep; every call is written to `journal`.
class FakeGuest : public Guest {
public:
    explicit FakeGuest(fs::path journal) : journal_(std::move(journal)) {}

    Loop* loop = nullptr;
    std::vector<Behaviour> runs{Behaviour::Wait};  // one per launch; the last one repeats
    Reboot reboot = Reboot::Restart;
    bool failPrepare = false;
    int failLaunch = -1;            // the launch (0 the first) that throws
    std::atomic<int> launches = 0;  // read by the test while the loop runs

    void note(const std::string& what) { std::ofstream(journal_, std::ios::app) << what << "\n"; }

    void prepare() override {
        note("guest prepare");
        if (failPrepare) throw Error(ErrorCode::OperationFailed, "prepare failed");
    }
    void launch() override {
        loop->startHook();
        int n = launches++;
        note("guest launch");
        if (n == failLaunch) throw Error(ErrorCode::OperationFailed, "launch failed");
        Behaviour b = runs[std::min(static_cast<size_t>(n), runs.size() - 1)];
        // SIGTERM held from before fork until the child ignores it: a shutdown asked at once
        // must not find it still on the default action.
        sigset_t term, old;
        sigemptyset(&term);
        sigaddset(&term, SIGTERM);
        ::pthread_sigmask(SIG_BLOCK, &term, &old);
        pid_t pid = ::fork();
        if (pid == 0) {
            if (b == Behaviour::ExitAtOnce) _exit(0);
            if (b == Behaviour::IgnoreTerm) ::signal(SIGTERM, SIG_IGN);
            ::sigprocmask(SIG_SETMASK, &old, nullptr);
            // exec, as init and qemu do: the loop's descriptors (a waiting client's
            // connection) close with it
            ::execl("/bin/sleep", "sleep", "1000", nullptr);
            _exit(127);
        }
        ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
        child_ = util::Child(pid);
    }
    util::Child& process() override { return child_; }
    void kill() noexcept override {
        note("guest kill");
        child_.signal(SIGKILL);
    }
    void askShutdown() override {
        note("guest shutdown");
        child_.signal(SIGTERM);
    }
    Reboot askReboot() override {
        note("guest reboot");
        return reboot;
    }
    GuestExit classifyExit(int status, const Asked& asked) override {
        note("guest exit");
        if (asked.reboot) return GuestExit::Reboot;
        if (WIFEXITED(status) || asked.shutdown) return GuestExit::Poweroff;
        return GuestExit::Crash;
    }
    void exitHandled(bool relaunched) noexcept override {
        note(relaunched ? "guest relaunched" : "guest stays down");
    }
    bool handleRequest(const std::string& line, util::Fd& client) override {
        if (line != "echo") return false;
        reply(client.get(), "ok echo");
        return true;
    }
    void release() noexcept override { note("guest release"); }

private:
    fs::path journal_;
    util::Child child_;
};

// One domain under a temp root, torn down by its owner as the controllers do.
struct Domain {
    testenv::TempDir dir;
    state::DriverPaths paths = state::driverPaths(state::DriverKind::Lxc, dir.path());
    fs::path journal = dir.path() / "journal";
    conf::DomainDef def;
    FakeGuest guest{journal};
    state::DriverConfig config;
    std::optional<Loop> loop;

    explicit Domain(unsigned shutdownTimeoutSec = 0) {
        def.name = "t1";
        fs::path hook = paths.configDir.parent_path() / "hooks" / "lxc";
        fs::create_directories(hook.parent_path());
        std::ofstream(hook) << "#!/bin/sh\necho \"hook $2 $3\" >> '" << journal.string() << "'\n";
        fs::permissions(hook, fs::perms::owner_all);
        config.shutdownTimeoutSec = shutdownTimeoutSec;
        loop.emplace(guest, def, paths, 7, config);
        guest.loop = &*loop;
    }
    ~Domain() { loop->tearDown(); }

    std::vector<std::string> steps() {
        std::vector<std::string> out;
        std::ifstream in(journal);
        for (std::string l; std::getline(in, l);)
            out.push_back(l);
        std::ofstream(journal, std::ios::trunc);
        return out;
    }
    std::string socket() const { return state::entryPath(paths.runDir, "t1", ".sock").string(); }
    std::string ask(std::string_view line) {
        util::Fd fd = connect(socket());
        return request(fd.get(), line);
    }
    // Sends `line`, reads the replies until the loop closes the connection.
    std::string askUntilClosed(std::string_view line) {
        util::Fd fd = connect(socket());
        sendRequest(fd.get(), line);
        std::string all;
        char buf[256];
        for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0;)
            all.append(buf, static_cast<size_t>(n));
        return all;
    }
    int reason() const { return state::RuntimeState(paths).shutoffReason("t1"); }
    bool live() const { return fs::exists(state::entryPath(paths.runDir, "t1", ".xml")); }
};

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& l : v)
        s += l + "\n";
    return s;
}

const std::string kStarted =
    "hook prepare begin\nguest prepare\nhook start begin\nguest launch\nhook started begin\n";
const std::string kTornDown = "guest kill\nhook stopped end\nguest release\nhook release end\n";

}  // namespace

class LoopTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LoopTest);
    CPPUNIT_TEST(destroyedStopsWhateverTheActions);
    CPPUNIT_TEST(actionsFollowHowTheGuestEnded);
    CPPUNIT_TEST(defaultsAreLibvirts);
    CPPUNIT_TEST(requestsAndDestroy);
    CPPUNIT_TEST(rebootByRestartAnswersOnceRunningAgain);
    CPPUNIT_TEST(rebootInPlaceAnswersAtOnce);
    CPPUNIT_TEST(shutdownIgnoredIsKilledAtTheDeadline);
    CPPUNIT_TEST(poweroffWithRestartRelaunches);
    CPPUNIT_TEST(failedRestartStopsAsFailed);
    CPPUNIT_TEST(failedStartIsUndone);
    CPPUNIT_TEST_SUITE_END();

public:
    void destroyedStopsWhateverTheActions() {
        for (LifecycleAction a : kActions)
            for (GuestExit how : {GuestExit::Poweroff, GuestExit::Reboot, GuestExit::Crash}) {
                conf::DomainDef def;
                def.onPoweroff = def.onReboot = def.onCrash = a;
                ExitDecision d = decideExit(def, true, how);
                CPPUNIT_ASSERT(d.action == LifecycleAction::Destroy);
                CPPUNIT_ASSERT_EQUAL(kShutoffDestroyed, d.reason);
                CPPUNIT_ASSERT(!d.restart());
            }
    }

    // Each way of ending reads its own element, and only that one.
    void actionsFollowHowTheGuestEnded() {
        for (LifecycleAction a : kActions)
            for (LifecycleAction other : {LifecycleAction::Destroy, LifecycleAction::Restart}) {
                conf::DomainDef def;
                def.onPoweroff = def.onReboot = def.onCrash = other;
                def.onPoweroff = a;
                ExitDecision d = decideExit(def, false, GuestExit::Poweroff);
                CPPUNIT_ASSERT(d.action == a);
                CPPUNIT_ASSERT_EQUAL(kShutoffShutdown, d.reason);
                CPPUNIT_ASSERT_EQUAL(conf::restarts(a), d.restart());
                def.onPoweroff = other;
                def.onReboot = a;
                d = decideExit(def, false, GuestExit::Reboot);
                CPPUNIT_ASSERT(d.action == a);
                CPPUNIT_ASSERT_EQUAL(kShutoffShutdown, d.reason);
                def.onReboot = other;
                def.onCrash = a;
                d = decideExit(def, false, GuestExit::Crash);
                CPPUNIT_ASSERT(d.action == a);
                CPPUNIT_ASSERT_EQUAL(kShutoffCrashed, d.reason);
            }
    }

    void defaultsAreLibvirts() {
        conf::DomainDef def;
        CPPUNIT_ASSERT(decideExit(def, false, GuestExit::Poweroff).action ==
                       LifecycleAction::Destroy);
        CPPUNIT_ASSERT(decideExit(def, false, GuestExit::Reboot).action ==
                       LifecycleAction::Restart);
        CPPUNIT_ASSERT(decideExit(def, false, GuestExit::Crash).action == LifecycleAction::Destroy);
    }

    void requestsAndDestroy() {
        Domain d;
        d.loop->start();
        CPPUNIT_ASSERT_EQUAL(kStarted, joined(d.steps()));
        CPPUNIT_ASSERT(d.live());
        pid_t pid = d.guest.process().pid();
        auto run = std::async(std::launch::async, [&] { return d.loop->run(); });
        CPPUNIT_ASSERT_EQUAL("ok " + std::to_string(pid), d.ask("ping"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok echo"), d.ask("echo"));
        auto unknown = decodeError(d.ask("frob"));
        CPPUNIT_ASSERT(unknown && unknown->code() == ErrorCode::InvalidArg);
        CPPUNIT_ASSERT_EQUAL(std::string("unknown request 'frob'"), std::string(unknown->what()));
        auto console = decodeError(d.ask("console"));
        CPPUNIT_ASSERT(console && console->code() == ErrorCode::OperationInvalid);
        CPPUNIT_ASSERT_EQUAL(std::string("the domain has no serial console"),
                             std::string(console->what()));
        // "ok" at once, the close once everything is gone
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"), d.askUntilClosed("destroy"));
        CPPUNIT_ASSERT_EQUAL(0, run.get());
        CPPUNIT_ASSERT_EQUAL("guest kill\nguest exit\nguest stays down\n" + kTornDown,
                             joined(d.steps()));
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(kShutoffDestroyed), d.reason());
        CPPUNIT_ASSERT(!d.live());
        CPPUNIT_ASSERT(!fs::exists(d.socket()));
    }

    void rebootByRestartAnswersOnceRunningAgain() {
        Domain d;
        d.loop->start();
        d.steps();
        auto run = std::async(std::launch::async, [&] { return d.loop->run(); });
        pid_t first = d.guest.process().pid();
        CPPUNIT_ASSERT_EQUAL(std::string(""), d.askUntilClosed("reboot"));
        // no start hooks for a restart
        CPPUNIT_ASSERT_EQUAL(std::string("guest reboot\nguest kill\nguest exit\nguest launch\n"
                                         "guest relaunched\n"),
                             joined(d.steps()));
        std::string ping = d.ask("ping");
        CPPUNIT_ASSERT(ping != "ok " + std::to_string(first));
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"), d.askUntilClosed("destroy"));
        run.get();
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(kShutoffDestroyed), d.reason());
    }

    void rebootInPlaceAnswersAtOnce() {
        Domain d;
        d.guest.reboot = Guest::Reboot::InPlace;
        d.loop->start();
        d.steps();
        auto run = std::async(std::launch::async, [&] { return d.loop->run(); });
        pid_t pid = d.guest.process().pid();
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), d.ask("reboot"));
        CPPUNIT_ASSERT_EQUAL("ok " + std::to_string(pid), d.ask("ping"));
        CPPUNIT_ASSERT_EQUAL(std::string("guest reboot\n"), joined(d.steps()));
        d.askUntilClosed("destroy");
        run.get();
    }

    void shutdownIgnoredIsKilledAtTheDeadline() {
        Domain d(1);
        d.guest.runs = {Behaviour::IgnoreTerm};
        d.loop->start();
        d.steps();
        auto run = std::async(std::launch::async, [&] { return d.loop->run(); });
        auto asked = std::chrono::steady_clock::now();
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), d.ask("shutdown"));
        CPPUNIT_ASSERT_EQUAL(0, run.get());  // killed at 1 s, then stopped: on_poweroff destroy
        CPPUNIT_ASSERT(std::chrono::steady_clock::now() - asked >= std::chrono::milliseconds(900));
        CPPUNIT_ASSERT_EQUAL("guest shutdown\nguest exit\nguest stays down\n" + kTornDown,
                             joined(d.steps()));
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(kShutoffShutdown), d.reason());
    }

    void poweroffWithRestartRelaunches() {
        Domain d;
        d.def.onPoweroff = LifecycleAction::Restart;
        d.guest.runs = {Behaviour::ExitAtOnce, Behaviour::Wait};
        d.loop->start();
        d.steps();
        auto run = std::async(std::launch::async, [&] { return d.loop->run(); });
        for (int i = 0; i < 500 && d.guest.launches < 2; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        d.askUntilClosed("destroy");
        run.get();
        CPPUNIT_ASSERT_EQUAL(
            "guest exit\nguest launch\nguest relaunched\nguest kill\n"
            "guest exit\nguest stays down\n" +
                kTornDown,
            joined(d.steps()));
    }

    void failedRestartStopsAsFailed() {
        Domain d;
        d.def.onPoweroff = LifecycleAction::Restart;
        d.guest.runs = {Behaviour::ExitAtOnce};
        d.guest.failLaunch = 1;
        d.loop->start();
        d.steps();
        CPPUNIT_ASSERT_EQUAL(0, d.loop->run());
        CPPUNIT_ASSERT_EQUAL("guest exit\nguest launch\nguest stays down\n" + kTornDown,
                             joined(d.steps()));
        CPPUNIT_ASSERT_EQUAL(static_cast<int>(kShutoffFailed), d.reason());
        CPPUNIT_ASSERT(!d.live());
    }

    // The owner's teardown after a failed start: stopped and release hooks, what was made
    // removed, no stop reason (the domain never ran).
    void failedStartIsUndone() {
        std::vector<std::string> steps;
        {
            Domain d;
            d.guest.failPrepare = true;
            CPPUNIT_ASSERT_THROW(d.loop->start(), Error);
            d.loop->tearDown();
            steps = d.steps();
            CPPUNIT_ASSERT(!d.live());
            CPPUNIT_ASSERT(!fs::exists(d.socket()));
            CPPUNIT_ASSERT_EQUAL(0, d.reason());
        }
        CPPUNIT_ASSERT_EQUAL("hook prepare begin\nguest prepare\n" + kTornDown, joined(steps));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoopTest);
