// SPDX-License-Identifier: GPL-3.0-or-later
// Soak: CVIRT_SOAK_CYCLES (default 1,000) start/destroy cycles of a container with a veth on a
// bridge, most through the API, every tenth through cvirsh. At 0, half way and the end it
// counts what a leak would grow: the test's fds and mounts, the cgroup directories of this
// root in every hierarchy, the network links of the test's own namespace, controllers still
// running, and the test's RSS. Kernel objects must be exactly flat, memory nearly so.
#include <cppunit/extensions/HelperMacros.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "cgroup/domain_cgroup.h"
#include "cgroup/layout.h"
#include "cvirt/connection.h"
#include "net/netlink.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

// A network namespace and a mount namespace of the test's own: links and mounts counted are
// this test's, whatever else runs on the host meanwhile (the controllers it starts share
// both, so what they leak shows).
std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainersInOwnNetns()) return m;
    if (::unshare(CLONE_NEWNS) < 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
        return "cannot create a mount namespace for the test";
    return std::nullopt;
}

namespace {

const char* kDomain = "cvirt-test-soak";
const char* kBridge = "cvtsoak0";

int soakCycles() {
    const char* env = std::getenv("CVIRT_SOAK_CYCLES");
    int n = env && *env ? std::atoi(env) : 1000;
    return n > 0 ? n : 1000;
}

size_t countDir(const fs::path& dir) {
    size_t n = 0;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
        ++n;
    return n;
}

size_t countLines(const fs::path& file) {
    std::ifstream in(file);
    size_t n = 0;
    for (std::string line; std::getline(in, line);)
        ++n;
    return n;
}

// Directories below every hierarchy's mount whose name contains `tag` (with what is below
// them), and all directories below the hierarchies' /machine.
std::pair<size_t, size_t> cgroupDirs(const std::string& tag) {
    static const cgroup::HostLayout host = cgroup::detectHost();
    size_t ours = 0, machine = 0;
    for (const auto& h : host.hierarchies) {
        std::error_code ec;
        fs::path top = h.mount / "machine";
        for (auto it = fs::recursive_directory_iterator(top, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_directory(ec)) continue;
            ++machine;
            if (it->path().string().find(tag) != std::string::npos) ++ours;
        }
    }
    return {ours, machine};
}

long rssKiB(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
    return -1;
}

// Live cvirt-lxc-controller processes whose command line names `root`.
size_t controllersOf(const std::string& root) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator("/proc")) {
        std::string pid = e.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmd = procText(e.path() / "cmdline");
        if (cmd.find("cvirt-lxc-controller") != std::string::npos &&
            cmd.find(root) != std::string::npos) {
            std::string stat = procText(e.path() / "stat");
            size_t paren = stat.rfind(')');
            if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z')
                continue;  // exited, waiting for its reaper
            ++n;
        }
    }
    return n;
}

struct Sample {
    int cycle = 0;
    size_t fds = 0, mounts = 0, cgroups = 0, machineCgroups = 0, links = 0, controllers = 0;
    long rssKiB = 0;
    double seconds = 0;
    double settleMs = 0;  // until the last controller had exited and the links were back
};

}  // namespace

class SoakTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(SoakTest);
    CPPUNIT_TEST(startDestroyCyclesLeaveNothing);
    CPPUNIT_TEST_SUITE_END();

    Sample sample(int cycle, double seconds) {
        Sample s;
        s.cycle = cycle;
        s.seconds = seconds;
        s.fds = countDir("/proc/self/fd");
        s.mounts = countLines("/proc/self/mountinfo");
        auto [ours, machine] =
            cgroupDirs(cgroup::leafName("", "lxc", dir_->path()));  // ".cvirt-lxc-<root hash>"
        s.cgroups = ours;
        s.machineCgroups = machine;
        s.links = net::Netlink::open().links().size();
        s.controllers = controllersOf(dir_->path().string());
        s.rssKiB = rssKiB(::getpid());
        return s;
    }

    RunResult sh(std::vector<std::string> args) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }

public:
    void setUp() override {
        ContainerFixture::setUp();
        net::Netlink nl = net::Netlink::open();
        nl.createBridge(kBridge);
        nl.changeLink(kBridge, {.up = true});
    }
    void tearDown() override {
        ContainerFixture::tearDown();
        net::Netlink nl = net::Netlink::open();
        for (const auto& l : nl.links())
            if (l.name.starts_with("cvt")) nl.deleteLink(l.name);
    }

    void startDestroyCyclesLeaveNothing() {
        const int cycles = soakCycles();
        Domain d = conn_->define(
            containerXml(kDomain, {.initargs = {"-c", "sleep 1000"},
                                   .devices = "<interface type='bridge'><source bridge='" +
                                              std::string(kBridge) +
                                              "'/><ip address='10.91.0.2' prefix='24'/>"
                                              "</interface>"}),
            "soak.xml");
        std::vector<Sample> rows;
        auto t0 = std::chrono::steady_clock::now();
        auto elapsed = [&] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        };
        rows.push_back(sample(0, 0));
        int viaShell = 0;
        for (int i = 1; i <= cycles; ++i) {
            if (i % 10 == 0) {
                RunResult r = sh({"start", kDomain});
                CPPUNIT_ASSERT_EQUAL_MESSAGE("cycle " + std::to_string(i) + ": " + r.err, 0,
                                             r.status);
                r = sh({"destroy", kDomain});
                CPPUNIT_ASSERT_EQUAL_MESSAGE("cycle " + std::to_string(i) + ": " + r.err, 0,
                                             r.status);
                ++viaShell;
            } else {
                d.start();
                d.destroy();
            }
            if (i == cycles / 2 || i == cycles) {
                // destroy() returns once the controller answered; the controller process exits
                // just after, and the kernel removes the host end of the veth with the
                // container's network namespace, in the background. Give both up to 10 s.
                auto settle = std::chrono::steady_clock::now();
                Sample s = sample(i, elapsed());
                for (int w = 0; w < 1000 && (s.controllers != 0 || s.links != rows[0].links); ++w) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                    s = sample(i, s.seconds);
                }
                s.settleMs = std::chrono::duration<double, std::milli>(
                                 std::chrono::steady_clock::now() - settle)
                                 .count();
                rows.push_back(s);
            }
        }

        std::printf("\nsoak: %d start/destroy cycles (%d through cvirsh) in %.1f s, %.1f ms each\n",
                    cycles, viaShell, elapsed(), 1000 * elapsed() / cycles);
        std::printf("%7s %5s %7s %8s %16s %6s %12s %8s %9s %10s\n", "cycle", "fds", "mounts",
                    "cgroups", "machine-cgroups", "links", "controllers", "rss-KiB", "seconds",
                    "settle-ms");
        for (const auto& s : rows)
            std::printf("%7d %5zu %7zu %8zu %16zu %6zu %12zu %8ld %9.1f %10.1f\n", s.cycle, s.fds,
                        s.mounts, s.cgroups, s.machineCgroups, s.links, s.controllers, s.rssKiB,
                        s.seconds, s.settleMs);
        std::fflush(stdout);

        const Sample& first = rows.front();
        for (const auto& s : rows) {
            std::string at = "at cycle " + std::to_string(s.cycle);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("fds " + at, first.fds, s.fds);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("mounts " + at, first.mounts, s.mounts);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("cgroups of this root " + at, size_t(0), s.cgroups);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("links " + at, first.links, s.links);
            CPPUNIT_ASSERT_EQUAL_MESSAGE("controllers " + at, size_t(0), s.controllers);
        }
        // The first cycle warms up allocator arenas, libnl and libxml2; after that the test
        // process must not grow: at most 2 MiB over the first sample, and none between the
        // second half's samples beyond 512 KiB.
        const Sample& mid = rows[1];
        const Sample& last = rows.back();
        CPPUNIT_ASSERT_MESSAGE("rss grew from " + std::to_string(first.rssKiB) + " to " +
                                   std::to_string(last.rssKiB) + " KiB",
                               last.rssKiB - first.rssKiB <= 2048);
        CPPUNIT_ASSERT_MESSAGE("rss grew from " + std::to_string(mid.rssKiB) + " to " +
                                   std::to_string(last.rssKiB) + " KiB in the second half",
                               last.rssKiB - mid.rssKiB <= 512);
        // Nothing of the domain is left in the root's run directory but what a stopped
        // domain keeps (its shut-off reason, the id counter, the lock).
        for (const auto& e : fs::directory_iterator(runDir())) {
            std::string n = e.path().filename().string();
            CPPUNIT_ASSERT_MESSAGE(n, n == "next-id" || n == std::string(kDomain) + ".reason" ||
                                          n.starts_with(".") || e.is_directory());
        }
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(SoakTest);
