// SPDX-License-Identifier: GPL-3.0-or-later
// Wedges and lost control (issue 14, findings 8–11): what a dead, stopped or racing controller,
// a pid the kernel reused, or a full state disk must not do — keep a domain "running" that is
// not, kill a process that is not the domain's, hang a command forever, or leave the kernel
// and the record disagreeing. Every command runs with a deadline, so a wedge fails the case
// instead of hanging the suite.
//
// The binary runs in pid and mount namespaces of its own (a reaper as pid 1, a /proc of the
// namespace): only the test's processes take pids there, so it can hand a dead process's pid
// to another one on purpose (ns_last_pid), and its tmpfs mounts are nobody else's.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <thread>

#include "cgroup/domain_cgroup.h"
#include "cgroup/layout.h"
#include "state/uri.h"
#include "support/container_util.h"
#include "support/test_util.h"
#include "util/process.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

namespace {

// pid 1 of a new pid namespace reaps every orphan (the controllers double-fork) and ends with
// the suite's status; the suite runs as its child. The original process waits for it.
std::optional<std::string> enterOwnPidNamespace() {
    if (::unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
        return "cannot create pid and mount namespaces for the test";
    std::cout.flush();
    pid_t reaper = ::fork();
    if (reaper < 0) return "cannot fork the test's pid 1";
    auto exitLike = [](int st) { _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st)); };
    if (reaper > 0) {
        int st = 0;
        while (::waitpid(reaper, &st, 0) < 0 && errno == EINTR) {
        }
        exitLike(st);
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0 ||
        ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0) {
        std::perror("wedge_test: cannot mount the namespace's /proc");
        _exit(1);
    }
    pid_t suite = ::fork();
    if (suite == 0) return std::nullopt;
    for (;;) {
        int st = 0;
        pid_t p = ::wait(&st);
        if (p == suite) exitLike(st);
        if (p < 0 && errno == ECHILD) _exit(1);
    }
}

}  // namespace

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainers()) return m;
    return enterOwnPidNamespace();
}

namespace {

constexpr long kCommandMs = 30000;  // no command may take this long: it is wedged

std::string procLine(const std::string& pid, const char* file) {
    return procText("/proc/" + pid + "/" + file);
}

// A process (argv) started in the background, stdio to /dev/null.
pid_t spawn(const std::vector<std::string>& argv) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        execArgv(argv);
    }
    return pid;
}

// Waits up to `ms` for a child; its exit status, or nullopt when it still runs.
std::optional<int> waitChild(pid_t pid, long ms) {
    int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd >= 0) {
        pollfd p{fd, POLLIN, 0};
        int rc = ::poll(&p, 1, static_cast<int>(ms));
        ::close(fd);
        if (rc == 0) return std::nullopt;
    }
    int st = 0;
    if (::waitpid(pid, &st, 0) != pid) return std::nullopt;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool waitFor(const std::function<bool()>& done, int ms = 10000) {
    for (int i = 0; i < ms / 5; ++i) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return done();
}

bool gone(pid_t pid) {
    return ::kill(pid, 0) < 0 && errno == ESRCH;
}

// A `sleep` that the kernel gives exactly `pid` (ns_last_pid of this test's namespace, where
// nobody else forks). The caller kills and reaps it.
pid_t impostorAt(pid_t pid) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        {
            std::ofstream last("/proc/sys/kernel/ns_last_pid");
            last << pid - 1;
        }
        pid_t child = spawn({"/bin/sleep", "1000"});
        if (child == pid) return child;
        ::kill(child, SIGKILL);
        waitChild(child, 5000);
    }
    return -1;
}

// One domain on a fresh embed root, driven through cvirsh with deadlines.
class Root {
public:
    explicit Root(std::string name, std::function<void(const fs::path&)> before = {})
        : name_(std::move(name)) {
        uri_ = dir_.embedUri();
        paths_ = state::driverPaths(state::DriverKind::Lxc, state::parseUri(uri_).root);
        leaf_ = cgroup::leafName(name_, "lxc", state::parseUri(uri_).root);
        if (before) before(dir_.path());
        std::string file = (dir_.path() / (name_ + ".xml")).string();
        std::ofstream(file) << containerXml(name_, {.initargs = {"-c", "sleep 1000"}});
        define_ = sh({"define", file});
    }
    // Whatever a failed case left: a stopped or wedged controller is woken and killed, and
    // the next command removes what it owned.
    ~Root() {
        for (pid_t c : controllers())
            ::kill(c, SIGCONT);
        sh({"resume", name_}, 5000);
        sh({"destroy", name_}, 15000);
        for (pid_t c : controllers())
            ::kill(c, SIGKILL);
        waitFor([&] { return controllers().empty(); });
        sh({"list", "--all"}, 10000);
        if (atEnd_) atEnd_();  // before the directory goes
    }
    // Runs last in the destructor, before the temp dir is removed (e.g. an unmount).
    void atEnd(std::function<void()> fn) { atEnd_ = std::move(fn); }
    Root(const Root&) = delete;
    Root& operator=(const Root&) = delete;

    const std::string& name() const { return name_; }
    const fs::path& dir() const { return dir_.path(); }
    const state::DriverPaths& paths() const { return paths_; }
    bool defined() const { return define_.status == 0; }

    util::ProcessResult sh(std::vector<std::string> args, long ms = kCommandMs) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", uri_};
        argv.insert(argv.end(), args.begin(), args.end());
        return util::runProcess(argv, util::ProcessOptions{.timeoutMs = ms});
    }
    std::vector<std::string> argv(std::vector<std::string> args) const {
        std::vector<std::string> v = {(binDir() / "cvirsh").string(), "-c", uri_};
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }
    std::string domstate() {
        auto r = sh({"domstate", "--reason", name_});
        return r.out + r.err;
    }

    // "<controller pid> <init pid>" from the pid file.
    std::pair<pid_t, pid_t> pids() const {
        std::istringstream in(readText(paths_.runDir / (name_ + ".pid")));
        pid_t c = 0, i = 0;
        in >> c >> i;
        return {c, i};
    }
    std::vector<pid_t> controllers() const {
        std::vector<pid_t> out;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator("/proc", ec)) {
            std::string pid = e.path().filename();
            if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
            std::string cmd = procLine(pid, "cmdline");
            if (has(cmd, "cvirt-lxc-controller") && has(cmd, dir_.path().string()))
                out.push_back(std::stoi(pid));
        }
        return out;
    }
    fs::path cgroupFile(const std::string& controller, const std::string& file) const {
        cgroup::HostLayout host = cgroup::detectHost();
        auto cg = cgroup::DomainCgroup::open(host, "/machine", leaf_);
        return cg.pathFor(controller) / file;
    }
    // Shut off with nothing left: no cgroup, no controller, no state file but the reason.
    std::string leftovers() const {
        std::string out;
        for (const auto& h : cgroup::detectHost().hierarchies)
            if (fs::exists(h.mount / "machine" / leaf_))
                out += " cgroup " + (h.mount / "machine" / leaf_).string();
        for (pid_t c : controllers())
            out += " controller " + std::to_string(c);
        for (const char* ext : {".xml", ".pid", ".sock", ".paused", ".owner"})
            if (fs::exists(paths_.runDir / (name_ + ext))) out += " " + name_ + ext;
        return out;
    }

private:
    TempDir dir_;
    std::string name_, uri_, leaf_;
    state::DriverPaths paths_;
    util::ProcessResult define_;
    std::function<void()> atEnd_;
};

std::string said(const util::ProcessResult& r) {
    return "status " + std::to_string(r.status) + (r.timedOut ? " (timed out)" : "") + ": " +
           r.out + r.err;
}

}  // namespace

class WedgeTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WedgeTest);
    CPPUNIT_TEST(reusedInitPidIsNotKilled);
    CPPUNIT_TEST(reusedControllerPidDoesNotKeepDomainRunning);
    CPPUNIT_TEST(rebootRacingSuspend);
    CPPUNIT_TEST(stoppedControllerIsDestroyed);
    CPPUNIT_TEST(stoppedControllerOfPausedDomainIsDestroyed);
    CPPUNIT_TEST(fullStateDiskChangesNothing);
    CPPUNIT_TEST_SUITE_END();

    // Starts the domain, then kills its controller (the container dies with it) and waits
    // until both pids are free. Returns them.
    static std::pair<pid_t, pid_t> startAndKillController(Root& r) {
        CPPUNIT_ASSERT(r.defined());
        auto started = r.sh({"start", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(started), started.status == 0);
        auto [ctl, init] = r.pids();
        // Start times count in clock ticks: a newcomer must start in a later one.
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ::kill(ctl, SIGKILL);
        CPPUNIT_ASSERT(waitFor([&] { return gone(ctl) && gone(init); }));
        return {ctl, init};
    }

public:
    // Finding 8: the next command must not SIGKILL whatever now has the dead init's pid.
    void reusedInitPidIsNotKilled() {
        Root r("cvirt-test-wedge-init");
        auto [ctl, init] = startAndKillController(r);
        pid_t impostor = impostorAt(init);
        CPPUNIT_ASSERT_MESSAGE("cannot place a process at pid " + std::to_string(init),
                               impostor == init);
        auto list = r.sh({"list", "--all"});
        bool alive = !waitChild(impostor, 200);
        ::kill(impostor, SIGKILL);
        waitChild(impostor, 5000);
        CPPUNIT_ASSERT_MESSAGE("the process that took the dead init's pid was killed", alive);
        CPPUNIT_ASSERT_MESSAGE(said(list), list.status == 0 && has(list.out, "shut off"));
        CPPUNIT_ASSERT_MESSAGE(r.leftovers(), r.leftovers().empty());
        (void)ctl;
    }

    // Finding 8: a process with the dead controller's pid does not keep the domain "running"
    // (destroy and start refused); it is neither waited for nor killed.
    void reusedControllerPidDoesNotKeepDomainRunning() {
        Root r("cvirt-test-wedge-ctl");
        auto [ctl, init] = startAndKillController(r);
        pid_t impostor = impostorAt(ctl);
        CPPUNIT_ASSERT_MESSAGE("cannot place a process at pid " + std::to_string(ctl),
                               impostor == ctl);
        auto state = r.domstate();
        auto destroy = r.sh({"destroy", r.name()});
        auto start = r.sh({"start", r.name()});
        bool alive = !waitChild(impostor, 200);
        auto stop = r.sh({"destroy", r.name()});
        ::kill(impostor, SIGKILL);
        waitChild(impostor, 5000);
        CPPUNIT_ASSERT_MESSAGE(state, has(state, "shut off (crashed)"));
        CPPUNIT_ASSERT_MESSAGE(said(destroy), has(destroy.err, "is not running"));
        CPPUNIT_ASSERT_MESSAGE(said(start), start.status == 0);
        CPPUNIT_ASSERT_MESSAGE("the process that took the controller's pid was killed", alive);
        CPPUNIT_ASSERT_MESSAGE(said(stop), stop.status == 0);
        CPPUNIT_ASSERT_MESSAGE(r.leftovers(), r.leftovers().empty());
        (void)init;
    }

    // Finding 9: reboot and suspend 0–30 ms apart, 15 times: neither hangs, and the domain
    // answers reboot, resume and destroy after each.
    void rebootRacingSuspend() {
        Root r("cvirt-test-wedge-reboot");
        CPPUNIT_ASSERT(r.defined());
        auto started = r.sh({"start", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(started), started.status == 0);
        std::string failures;
        for (int i = 0; i < 15 && failures.empty(); ++i) {
            int gapMs = i * 2;
            pid_t reboot = spawn(r.argv({"reboot", r.name()}));
            std::this_thread::sleep_for(std::chrono::milliseconds(gapMs));
            auto suspend = r.sh({"suspend", r.name()});
            auto rebooted = waitChild(reboot, kCommandMs);
            std::string at = "gap " + std::to_string(gapMs) + " ms: ";
            if (!rebooted) {
                ::kill(reboot, SIGKILL);
                waitChild(reboot, 5000);
                failures += at + "reboot hangs\n";
            } else if (*rebooted != 0) {
                failures += at + "reboot failed with " + std::to_string(*rebooted) + "\n";
            }
            if (suspend.timedOut) failures += at + "suspend hangs\n";
            if (!failures.empty()) break;
            std::string state = r.domstate();
            if (has(state, "paused")) {
                auto resume = r.sh({"resume", r.name()});
                if (resume.status != 0) failures += at + "resume: " + said(resume) + "\n";
            } else if (!has(state, "running")) {
                failures += at + "domstate: " + state + "\n";
            }
        }
        CPPUNIT_ASSERT_MESSAGE(failures, failures.empty());
        auto reboot = r.sh({"reboot", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(reboot), reboot.status == 0);
        CPPUNIT_ASSERT(has(r.domstate(), "running"));
        auto destroy = r.sh({"destroy", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(destroy), destroy.status == 0);
        CPPUNIT_ASSERT_MESSAGE(r.leftovers(), r.leftovers().empty());
    }

    // Finding 10: destroy of a domain whose controller is stopped (SIGSTOP) kills it after a
    // short deadline and cleans up, as libvirt's forceful stop does.
    void stoppedControllerIsDestroyed() { destroyStopped("cvirt-test-wedge-stop", false); }
    void stoppedControllerOfPausedDomainIsDestroyed() {
        destroyStopped("cvirt-test-wedge-stopp", true);
    }

    void destroyStopped(const std::string& name, bool paused) {
        Root r(name);
        CPPUNIT_ASSERT(r.defined());
        auto started = r.sh({"start", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(started), started.status == 0);
        if (paused) {
            auto suspend = r.sh({"suspend", r.name()});
            CPPUNIT_ASSERT_MESSAGE(said(suspend), suspend.status == 0);
        }
        auto [ctl, init] = r.pids();
        ::kill(ctl, SIGSTOP);
        auto t0 = std::chrono::steady_clock::now();
        auto destroy = r.sh({"destroy", r.name()});
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
        CPPUNIT_ASSERT_MESSAGE(said(destroy), destroy.status == 0);
        CPPUNIT_ASSERT_MESSAGE(std::to_string(took) + " ms", took < 15000);
        CPPUNIT_ASSERT(waitFor([&] { return gone(ctl) && gone(init); }));
        std::string state = r.domstate();
        CPPUNIT_ASSERT_MESSAGE(state, has(state, "shut off (destroyed)"));
        CPPUNIT_ASSERT_MESSAGE(r.leftovers(), r.leftovers().empty());
        auto again = r.sh({"start", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(again), again.status == 0);
        auto stop = r.sh({"destroy", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(stop), stop.status == 0);
        std::cout << "\n  destroy of a stopped controller" << (paused ? " (paused domain)" : "")
                  << ": " << took << " ms" << std::endl;
    }

    // Finding 11: with the run state on a full disk, a live change fails and changes nothing
    // (cgroup and record agree); once there is room, both change.
    void fullStateDiskChangesNothing() {
        fs::path mountPoint;
        auto tmpfs = [&](const fs::path& dir) {
            mountPoint = dir / "run";
            fs::create_directories(mountPoint);
            if (::mount("tmpfs", mountPoint.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                        "size=512k,mode=0755") < 0)
                mountPoint.clear();
        };
        Root r("cvirt-test-wedge-full", tmpfs);
        r.atEnd([&] {
            if (!mountPoint.empty()) ::umount2(mountPoint.c_str(), MNT_DETACH);
        });
        CPPUNIT_ASSERT_MESSAGE("cannot mount a tmpfs for the run state", !mountPoint.empty());
        CPPUNIT_ASSERT(r.defined());
        auto started = r.sh({"start", r.name()});
        CPPUNIT_ASSERT_MESSAGE(said(started), started.status == 0);
        std::string failure = fillAndTune(r, mountPoint);
        CPPUNIT_ASSERT_MESSAGE(failure, failure.empty());
    }

    // Returns what went wrong, "" if nothing; the disk has room again when it returns.
    static std::string fillAndTune(Root& r, const fs::path& disk) {
        struct Change {
            std::vector<std::string> args;
            std::string controller, file, expect;  // the cgroup file and its value after
            std::vector<std::string> show;         // the command that shows the record
            std::string shown;                     // what it shows after
        };
        bool v2mem = cgroup::detectHost().forController("memory")->unified;
        std::vector<Change> changes = {
            {{"setmem", r.name(), "32M"},
             "memory",
             v2mem ? "memory.max" : "memory.limit_in_bytes",
             "33554432",
             {"dumpxml", r.name()},
             ">32768</currentMemory>"},
            {{"memtune", r.name(), "--soft-limit", "16M"},
             "memory",
             v2mem ? "memory.high" : "memory.soft_limit_in_bytes",
             "16777216",
             {"memtune", r.name()},
             "16384"},
            {{"pidstune", r.name(), "--max", "77"},
             "pids",
             "pids.max",
             "77",
             {"pidstune", r.name()},
             "77"},
        };
        auto value = [&](const Change& c) {
            auto text = readText(r.cgroupFile(c.controller, c.file));
            while (!text.empty() && text.back() == '\n')
                text.pop_back();
            return text;
        };
        std::string out;
        fs::path filler = disk / "filler";
        {
            std::ofstream f(filler, std::ios::binary);
            std::string block(4096, 'x');
            while (f.write(block.data(), block.size()) && f.flush()) {
            }
        }
        for (const auto& c : changes) {
            std::string before = value(c), shownBefore = r.sh(c.show).out;
            auto res = r.sh(c.args);
            if (res.status == 0) out += c.args[0] + " succeeded on a full disk\n";
            if (!has(res.err, "No space left on device"))
                out += c.args[0] + " does not say why: " + said(res) + "\n";
            if (value(c) != before)
                out += c.args[0] + " changed " + c.file + " (" + before + " -> " + value(c) +
                       ") but reports failure\n";
            if (r.sh(c.show).out != shownBefore) out += c.args[0] + " changed the record\n";
        }
        fs::remove(filler);
        for (const auto& c : changes) {
            auto res = r.sh(c.args);
            if (res.status != 0) out += c.args[0] + " with room: " + said(res) + "\n";
            if (value(c) != c.expect)
                out += c.args[0] + " with room: " + c.file + " is " + value(c) + "\n";
            if (!has(r.sh(c.show).out, c.shown))
                out += c.args[0] + " with room: the record does not show " + c.shown + "\n";
        }
        auto destroy = r.sh({"destroy", r.name()});
        if (destroy.status != 0) out += "destroy: " + said(destroy) + "\n";
        if (!r.leftovers().empty()) out += "left:" + r.leftovers() + "\n";
        return out;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WedgeTest);
