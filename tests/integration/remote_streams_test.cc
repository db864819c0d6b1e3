// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd beyond call and reply, against Debian's clients: streams (a container's console
// through python3-libvirt and through `virsh console` on a terminal), domain events (`virsh
// event --loop` and python3-libvirt's event loop, for changes made by cvirsh beside them),
// the LXC program's descriptors (`virsh lxc-enter-namespace`), and the stream abuse a client
// can commit (a packet for no stream, leaving mid-stream, never reading) costing the server
// nothing that lasts.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/server_fixture.h"
#include "support/vm_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForLibvirtClients();
}

namespace {

// A program running beside the test: its stdout (and stderr) on `out`, its stdin on `in`;
// with `terminal`, all three are a pty of its own (it is the session leader), as virsh
// console wants.
struct Child {
    pid_t pid = -1;
    int out = -1, in = -1;
    std::string seen;  // what `out` gave so far

    // Reads until `text` appeared after `from` (or `ms` passed); true if it did.
    bool waitFor(const std::string& text, int ms = 30000, size_t from = 0) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        while (seen.find(text, from) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            pollfd p{out, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char buf[4096];
            ssize_t n = ::read(out, buf, sizeof buf);
            if (n <= 0) return seen.find(text, from) != std::string::npos;
            seen.append(buf, static_cast<size_t>(n));
        }
        return true;
    }
    void send(const std::string& text) {
        CPPUNIT_ASSERT(::write(in, text.data(), text.size()) == ssize_t(text.size()));
    }
    // Exit status once it ended within `ms`; -1 (and it is killed) if it did not.
    int wait(int ms = 30000) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
        int st = 0;
        while (::waitpid(pid, &st, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &st, 0);
                pid = -1;
                return -1;
            }
            waitFor("\x01never", 20, seen.size());  // keeps draining its output meanwhile
        }
        pid = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    ~Child() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        if (out >= 0) ::close(out);
        if (in >= 0 && in != out) ::close(in);
    }
};

void spawn(Child& c, const std::vector<std::string>& argv, bool terminal = false) {
    int outPipe[2] = {-1, -1}, inPipe[2] = {-1, -1}, master = -1;
    std::string slave;
    auto lock = pipeLock();
    if (terminal) {
        master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        CPPUNIT_ASSERT(master >= 0 && ::grantpt(master) == 0 && ::unlockpt(master) == 0);
        slave = ::ptsname(master);
    } else {
        CPPUNIT_ASSERT(::pipe2(outPipe, O_CLOEXEC) == 0 && ::pipe2(inPipe, O_CLOEXEC) == 0);
    }
    c.pid = forkChild();
    CPPUNIT_ASSERT(c.pid >= 0);
    if (c.pid == 0) {
        if (terminal) {
            ::setsid();
            int s = ::open(slave.c_str(), O_RDWR);  // becomes the controlling terminal
            ::dup2(s, 0);
            ::dup2(s, 1);
            ::dup2(s, 2);
        } else {
            ::dup2(inPipe[0], 0);
            ::dup2(outPipe[1], 1);
            ::dup2(outPipe[1], 2);
        }
        execArgv(argv);
    }
    if (terminal) {
        c.out = c.in = master;
    } else {
        ::close(outPipe[1]);
        ::close(inPipe[0]);
        c.out = outPipe[0];
        c.in = inPipe[1];
    }
}

long rssKiB(pid_t pid) {
    std::string status = procText("/proc/" + std::to_string(pid) + "/status");
    size_t at = status.find("VmRSS:");
    return at == std::string::npos ? -1 : std::atol(status.c_str() + at + 6);
}

}  // namespace

class RemoteStreamsTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteStreamsTest);
    CPPUNIT_TEST(pythonReachesTheConsole);
    CPPUNIT_TEST(pythonReachesAVmConsole);
    CPPUNIT_TEST(virshConsoleOnATerminal);
    CPPUNIT_TEST(virshEventLoopSeesCvirshChanges);
    CPPUNIT_TEST(pythonEventLoopGetsCallbacks);
    CPPUNIT_TEST(oldEventRegistrationGetsOldMessages);
    CPPUNIT_TEST(lxcEnterNamespaceRunsInTheContainer);
    CPPUNIT_TEST(streamAbuseCostsNothingThatLasts);
    CPPUNIT_TEST_SUITE_END();

    RunResult cvirsh(const std::vector<std::string>& args) {
        std::vector<std::string> argv{(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }
    std::string script(const std::string& name) const {
        return (sourceDir() / "tests/integration/remote" / name).string();
    }
    // A running container whose console is a shell.
    Domain shellContainer(const std::string& name, const std::string& before = "") {
        Domain d = conn_->define(containerXml(name, {.initargs = {"-c", before + "exec sh"}}),
                                 name + ".xml");
        d.start();
        return d;
    }

public:
    // conn.newStream + dom.openConsole: a command to the container's shell, its answer
    // back; after finish the console is free again.
    void pythonReachesTheConsole() {
        Domain d = shellContainer("cvirt-test-rcon");
        RunResult r = testenv::run(
            {"/usr/bin/python3", script("console_client.py"), sock().string(), d.name()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("console: OK\n"), r.out);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
    }

    // The same on the qemu URI: a TCG VM's serial console, once its shell is up.
    void pythonReachesAVmConsole() {
        if (auto missing = missingForVms()) return skipCase(*missing);
        Connection qemu = Connection::open(dir_->embedUri("qemu"));
        Domain vm = qemu.define(vmXml("cvirt-test-rvm"), "vm.xml");
        vm.start();
        struct Destroy {
            Domain& vm;
            ~Destroy() {
                try {
                    vm.destroy();
                } catch (...) {
                }
            }
        } destroy{vm};
        RunResult r = testenv::run({"/usr/bin/python3", script("console_client.py"),
                                    sock().string(), vm.name(), "qemu", "# "});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("console: OK\n"), r.out);
    }

    // `virsh console` on a terminal of its own: the container's output reaches it, what is
    // typed reaches the shell, Ctrl-] detaches (exit 0) and leaves the domain running.
    void virshConsoleOnATerminal() {
        Domain d = shellContainer("cvirt-test-vcon");
        Child v;
        spawn(v, {"/usr/bin/virsh", "-c", clientUri(), "console", d.name()}, true);
        CPPUNIT_ASSERT_MESSAGE(v.seen, v.waitFor("Escape character is ^]"));
        // virsh prints that before it makes the terminal raw, which flushes what was typed
        CPPUNIT_ASSERT(waitUntil([&] {
            termios t{};
            return ::tcgetattr(v.out, &t) == 0 && !(t.c_lflag & ICANON);
        }));
        size_t mark = v.seen.size();
        v.send("echo virsh-$((6*7))\r");
        CPPUNIT_ASSERT_MESSAGE(v.seen, v.waitFor("virsh-42", 30000, mark));
        v.send("\x1d");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(v.seen, 0, v.wait());
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        ::close(d.openConsole());  // released: a client that does not force gets it
    }

    // `virsh event --loop --all` beside cvirsh: defined, started, stopped and undefined of a
    // container cvirsh changes, in order, with libvirt's names for them.
    void virshEventLoopSeesCvirshChanges() {
        const std::string name = "cvirt-test-rev";
        fs::path xml = dir_->path() / "rev.xml";
        std::ofstream(xml) << containerXml(name, {.initargs = {"-c", "exec sleep 1000"}});
        size_t fds = settledServerFds();
        Child v;
        spawn(v, {"/usr/bin/stdbuf", "-oL", "/usr/bin/virsh", "-c", clientUri(), "event", "--loop",
                  "--all"});
        // Registered once a definition is seen: until then, define again.
        const std::string prefix = "event 'lifecycle' for domain '" + name + "': ";
        bool registered = false;
        for (int i = 0; i < 300 && !registered; ++i) {
            CPPUNIT_ASSERT_EQUAL(0, cvirsh({"define", xml.string()}).status);
            registered = v.waitFor(prefix + "Defined", 100);
        }
        CPPUNIT_ASSERT_MESSAGE(v.seen, registered);
        size_t mark = v.seen.size();
        CPPUNIT_ASSERT_EQUAL(0, cvirsh({"start", name}).status);
        CPPUNIT_ASSERT_EQUAL(0, cvirsh({"destroy", name}).status);
        CPPUNIT_ASSERT_EQUAL(0, cvirsh({"undefine", name}).status);
        CPPUNIT_ASSERT_MESSAGE(v.seen, v.waitFor(prefix + "Undefined Removed\n", 30000, mark));
        // (a definition's line may still come after the mark: a loaded machine is slow)
        std::string after = v.seen.substr(v.seen.find(prefix + "Started", mark));
        CPPUNIT_ASSERT_EQUAL(prefix + "Started Booted\n" + prefix + "Stopped Destroyed\n" + prefix +
                                 "Undefined Removed\n",
                             after);
        ::kill(v.pid, SIGINT);
        v.wait();
        // with no one listening the journal is not followed: the server's descriptors as before
        CPPUNIT_ASSERT_MESSAGE(std::to_string(serverFds()) + " fds, were " + std::to_string(fds),
                               waitUntil([&] { return serverFds() == fds; }));
    }

    // virEventRegisterDefaultImpl + domainEventRegisterAny: lifecycle and reboot callbacks
    // for every domain, a lifecycle callback for one, with libvirt's event and detail numbers.
    void pythonEventLoopGetsCallbacks() {
        const std::string name = "cvirt-test-pyev", other = "cvirt-test-pyev-other";
        conn_->define(containerXml(other, {.initargs = {"-c", "exec sleep 1000"}}), "o.xml");
        fs::path xml = dir_->path() / "pyev.xml";
        std::ofstream(xml) << containerXml(name, {.initargs = {"-c", "exec sleep 1000"}});
        Child p;
        spawn(p, {"/usr/bin/python3", script("event_client.py"), sock().string(), other, "9"});
        CPPUNIT_ASSERT_MESSAGE(p.seen, p.waitFor("ready\n"));
        for (auto args : std::vector<std::vector<std::string>>{{"define", xml.string()},
                                                               {"start", name},
                                                               {"reboot", name},
                                                               {"destroy", name},
                                                               {"undefine", name},
                                                               {"start", other},
                                                               {"destroy", other}}) {
            RunResult r = cvirsh(args);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(args[0] + ": " + r.err, 0, r.status);
        }
        CPPUNIT_ASSERT_EQUAL_MESSAGE(p.seen, 0, p.wait(90000));
        CPPUNIT_ASSERT_EQUAL(std::string("ready\n"
                                         "all " +
                                         name +
                                         " lifecycle 0 0\n"  // defined added
                                         "all " +
                                         name +
                                         " lifecycle 2 0\n"  // started booted
                                         "all " +
                                         name +
                                         " reboot\n"  //
                                         "all " +
                                         name +
                                         " lifecycle 5 1\n"  // stopped destroyed
                                         "all " +
                                         name +
                                         " lifecycle 1 0\n"  // undefined removed
                                         "all " +
                                         other +
                                         " lifecycle 2 0\n"  //
                                         "one " +
                                         other +
                                         " lifecycle 2 0\n"  //
                                         "all " +
                                         other +
                                         " lifecycle 5 1\n"  //
                                         "one " +
                                         other + " lifecycle 5 1\n"),  //
                             p.seen);
    }

    // The older registration (one per event id, REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY)
    // gets the older message: no callback id.
    void oldEventRegistrationGetsOldMessages() {
        Child raw;
        spawn(raw, {"/usr/bin/python3", script("raw_client.py"), sock().string(), "legacy",
                    "cvirt-test-oldev"});
        CPPUNIT_ASSERT_MESSAGE(raw.seen, raw.waitFor("registered\n"));
        conn_->define(containerXml("cvirt-test-oldev", {}), "old.xml");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(raw.seen, 0, raw.wait());
        CPPUNIT_ASSERT_EQUAL(std::string("registered\n0 0\n"), raw.seen);  // defined added
    }

    // The LXC program's open-namespace: virsh enters the container's namespaces with the
    // descriptors the reply passed and runs a command there.
    void lxcEnterNamespaceRunsInTheContainer() {
        Domain d = shellContainer("cvirt-test-enter");
        std::string inside = execCapture(d, {"hostname"}).out;
        CPPUNIT_ASSERT(!inside.empty());
        RunResult r = virsh({"lxc-enter-namespace", d.name(), "--noseclabel", "/bin/hostname"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(inside + "\n", r.out);  // virsh ends a command's output with a line
        // and the container's own view: its pid namespace (sh is pid 1 there); without
        // --noseclabel virsh asks the security model first: "none", nothing to enter
        r = virsh({"lxc-enter-namespace", d.name(), "/bin/cat", "/proc/1/comm"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("sh\n\n"), r.out);
        r = virsh({"dominfo", d.name()});  // as cvirsh dominfo shows it
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "Security model: none\nSecurity DOI:   0\n"));
        // a domain that is not running: refused, the server serves on
        d.destroy();
        r = virsh({"lxc-enter-namespace", d.name(), "--noseclabel", "/bin/hostname"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "not running"));
    }

    // A packet for a stream never opened drops that client; descriptors a client passes are
    // closed; a client leaving mid-stream and one that never reads a flooding console leave
    // no descriptor behind and keep the server's memory bounded, while everyone else is
    // served meanwhile.
    void streamAbuseCostsNothingThatLasts() {
        Domain d = shellContainer("cvirt-test-flood", "yes console-flood-line & ");
        CPPUNIT_ASSERT_EQUAL(0, virsh({"list"}).status);  // the server's own set up, for the count
        size_t fds = settledServerFds();
        RunResult r =
            testenv::run({"/usr/bin/python3", script("raw_client.py"), sock().string(), "stray"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, std::string("dropped\n"), r.out);
        // descriptors a client passes are closed (no call here takes one), their bytes skipped
        r = testenv::run({"/usr/bin/python3", script("raw_client.py"), sock().string(), "fds"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, std::string("answered\n"), r.out);
        for (int i = 0; i < 20; ++i) {
            r = testenv::run(
                {"/usr/bin/python3", script("raw_client.py"), sock().string(), "vanish", d.name()});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, std::string("left\n"), r.out);
        }
        CPPUNIT_ASSERT_MESSAGE(std::to_string(serverFds()) + " fds, were " + std::to_string(fds),
                               waitUntil([&] { return serverFds() == fds; }));
        // a client that never reads the flood: the server stays small and serves others
        long before = rssKiB(server_);
        Child idle;
        spawn(idle,
              {"/usr/bin/python3", script("raw_client.py"), sock().string(), "idle", d.name()});
        CPPUNIT_ASSERT_MESSAGE(idle.seen, idle.waitFor("attached\n"));
        for (int i = 0; i < 20; ++i) {
            RunResult l = virsh({"list", "--name"});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(l.err, std::string("cvirt-test-flood\n\n"), l.out);
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        long grown = rssKiB(server_) - before;
        CPPUNIT_ASSERT_MESSAGE(std::to_string(grown) + " KiB more", grown < 16 * 1024);
        ::close(idle.in);
        idle.in = -1;
        CPPUNIT_ASSERT_EQUAL(0, idle.wait());
        CPPUNIT_ASSERT(waitUntil([&] { return serverFds() == fds; }));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteStreamsTest);
