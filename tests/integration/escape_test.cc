// SPDX-License-Identifier: GPL-3.0-or-later
// The escape suite: what a root inside a container tries to reach the host, run inside real
// containers, once as cvirt starts them by default (root is the host's root, libvirt's
// capabilities) and once with an <idmap> (root is host uid 100000). cvirt-probe
// (tests/integration/probe) makes each attempt and prints "ok" or what stopped it; every
// attempt must be stopped, and the outcome is one of those the mechanism named in
// docs/SECURITY.md gives (ENOENT where this kernel has no such file: /proc/kcore,
// /proc/sysrq-trigger). A container with a symlinked mount target in its root shows the
// mount stays inside the root.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cppunit/extensions/HelperMacros.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <set>

#include "cvirt/connection.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainers()) return m;
    return missingProbe("cvirt-probe");
}

namespace {

const std::string kProbeFs = probeFilesystem();
const std::string kIdmap = kTestIdmap;

// What the test knows of the host, for attempts that aim at it.
struct Host {
    std::string pid;     // a host process (the test itself)
    std::string port;    // a TCP listener on the host's loopback
    std::string marker;  // a file only the host has
};

// Which containers an attempt means something in: the network attempts without an interface
// aim at a private network, those on the host's interfaces at a container that shares them.
enum class Net { Any, Private, Host };

struct Attempt {
    std::string name;                                           // as docs/SECURITY.md lists it
    std::function<std::vector<std::string>(const Host&)> argv;  // the probe's arguments
    std::set<std::string> stopped;                              // outcomes that mean it was stopped
    Net net = Net::Any;
};

std::function<std::vector<std::string>(const Host&)> fixed(std::vector<std::string> a) {
    return [a](const Host&) { return a; };
}

const std::vector<Attempt>& attempts() {
    static const std::vector<Attempt> kAll = {
        {"load a kernel module (init_module)", fixed({"init_module"}), {"EPERM"}},
        {"load a kernel module from a file (finit_module)", fixed({"finit_module"}), {"EPERM"}},
        {"unload a kernel module", fixed({"delete_module"}), {"EPERM"}},
        {"boot another kernel (kexec_load)", fixed({"kexec_load"}), {"EPERM"}},
        {"mknod a host disk (8:0) and open it", fixed({"mknod_disk"}), {"EPERM"}},
        {"mount the host's / from its device numbers", fixed({"host_root_dev"}), {"EPERM"}},
        {"write /proc/sysrq-trigger",
         fixed({"write", "/proc/sysrq-trigger", "h"}),
         {"EROFS", "EACCES", "ENOENT"}},
        {"remount /sys read-write and write a host knob",
         fixed({"remount_sys_rw"}),
         {"EPERM", "EACCES", "EROFS"}},
        {"write /proc/sys/kernel/core_pattern",
         fixed({"write", "/proc/sys/kernel/core_pattern", "|/tmp/x"}),
         {"EROFS", "EACCES"}},
        {"mount a proc of its own and write core_pattern", fixed({"proc_afresh"}), {"EPERM"}},
        {"bind /proc without the read-only /proc/sys over it and write core_pattern",
         fixed({"bind_proc_core"}),
         {"EPERM", "EACCES"}},
        {"unmount the mask on /proc/timer_list and read it",
         fixed({"umount_read", "/proc/timer_list"}),
         {"EPERM"}},
        {"read /dev/mem (mknod c 1 1)", fixed({"mknod_open", "1", "1"}), {"EPERM"}},
        {"read /dev/kmsg (mknod c 1 11)", fixed({"mknod_open", "1", "11"}), {"EPERM"}},
        {"read the kernel log through /proc/kmsg", fixed({"read", "/proc/kmsg"}), {"empty"}},
        {"read kernel memory through /proc/kcore",
         fixed({"read", "/proc/kcore"}),
         {"empty", "ENOENT"}},
        {"read the host's keys in /proc/keys", fixed({"read", "/proc/keys"}), {"empty"}},
        {"read the host's timers in /proc/timer_list",
         fixed({"read", "/proc/timer_list"}),
         {"empty"}},
        {"change the host's hostname through /proc/sys/kernel/hostname",
         fixed({"write", "/proc/sys/kernel/hostname", "cvirt-escaped"}),
         {"EROFS", "EACCES"}},
        {"set the host's clock (settimeofday)", fixed({"settimeofday"}), {"EPERM"}},
        {"set the host's clock (clock_settime)", fixed({"clock_settime"}), {"EPERM"}},
        {"ptrace a host process",
         [](const Host& h) {
             return std::vector<std::string>{"ptrace", h.pid};
         },
         {"ESRCH"}},
        {"signal a host process",
         [](const Host& h) {
             return std::vector<std::string>{"kill", h.pid};
         },
         {"ESRCH"}},
        {"raise its own pids limit (pids.max)",
         [](const Host&) {
             return std::vector<std::string>{
                 "write", insideCgroupFile("pids", "pids.max", "pids.max"), "max"};
         },
         {"EROFS", "EACCES"}},
        {"move itself to another cgroup (cgroup.procs)",
         [](const Host&) {
             return std::vector<std::string>{
                 "write", insideCgroupFile("memory", "cgroup.procs", "cgroup.procs"), "1"};
         },
         {"EROFS", "EACCES"}},
        {"make a cgroup of its own",
         [](const Host&) {
             std::string procs = insideCgroupFile("memory", "cgroup.procs", "cgroup.procs");
             return std::vector<std::string>{"mkdir",
                                             procs.substr(0, procs.rfind('/')) + "/cvirt-escape"};
         },
         {"EROFS", "EACCES"}},
        {"open a host file by handle (open_by_handle_at)", fixed({"open_by_handle_at"}), {"EPERM"}},
        {"use the kernel keyring (keyctl)", fixed({"keyctl"}), {"EPERM"}},
        {"load a BPF program", fixed({"bpf"}), {"EPERM"}},
        {"watch the host with perf_event_open", fixed({"perf_event_open"}), {"EPERM"}},
        {"raw port I/O (iopl)", fixed({"iopl"}), {"EPERM"}},
        {"reach the host's loopback without an interface",
         [](const Host& h) {
             return std::vector<std::string>{"connect", "127.0.0.1", h.port};
         },
         {"ECONNREFUSED"},
         Net::Private},
        {"reach any network without an interface",
         fixed({"connect", "192.0.2.1", "80"}),
         {"ENETUNREACH"},
         Net::Private},
        {"fork beyond pids.max", fixed({"forks", "200"}), {"EAGAIN"}},
        {"allocate beyond the memory limit", fixed({"alloc", "256"}), {"killed"}},
        {"chroot escape (chroot, .. past the root, chroot .)",
         [](const Host& h) {
             return std::vector<std::string>{"chroot_escape", h.marker};
         },
         {"ENOENT"}},
        {"read the host's kernel log (syslog, as dmesg does)", fixed({"syslog"}), {"EPERM"}},
        {"mount a proc of its own with MS_MGC_VAL in the flags and write core_pattern",
         fixed({"proc_afresh_magic"}),
         {"EPERM"}},
        {"make /proc/sys read-write through mount_setattr",
         fixed({"mount_setattr_rw", "/proc/sys"}),
         {"ENOSYS", "EPERM"}},
        {"reconfigure the host's network (lo's MTU, set to what it is)",
         fixed({"ifmtu", "lo"}),
         {"EPERM"},
         Net::Host},
        {"open a packet socket on the host's network (sniff, forge frames)",
         fixed({"packet_socket"}),
         {"EPERM"},
         Net::Host},
    };
    return kAll;
}

// A listener on the loopback of the test's network namespace.
class Listener {
public:
    Listener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof sa;
        CPPUNIT_ASSERT(::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
        CPPUNIT_ASSERT(::listen(fd_, 4) == 0);
        CPPUNIT_ASSERT(::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) == 0);
        port_ = ntohs(sa.sin_port);
    }
    ~Listener() { ::close(fd_); }
    int port() const { return port_; }

private:
    int fd_;
    int port_ = 0;
};

std::string hostName() {
    char buf[HOST_NAME_MAX + 1] = {};
    ::gethostname(buf, sizeof buf - 1);
    return buf;
}

}  // namespace

class EscapeTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(EscapeTest);
    CPPUNIT_TEST(asTheHostsRoot);
    CPPUNIT_TEST(asTheHostsRootWithPrivnet);
    CPPUNIT_TEST(inAUserNamespace);
    CPPUNIT_TEST(inAUserNamespaceWithPrivnet);
    CPPUNIT_TEST(symlinkedMountTargetsStayInside);
    CPPUNIT_TEST(superblockRemountStaysInside);
    CPPUNIT_TEST(plantedBindSourceLinkIsRefused);
    CPPUNIT_TEST(plantedBlockSourceLinkIsRefused);
    CPPUNIT_TEST_SUITE_END();

    // Runs every attempt that means something in this container; returns how many were
    // stopped (all, or the test fails). Without <privnet/> the container shares the host's
    // network, as libvirt's do: what a private network stops is shown, not counted.
    int suite(const std::string& variant, const std::string& extra, bool privnet) {
        Listener listener;
        fs::path marker = dir_->path() / "host-only-marker";
        { std::ofstream(marker) << "host\n"; }
        Host host{std::to_string(::getpid()), std::to_string(listener.port()), marker.string()};
        std::string name = "cvirt-test-escape-" + variant;
        Domain d = conn_->define(
            containerXml(name,
                         {.initargs = {"-c", "sleep 1000"},
                          .extra = privnet ? "<features><privnet/></features>" + extra : extra,
                          .devices = kProbeFs,
                          .cvirt = "<cvirt:pids max='64'/>"}),
            name + ".xml");
        d.start();
        int stopped = 0, total = 1, shared = 0;  // sethostname below is one
        std::string failures;
        for (const auto& a : attempts()) {
            if (privnet && a.net == Net::Host) continue;
            std::vector<std::string> argv = {"/probe/cvirt-probe"};
            for (auto& s : a.argv(host))
                argv.push_back(s);
            Captured c = execCapture(d, argv);
            std::string out = c.out;
            while (!out.empty() && out.back() == '\n')
                out.pop_back();
            bool ok = c.status == 0 && a.stopped.count(out);
            bool byDesign = !privnet && a.net == Net::Private;
            std::cout << "  " << std::left << std::setw(14) << variant << std::setw(14) << out
                      << a.name << (byDesign ? " (the host's network, by design)" : "")
                      << std::endl;
            if (byDesign) {
                ++shared;
                continue;
            }
            ++total;
            if (ok)
                ++stopped;
            else
                failures += "\n  " + a.name + ": " + out;
        }
        // sethostname inside changes the container's name, never the host's
        std::string before = hostName();
        run(d, {"hostname", "cvirt-escaped"});
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-escaped\n"), run(d, {"hostname"}));
        if (hostName() == before)
            ++stopped;
        else
            failures += "\n  sethostname changed the host's name";
        std::cout << "  " << std::left << std::setw(14) << variant << std::setw(14) << "unchanged"
                  << "change the host's hostname (sethostname)" << std::endl;
        CPPUNIT_ASSERT_MESSAGE("not stopped:" + failures, failures.empty());
        CPPUNIT_ASSERT(pidAlive(d.initPid()));  // and the container is still fine
        d.destroy();
        std::cout << "escape suite (" << variant << "): " << total << " attempts, " << stopped
                  << " stopped";
        if (shared) std::cout << "; " << shared << " reach the host's network by design";
        std::cout << std::endl;
        return stopped;
    }

public:
    // As cvirt starts a container by default: no interface, so the host's network.
    void asTheHostsRoot() { CPPUNIT_ASSERT(suite("default", "", false) >= 25); }
    void asTheHostsRootWithPrivnet() { CPPUNIT_ASSERT(suite("privnet", "", true) >= 25); }

    void inAUserNamespace() {
        if (!userNamespacesWork()) {
            skipCase("user namespaces unavailable");
            return;
        }
        CPPUNIT_ASSERT(suite("idmap", kIdmap, false) >= 25);
    }
    void inAUserNamespaceWithPrivnet() {
        if (!userNamespacesWork()) {
            skipCase("user namespaces unavailable");
            return;
        }
        CPPUNIT_ASSERT(suite("idmap-privnet", kIdmap, true) >= 25);
    }

    // A root whose links point at host paths: /abs -> <host dir> (absolute) and /rel ->
    // ../../..<host dir> (relative) as mount targets. Both resolve inside the root, as they
    // do for the container once it runs: the host's directory gets nothing, the container
    // sees the mount where its own links lead.
    void symlinkedMountTargetsStayInside() {
        fs::path root = dir_->path() / "root";
        fs::copy(rootfsDir(), root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        fs::path outside = dir_->path() / "outside";  // on the host
        fs::create_directories(outside);
        fs::path payload = dir_->path() / "payload";
        fs::create_directories(payload);
        { std::ofstream(payload / "file") << "payload\n"; }
        fs::create_directory_symlink(outside, root / "abs");
        std::string up;
        for (int i = 0; i < 12; ++i)
            up += "../";
        fs::create_directory_symlink(up + outside.relative_path().string(), root / "rel");
        fs::create_directories(root / outside.relative_path());  // where both lead, inside

        auto xml = [&](const std::string& target) {
            std::string x = containerXml(
                "cvirt-test-symlink",
                {.initargs = {"-c", "sleep 1000"},
                 .devices = "<filesystem type='mount'><source dir='" + root.string() +
                            "'/><target dir='/'/></filesystem><filesystem type='mount'><source "
                            "dir='" +
                            payload.string() + "'/><target dir='" + target + "'/></filesystem>",
                 .rootfs = false});
            return x;
        };
        for (const std::string target : {"/abs/data", "/rel/data"}) {
            Domain d = conn_->define(xml(target), "s.xml");
            d.start();
            CPPUNIT_ASSERT_EQUAL(std::string("payload\n"), run(d, {"cat", target + "/file"}));
            d.destroy();
            CPPUNIT_ASSERT_MESSAGE(target, fs::is_empty(outside));
            CPPUNIT_ASSERT(fs::exists(root / outside.relative_path() / "data"));
            d.undefine();
        }
        // a link that leads nowhere inside the root is refused, and makes nothing outside
        fs::create_directory_symlink(dir_->path() / "elsewhere", root / "dangling");
        Domain d = conn_->define(xml("/dangling/data"), "s.xml");
        try {
            d.start();
            CPPUNIT_FAIL("a dangling link as a mount target was accepted");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(
                e.what(), std::string(e.what()).find("symbolic link") != std::string::npos);
        }
        CPPUNIT_ASSERT(!fs::exists(dir_->path() / "elsewhere"));
        std::cout << "escape suite (symlinks): 3 attempts, 3 stopped" << std::endl;
    }

    // A root on a tmpfs of the test's own: a remount without MS_BIND would reconfigure the
    // superblock the host shares (read-only, smaller) instead of the container's mount of it.
    void superblockRemountStaysInside() {
        fs::path root = dir_->path() / "tmproot";
        fs::create_directories(root);
        CPPUNIT_ASSERT(::mount("cvirt-test", root.c_str(), "tmpfs", 0, "size=64m") == 0);
        struct Unmount {
            fs::path p;
            ~Unmount() { ::umount2(p.c_str(), MNT_DETACH); }
        } unmount{root};
        fs::copy(rootfsDir(), root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
        struct statvfs before {};
        CPPUNIT_ASSERT(::statvfs(root.c_str(), &before) == 0);
        Domain d = conn_->define(
            containerXml("cvirt-test-remount",
                         {.initargs = {"-c", "sleep 1000"},
                          .devices = "<filesystem type='mount'><source dir='" + root.string() +
                                     "'/><target dir='/'/></filesystem>" + kProbeFs,
                          .rootfs = false}),
            "r.xml");
        d.start();
        const std::pair<std::vector<std::string>, std::set<std::string>> tries[] = {
            {{"remount_sb", "/"}, {"EPERM"}},
            {{"remount_sb", "/", "size=96m"}, {"EPERM"}},
            {{"fspick_ro", "/"}, {"ENOSYS", "EPERM"}},
        };
        std::string failures;
        for (const auto& [args, stopped] : tries) {
            std::vector<std::string> argv = {"/probe/cvirt-probe"};
            argv.insert(argv.end(), args.begin(), args.end());
            std::string out = execCapture(d, argv).out;
            while (!out.empty() && out.back() == '\n')
                out.pop_back();
            std::string shown;
            for (const auto& a : args)
                shown += " " + a;
            std::cout << "  remount       " << std::left << std::setw(14) << out << shown
                      << std::endl;
            if (!stopped.count(out)) failures += "\n " + shown + ": " + out;
        }
        d.destroy();
        struct statvfs after {};
        CPPUNIT_ASSERT(::statvfs(root.c_str(), &after) == 0);
        CPPUNIT_ASSERT_MESSAGE("the host's tmpfs became read-only", !(after.f_flag & ST_RDONLY));
        CPPUNIT_ASSERT_EQUAL_MESSAGE("the host's tmpfs changed size", before.f_blocks,
                                     after.f_blocks);
        CPPUNIT_ASSERT_MESSAGE("not stopped:" + failures, failures.empty());
        std::cout << "escape suite (superblock): 3 attempts, 3 stopped" << std::endl;
    }

    // Two volumes, one writable and holding the other's source: the container swaps that
    // source for a link to a host directory; the next start must not show the host directory.
    // (The targets are in the container's /tmp: nothing is left in the shared busybox root.)
    void plantedBindSourceLinkIsRefused() {
        fs::path shared = dir_->path() / "shared", data = shared / "data";
        fs::path secret = dir_->path() / "host-secret";
        fs::create_directories(data);
        fs::create_directories(secret);
        { std::ofstream(data / "file") << "data\n"; }
        { std::ofstream(secret / "secret") << "host\n"; }
        auto bind = [](const fs::path& src, const std::string& target) {
            return "<filesystem type='mount'><source dir='" + src.string() + "'/><target dir='" +
                   target + "'/></filesystem>";
        };
        Domain d = conn_->define(
            containerXml("cvirt-test-planted",
                         {.initargs = {"-c", "sleep 1000"},
                          .devices = bind(shared, "/tmp/shared") + bind(data, "/tmp/data")}),
            "p.xml");
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("data\n"), run(d, {"cat", "/tmp/data/file"}));
        run(d, {"mv", "/tmp/shared/data", "/tmp/shared/old"});
        run(d, {"ln", "-s", secret.string(), "/tmp/shared/data"});
        d.destroy();
        CPPUNIT_ASSERT(fs::is_symlink(data));
        std::string outcome;
        try {
            d.start();
            Captured c = execCapture(d, {"cat", "/tmp/data/secret"});
            outcome = c.status == 0 ? "the host directory shown" : "started, link not followed";
            d.destroy();
        } catch (const Error& e) {
            std::string what = e.what();
            CPPUNIT_ASSERT_MESSAGE(what,
                                   what.find("'" + data.string() + "'") != std::string::npos &&
                                       what.find("symbolic link") != std::string::npos);
            outcome = "refused";
            std::cout << "  planted link  " << what << std::endl;
        }
        std::cout << "  planted link  " << outcome
                  << ": bind source swapped for a link to a host directory" << std::endl;
        CPPUNIT_ASSERT(outcome != "the host directory shown");
        CPPUNIT_ASSERT(d.info().summary.state == DomainState::Shutoff);
        std::cout << "escape suite (bind sources): 1 attempt, 1 stopped" << std::endl;
    }

    // The same for a block source outside /dev: a link there to a host disk (a loop device
    // with a file system of the test's own) must not be mounted.
    void plantedBlockSourceLinkIsRefused() {
        if (std::system("command -v losetup >/dev/null && command -v mkfs.ext4 >/dev/null") != 0) {
            skipCase("needs losetup and mkfs.ext4");
            return;
        }
        fs::path img = dir_->path() / "disk.img", link = dir_->path() / "shared-disk";
        CPPUNIT_ASSERT(
            std::system(("truncate -s 8M " + img.string() + " && mkfs.ext4 -q -F " + img.string())
                            .c_str()) == 0);
        std::string dev = shell("losetup -f --show " + img.string());
        while (!dev.empty() && dev.back() == '\n')
            dev.pop_back();
        CPPUNIT_ASSERT_MESSAGE("losetup failed", dev.rfind("/dev/loop", 0) == 0);
        struct Detach {
            std::string dev;
            ~Detach() { shell("losetup -d " + dev); }
        } detach{dev};
        fs::create_symlink(dev, link);  // as a container writing that directory would
        Domain d = conn_->define(
            containerXml("cvirt-test-planted-block",
                         {.initargs = {"-c", "sleep 1000"},
                          .devices = "<filesystem type='block'><source dev='" + link.string() +
                                     "'/><target dir='/disk'/><readonly/></filesystem>"}),
            "b.xml");
        std::string outcome = "refused";
        try {
            d.start();
            outcome = "the host disk mounted";
            d.destroy();
        } catch (const Error& e) {
            std::string what = e.what();
            std::cout << "  planted link  " << what << std::endl;
            CPPUNIT_ASSERT_MESSAGE(what,
                                   what.find("'" + link.string() + "'") != std::string::npos &&
                                       what.find("symbolic link") != std::string::npos);
        }
        std::cout << "  planted link  " << outcome
                  << ": block source replaced by a link to a host disk" << std::endl;
        CPPUNIT_ASSERT_EQUAL(std::string("refused"), outcome);
        std::cout << "escape suite (block sources): 1 attempt, 1 stopped" << std::endl;
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(EscapeTest);
