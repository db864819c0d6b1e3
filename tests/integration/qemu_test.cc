// SPDX-License-Identifier: GPL-3.0-or-later
// The QEMU backend for real: Debian's kernel booted under software emulation with the busybox
// initramfs the build makes, driven through the same API and shell as containers. Runs in a
// network namespace of its own, so the taps and bridges it makes vanish with it.
#include <cppunit/extensions/HelperMacros.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cvirt/connection.h"
#include "net/netlink.h"
#include "qemu/kvm.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"
#include "support/vm_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForVms()) return m;
    if (::unshare(CLONE_NEWNET) < 0) return "cannot create a network namespace for the test";
    return std::nullopt;
}

namespace {
constexpr int kBootMs = 90000;  // two emulated guests on two busy cores stay well below
}  // namespace

class QemuTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(QemuTest);
    CPPUNIT_TEST(bootsToAShellOnTheConsole);
    CPPUNIT_TEST(destroyStopsQemuAndRemovesState);
    CPPUNIT_TEST(shutdownPowersTheGuestOff);
    CPPUNIT_TEST(suspendAndResumeStopTheCpus);
    CPPUNIT_TEST(rebootResetsInPlace);
    CPPUNIT_TEST(aNewConnectionSeesTheRunningVm);
    CPPUNIT_TEST(qemuKilledIsCleanedUp);
    CPPUNIT_TEST(controllerKilledTakesQemuWithIt);
    CPPUNIT_TEST(tapJoinsTheBridgeAndGoesAway);
    CPPUNIT_TEST(guestReadsItsDiskAndPingsTheBridge);
    CPPUNIT_TEST(tapJoinsACvirtNetwork);
    CPPUNIT_TEST(setmemInflatesTheBalloon);
    CPPUNIT_TEST(badInputLeavesNothing);
    CPPUNIT_TEST(mixedConnectionListsBoth);
    CPPUNIT_TEST(kvmBootsWhenUsable);
    CPPUNIT_TEST(hooksSeeEveryOperationInOrder);
    CPPUNIT_TEST(failingPrepareHookLeavesNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        ContainerFixture::setUp();
        conn_ = Connection::open(dir_->embedUri("qemu"));
    }

private:
    fs::path vmRunDir() const { return dir_->path() / "run/cvirt/qemu"; }
    fs::path logOf(const std::string& name) const {
        return dir_->path() / "var/log/cvirt/qemu" / (name + ".log");
    }
    Domain startVm(const std::string& name, const VmOptions& opts = {}) {
        Domain d = conn_->define(vmXml(name, opts), name + ".xml");
        d.start();
        return d;
    }
    // The guest printed its ready line (to the log while nobody is attached).
    bool waitReady(const std::string& name, int ms = kBootMs) {
        for (int i = 0; i < ms / 50; ++i) {
            if (has(readLog(name), "cvirt-guest-ready")) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
    std::string readLog(const std::string& name) {
        std::ifstream f(logOf(name));
        return {std::istreambuf_iterator<char>(f), {}};
    }
    bool stateFilesGone(const std::string& name) {
        for (const char* ext : {".xml", ".pid", ".sock", ".paused"})
            if (fs::exists(vmRunDir() / (name + ext))) return false;
        return true;
    }
    std::string status(Domain& d) { return d.qemuMonitorCommand("{\"execute\":\"query-status\"}"); }

    void bootsToAShellOnTheConsole() {
        Domain d = startVm("vm1");
        CPPUNIT_ASSERT_EQUAL(DomainState::Running, d.summary().state);
        GuestConsole con(d.openConsole());
        CPPUNIT_ASSERT_MESSAGE(readLog("vm1"), con.run("", "# ", kBootMs));
        CPPUNIT_ASSERT_MESSAGE(con.seen(), con.run("echo cvirt-$((6*7))", "cvirt-42", 20000));
        CPPUNIT_ASSERT_MESSAGE(con.seen(), con.run("cat /proc/cmdline", "console=ttyS0", 20000));
        // A second client is refused while the first is attached; --force takes over.
        CPPUNIT_ASSERT_THROW(d.openConsole(), Error);
        GuestConsole forced(d.openConsole(true));
        CPPUNIT_ASSERT(forced.run("uname -r", ".", 20000));
        // the live XML names the VM's id and what qemu ran with
        std::string live = d.xml();
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "id='"));
        CPPUNIT_ASSERT(has(readLog("vm1"), "-sandbox on"));
    }

    void destroyStopsQemuAndRemovesState() {
        Domain d = startVm("vm2");
        int qemuPid = d.initPid();
        CPPUNIT_ASSERT(pidAlive(qemuPid));
        d.destroy();
        CPPUNIT_ASSERT(!pidAlive(qemuPid));
        CPPUNIT_ASSERT(stateFilesGone("vm2"));
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, s.state);
        CPPUNIT_ASSERT_EQUAL(std::string("destroyed"),
                             std::string(stateReasonName(s.state, s.reason)));
        CPPUNIT_ASSERT_THROW(d.destroy(), Error);
        d.start();  // and it starts again
        CPPUNIT_ASSERT_EQUAL(DomainState::Running, d.summary().state);
    }

    void shutdownPowersTheGuestOff() {
        Domain d = startVm("vm3");
        CPPUNIT_ASSERT_MESSAGE(readLog("vm3"), waitReady("vm3"));
        int qemuPid = d.initPid();
        d.shutdown();
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Shutoff; }));
        CPPUNIT_ASSERT(!pidAlive(qemuPid));
        CPPUNIT_ASSERT(stateFilesGone("vm3"));
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT_EQUAL(std::string("shutdown"),
                             std::string(stateReasonName(s.state, s.reason)));
        // the guest itself powered off (ACPI power button → acpid → poweroff)
        CPPUNIT_ASSERT_MESSAGE(readLog("vm3"), has(readLog("vm3"), "cvirt-guest-powering-off"));
    }

    void suspendAndResumeStopTheCpus() {
        Domain d = startVm("vm4");
        CPPUNIT_ASSERT(has(status(d), "\"running\""));
        d.suspend();
        CPPUNIT_ASSERT_EQUAL(DomainState::Paused, d.summary().state);
        CPPUNIT_ASSERT_MESSAGE(status(d), has(status(d), "\"status\":\"paused\""));
        // the guest's clock does not advance its CPU time while paused
        uint64_t t0 = d.info().cpuTimeNs;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        uint64_t t1 = d.info().cpuTimeNs;
        CPPUNIT_ASSERT_MESSAGE(std::to_string(t1 - t0), t1 - t0 < 200'000'000ull);
        CPPUNIT_ASSERT_THROW(d.suspend(), Error);
        d.resume();
        CPPUNIT_ASSERT_EQUAL(DomainState::Running, d.summary().state);
        CPPUNIT_ASSERT(has(status(d), "\"status\":\"running\""));
        CPPUNIT_ASSERT_THROW(d.resume(), Error);
    }

    void rebootResetsInPlace() {
        Domain d = startVm("vm5");
        CPPUNIT_ASSERT(waitReady("vm5"));
        int id = *d.summary().id;
        int qemuPid = d.initPid();
        size_t readyBefore = 0;
        for (size_t p = 0; (p = readLog("vm5").find("cvirt-guest-ready", p)) != std::string::npos;
             ++p)
            ++readyBefore;
        d.reboot();
        CPPUNIT_ASSERT(waitUntil([&] {
            size_t n = 0;
            std::string log = readLog("vm5");
            for (size_t p = 0; (p = log.find("cvirt-guest-ready", p)) != std::string::npos; ++p)
                ++n;
            return n > readyBefore;
        }));
        CPPUNIT_ASSERT_EQUAL(id, *d.summary().id);
        CPPUNIT_ASSERT_EQUAL(qemuPid, d.initPid());  // reset, not a new qemu
    }

    void aNewConnectionSeesTheRunningVm() {
        startVm("vm6");
        Connection other = Connection::open(dir_->embedUri("qemu"));
        auto list = other.list({});
        CPPUNIT_ASSERT_EQUAL(size_t(1), list.size());
        CPPUNIT_ASSERT_EQUAL(std::string("vm6"), list[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("qemu"), list[0].type);
        CPPUNIT_ASSERT(list[0].id.has_value());
        RunResult r =
            testenv::run({(binDir() / "cvirsh").string(), "-c", dir_->embedUri("qemu"), "list"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "vm6") && has(r.out, "running"));
        r = testenv::run(
            {(binDir() / "cvirsh").string(), "-c", dir_->embedUri("qemu"), "dominfo", "vm6"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "hvm"));
        Domain d = other.lookup("vm6");
        GuestConsole con(d.openConsole());
        CPPUNIT_ASSERT(con.run("", "# ", kBootMs));
        d.destroy();
        CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, conn_->lookup("vm6").summary().state);
    }

    void qemuKilledIsCleanedUp() {
        Domain d = startVm("vm7");
        ::kill(d.initPid(), SIGKILL);
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Shutoff; }));
        CPPUNIT_ASSERT(waitUntil([&] { return stateFilesGone("vm7"); }));
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT_EQUAL(std::string("crashed"),
                             std::string(stateReasonName(s.state, s.reason)));
    }

    void controllerKilledTakesQemuWithIt() {
        Domain d = startVm("vm8");
        int qemuPid = d.initPid();
        auto pids = readText(vmRunDir() / "vm8.pid");
        int controller = std::stoi(pids);
        ::kill(controller, SIGKILL);
        CPPUNIT_ASSERT(waitUntil([&] { return !pidAlive(qemuPid); }));
        CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, d.summary().state);
        CPPUNIT_ASSERT(stateFilesGone("vm8"));
    }

    void tapJoinsTheBridgeAndGoesAway() {
        net::Netlink nl = net::Netlink::open();
        nl.createBridge("cvtbr9");
        Domain d = startVm("vm9", {.devices = "<interface type='bridge'><source bridge='cvtbr9'/>"
                                              "<mac address='52:54:00:12:34:56'/>"
                                              "<model type='virtio'/></interface>"});
        std::string live = d.xml();
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<target dev='cvt"));
        auto ifaces = d.interfaces();
        CPPUNIT_ASSERT_EQUAL(size_t(1), ifaces.size());
        auto link = nl.link(ifaces[0].hostDev);
        CPPUNIT_ASSERT(link.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("cvtbr9"), link->master);
        CPPUNIT_ASSERT_EQUAL(std::string("fe:54:00:12:34:56"), link->mac);
        CPPUNIT_ASSERT(
            has(readLog("vm9"), "virtio-net-pci,netdev=hostnet0,id=net0,mac=52:54:00:12:34:56"));
        d.destroy();
        CPPUNIT_ASSERT(!nl.exists(ifaces[0].hostDev));
        nl.deleteLink("cvtbr9");
    }

    void guestReadsItsDiskAndPingsTheBridge() {
        net::Netlink nl = net::Netlink::open();
        nl.createBridge("cvtbrd");
        nl.addAddress("cvtbrd", "10.231.0.1", 24);
        nl.changeLink("cvtbrd", {.up = true});
        nl.changeLink("lo", {.up = true});
        fs::path image = dir_->path() / "disk.img";
        {
            std::ofstream out(image, std::ios::binary);
            std::string block(1 << 20, '\0');
            block.replace(0, 13, "cvirt-disk-ok");
            out << block;
        }
        Domain d = startVm(
            "vmd", {.devices = "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                               "<source file='" +
                               image.string() +
                               "'/><target dev='vda' bus='virtio'/><readonly/></disk>"
                               "<interface type='bridge'><source bridge='cvtbrd'/>"
                               "<mac address='52:54:00:00:0d:01'/><model type='virtio'/>"
                               "</interface>"});
        CPPUNIT_ASSERT(waitReady("vmd"));
        GuestConsole con(d.openConsole());
        auto expect = [&](const std::string& cmd, const std::string& text, int ms) {
            bool seen = con.run(cmd, text, ms);
            CPPUNIT_ASSERT_MESSAGE(cmd + " printed: " + con.seen(), seen);
        };
        expect("head -c 13 /dev/vda; echo", "cvirt-disk-ok\r", 20000);
        expect("echo x > /dev/vda || echo refused", "refused", 20000);  // <readonly/>
        expect("cat /sys/class/net/eth0/address", "52:54:00:00:0d:01", 20000);
        expect(
            "ip addr add 10.231.0.2/24 dev eth0; ip link set eth0 up; "
            "ping -c 1 -W 10 10.231.0.1 | grep -o '1 packets received'",
            "1 packets received\r", 30000);
        auto st = d.stats();
        CPPUNIT_ASSERT_EQUAL(size_t(1), st.blocks.size());
        CPPUNIT_ASSERT_EQUAL(std::string("vda"), st.blocks[0].name);
        CPPUNIT_ASSERT(st.blocks[0].rdBytes >= 13);
        CPPUNIT_ASSERT_EQUAL(size_t(1), st.interfaces.size());
        CPPUNIT_ASSERT(st.interfaces[0].txPackets > 0);  // what the guest sent
        d.destroy();
        nl.deleteLink("cvtbrd");
    }

    void tapJoinsACvirtNetwork() {
        Network net = conn_->defineNetwork(
            "<network><name>cvtnet</name><bridge name='cvtbrv'/>"
            "<ip address='10.232.0.1' prefix='24'/></network>",
            "cvtnet.xml");
        // not active yet: the start fails and leaves no tap
        Domain d = conn_->define(vmXml("vmn", {.devices = "<interface type='network'><source "
                                                          "network='cvtnet'/></interface>"}),
                                 "vmn.xml");
        CPPUNIT_ASSERT_THROW(d.start(), Error);
        CPPUNIT_ASSERT(stateFilesGone("vmn"));
        net.start();
        d.start();
        auto ifaces = d.interfaces();
        CPPUNIT_ASSERT_EQUAL(size_t(1), ifaces.size());
        net::Netlink nl = net::Netlink::open();
        auto link = nl.link(ifaces[0].hostDev);
        CPPUNIT_ASSERT(link.has_value());
        CPPUNIT_ASSERT_EQUAL(std::string("cvtbrv"), link->master);
        d.destroy();
        CPPUNIT_ASSERT(!nl.exists(ifaces[0].hostDev));
        net.destroy();
    }

    void setmemInflatesTheBalloon() {
        Domain d = startVm("vmb");
        CPPUNIT_ASSERT(waitReady("vmb"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(131072), d.info().usedMemKiB);
        Tuning t;
        t.memoryKiB = 98304;
        d.tune(t);
        // the guest's balloon driver gives the memory back
        CPPUNIT_ASSERT(waitUntil([&] { return d.info().usedMemKiB == 98304; }));
        CPPUNIT_ASSERT(has(d.xml(), "<currentMemory unit='KiB'>98304</currentMemory>"));
        RunResult r = testenv::run(
            {(binDir() / "cvirsh").string(), "-c", dir_->embedUri("qemu"), "domstats", "vmb"});
        for (const char* key : {"  balloon.current=98304\n", "  balloon.maximum=131072\n",
                                "  vcpu.current=1\n", "  cpu.time=", "  block.count=0\n"})
            CPPUNIT_ASSERT_MESSAGE(r.out + " lacks " + key, has(r.out, key));
        CPPUNIT_ASSERT_MESSAGE(r.out, !has(r.out, "pids."));
        // only the memory changes live
        Tuning other;
        other.cpuShares = 512;
        CPPUNIT_ASSERT_THROW(d.tune(other), Error);
        d.tune(other, {.config = true});
        CPPUNIT_ASSERT_EQUAL(uint64_t(512), *d.tuning({.config = true}).cpuShares);
    }

    void badInputLeavesNothing() {
        // a kernel qemu cannot load: qemu's own words in the error, nothing left
        Domain d = conn_->define(vmXml("bad1", {.kernel = "/nonexistent/vmlinuz"}), "bad1.xml");
        try {
            d.start();
            CPPUNIT_FAIL("start with a missing kernel succeeded");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "/nonexistent/vmlinuz"));
        }
        CPPUNIT_ASSERT(stateFilesGone("bad1"));
        CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, d.summary().state);
        // what the backend cannot run is refused at define
        CPPUNIT_ASSERT_THROW(
            conn_->define(vmXml("bad2", {.devices = "<disk type='file' device='disk'><source "
                                                    "file='/tmp/x.img'/><target dev='sda' "
                                                    "bus='scsi'/></disk>"}),
                          "bad2.xml"),
            Error);
        CPPUNIT_ASSERT_THROW(
            conn_->define(vmXml("bad3", {.devices = "<interface type='direct'><source "
                                                    "dev='eth0'/></interface>"}),
                          "bad3.xml"),
            Error);
        // a bridge that does not exist: the tap made for it is gone again
        Domain d4 = conn_->define(
            vmXml("bad4", {.devices = "<interface type='bridge'><source bridge='cvtnone'/>"
                                      "<target dev='cvtbad4'/></interface>"}),
            "bad4.xml");
        CPPUNIT_ASSERT_THROW(d4.start(), Error);
        CPPUNIT_ASSERT(!net::Netlink::open().exists("cvtbad4"));
        CPPUNIT_ASSERT(stateFilesGone("bad4"));
    }

    void mixedConnectionListsBoth() {
        Connection both = Connection::open(dir_->embedUri("cvirt"));
        both.define(containerXml("ct1", {.initargs = {"-c", "sleep 1000"}}), "ct1.xml");
        both.define(vmXml("vm10"), "vm10.xml");
        both.lookup("ct1").start();
        both.lookup("vm10").start();
        auto list = both.list({.active = true, .inactive = true});
        CPPUNIT_ASSERT_EQUAL(size_t(2), list.size());
        for (const auto& s : list) {
            CPPUNIT_ASSERT_EQUAL(DomainState::Running, s.state);
            CPPUNIT_ASSERT_EQUAL(std::string(s.name == "ct1" ? "lxc" : "qemu"), s.type);
        }
        // one id per domain whatever its kind, and an id finds the domain that has it
        std::optional<int> ctId = both.lookup("ct1").summary().id,
                           vmId = both.lookup("vm10").summary().id;
        CPPUNIT_ASSERT(ctId && vmId);
        CPPUNIT_ASSERT(*ctId != *vmId);
        CPPUNIT_ASSERT_EQUAL(std::string("ct1"), both.lookup(std::to_string(*ctId)).name());
        CPPUNIT_ASSERT_EQUAL(std::string("vm10"), both.lookup(std::to_string(*vmId)).name());
        // the VM's live XML: its serial pty where libvirt writes it, and the aliases of
        // libvirt's qemu driver (the console is the first serial port again)
        std::string live = both.lookup("vm10").xml();
        size_t at = live.find("<serial type='pty' tty='/dev/pts/");
        CPPUNIT_ASSERT_MESSAGE(live, at != std::string::npos);
        std::string tty = live.substr(at + 24, live.find('\'', at + 24) - at - 24);
        CPPUNIT_ASSERT_MESSAGE(tty, fs::is_character_file(tty));
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<console type='pty' tty='" + tty +
                                                   "'>\n      "
                                                   "<source path='" +
                                                   tty +
                                                   "'/>\n      "
                                                   "<target type='serial' port='0'/>\n      "
                                                   "<alias name='serial0'/>"));
        CPPUNIT_ASSERT_MESSAGE(live, !has(both.lookup("vm10").xml(true), "tty="));
        auto cvirsh = [&](std::vector<std::string> args) {
            args.insert(args.begin(),
                        {(binDir() / "cvirsh").string(), "-c", dir_->embedUri("cvirt")});
            return testenv::run(args);
        };
        // virsh's columns, which scripts parse; the kind only on request
        RunResult r = cvirsh({"list"});
        CPPUNIT_ASSERT_MESSAGE(r.out, r.out.rfind(" Id   Name   State\n-----", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(r.out, !has(r.out, "Type") && !has(r.out, "qemu"));
        r = cvirsh({"list", "--type"});
        CPPUNIT_ASSERT_MESSAGE(r.out, r.out.rfind(" Id   Name   Type   State\n", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(
            r.out, has(r.out, " ct1    lxc    running") && has(r.out, " vm10   qemu   running"));
        r = cvirsh({"dominfo", std::to_string(*vmId)});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "Name:           vm10\n"));
        r = cvirsh({"domname", std::to_string(*ctId)});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, std::string("ct1\n\n"), r.out);
        // one kind per connection
        CPPUNIT_ASSERT_EQUAL(size_t(1), Connection::open(dir_->embedUri("lxc")).list({}).size());
        CPPUNIT_ASSERT_EQUAL(size_t(1), conn_->list({}).size());
        // every lifecycle command works on both, through the same shell
        for (const char* name : {"ct1", "vm10"}) {
            for (const char* cmd : {"suspend", "resume"}) {
                r = cvirsh({cmd, name});
                CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(cmd) + " " + name + ": " + r.err, 0,
                                             r.status);
            }
        }
        // destroy by id stops that domain and no other
        r = cvirsh({"destroy", std::to_string(*vmId)});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, both.lookup("vm10").summary().state);
        CPPUNIT_ASSERT_EQUAL(DomainState::Running, both.lookup("ct1").summary().state);
        r = cvirsh({"destroy", std::to_string(*ctId)});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(size_t(0), both.list({}).size());
    }

    // etc/cvirt/hooks/qemu appends "NAME OP SUBOP EXTRA qemu=yes|no id=yes|no tap=yes|no"
    // (what the XML on stdin says: a qemu domain, its id, a tap made by cvirt) to the record,
    // then runs `body`.
    fs::path record() const { return dir_->path() / "record"; }
    void installHook(const std::string& body = {}) {
        fs::path script = dir_->path() / "etc/cvirt/hooks/qemu";
        fs::create_directories(script.parent_path());
        std::ofstream(script) << "#!/bin/sh\n"
                                 "xml=$(cat)\n"
                                 "q=no; case \"$xml\" in *\"<domain type='qemu'\"*) q=yes;; esac\n"
                                 "id=no; case \"$xml\" in *\" id=\"*) id=yes;; esac\n"
                                 "tap=no; case \"$xml\" in *\"<target dev='cvt\"*) tap=yes;; esac\n"
                                 "echo \"$1 $2 $3 $4 qemu=$q id=$id tap=$tap\" >> "
                              << record().string() << "\n"
                              << body << "\n";
        ::chmod(script.c_str(), 0755);
    }
    std::string records() { return readText(record()); }

    void hooksSeeEveryOperationInOrder() {
        net::Netlink nl = net::Netlink::open();
        nl.createBridge("cvtbrh");
        installHook();
        Domain d = startVm("vmh", {.devices = "<interface type='bridge'><source bridge='cvtbrh'/>"
                                              "</interface>"});
        d.destroy();
        CPPUNIT_ASSERT_EQUAL(std::string("vmh prepare begin - qemu=yes id=no tap=no\n"
                                         "vmh start begin - qemu=yes id=no tap=yes\n"
                                         "vmh started begin - qemu=yes id=yes tap=yes\n"
                                         "vmh stopped end - qemu=yes id=yes tap=yes\n"
                                         "vmh release end - qemu=yes id=no tap=yes\n"),
                             records());
        nl.deleteLink("cvtbrh");
    }

    void failingPrepareHookLeavesNothing() {
        installHook("if [ \"$2\" = prepare ]; then echo 'no VM today' >&2; exit 1; fi");
        Domain d = conn_->define(vmXml("vmf", {.devices = "<interface type='ethernet'>"
                                                          "<target dev='cvthk1'/></interface>"}),
                                 "vmf.xml");
        try {
            d.start();
            CPPUNIT_FAIL("start succeeded although prepare failed");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "no VM today"));
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "Hook script execution failed"));
        }
        CPPUNIT_ASSERT(stateFilesGone("vmf"));
        CPPUNIT_ASSERT(!net::Netlink::open().exists("cvthk1"));
        CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, d.summary().state);
        CPPUNIT_ASSERT(!has(readLog("vmf"), "starting:"));  // qemu never ran
    }

    void kvmBootsWhenUsable() {
        if (auto why = qemu::kvmUnusable()) {
            std::cout << std::endl;
            skipCase("kvmBootsWhenUsable: " + *why);
            Domain d = conn_->define(vmXml("kvm1", {.type = "kvm"}), "kvm1.xml");
            auto started = std::chrono::steady_clock::now();
            try {
                d.start();
                CPPUNIT_FAIL("type='kvm' started without a usable /dev/kvm");
            } catch (const Error& e) {
                // The probe's reason, up to the speed it measured (which varies): on a host
                // whose /dev/kvm emulates guest kernels (kvm_pvm, issue 15) the start fails
                // at once instead of hanging at boot.
                CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "/dev/kvm"));
                CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), why->substr(0, why->find(" at "))));
            }
            CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
            CPPUNIT_ASSERT(stateFilesGone("kvm1"));
            CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, d.summary().state);
            // capabilities agrees: no kvm guest, and the reason.
            std::string caps = conn_->capabilities();
            CPPUNIT_ASSERT_MESSAGE(caps, has(caps, "usable='no'"));
            CPPUNIT_ASSERT_MESSAGE(caps, !has(caps, "type='kvm'"));
            return;
        }
        Domain d = conn_->define(vmXml("kvm1", {.type = "kvm"}), "kvm1.xml");
        try {
            d.start();
        } catch (const Error& e) {
            // /dev/kvm answers but qemu cannot run a vCPU on it (nested KVM, here): the error
            // says why and nothing is left behind.
            std::cout << std::endl;
            skipCase(std::string("kvmBootsWhenUsable: /dev/kvm opens but qemu cannot use it: ") +
                     e.what());
            CPPUNIT_ASSERT(stateFilesGone("kvm1"));
            CPPUNIT_ASSERT_EQUAL(DomainState::Shutoff, d.summary().state);
            return;
        }
        // Nested KVM may hang at boot on some hosts: report it instead of hanging.
        if (!waitReady("kvm1", 20000)) {
            std::cout << std::endl;
            skipCase(
                "kvmBootsWhenUsable: /dev/kvm opens but the guest did not boot within 20 s "
                "(nested KVM hangs here); log:\n" +
                readLog("kvm1").substr(0, 2000));
            d.destroy();
            return;
        }
        GuestConsole con(d.openConsole());
        CPPUNIT_ASSERT(con.run("echo kvm-$((2+3))", "kvm-5", 20000));
        d.destroy();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(QemuTest);
