// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-start ROOTFS [RUNS]: container start latency through the API (in process),
// interleaved with the floor (unshare + chroot of the same /bin/true), in one run; and the
// controller's memory. Prints medians and ratios to the floor. The same figures as whole
// cvirsh processes beside LXC and crun are cvirt-bench-peers'. A benchmark: it asserts nothing.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "cvirt/connection.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
using cvirt::bench::median;
using cvirt::bench::ms;
using cvirt::bench::pssKiB;
using cvirt::bench::tempRoot;
using cvirt::bench::waitControllerGone;

// `security`: <cvirt:security> children ("" = the defaults: seccomp profile, masks).
std::string xml(const std::string& name, const std::string& rootfs, const std::string& init,
                const std::string& arg, const std::string& security = "") {
    std::string ns =
        security.empty() ? "" : " xmlns:cvirt='http://cvirt.org/schemas/domain/cvirt/1.0'";
    std::string sec = security.empty() ? "" : "<cvirt:security>" + security + "</cvirt:security>";
    return "<domain type='lxc'" + ns + "><name>" + name +
           "</name><memory unit='MiB'>64</memory><os><type>exe</type><init>" + init + "</init>" +
           (arg.empty() ? "" : "<initarg>-c</initarg><initarg>" + arg + "</initarg>") +
           "</os><features><privnet/></features><devices><filesystem type='mount'><source dir='" +
           rootfs + "'/><target dir='/'/></filesystem><console type='pty'/></devices>" + sec +
           "</domain>";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: cvirt-bench-start ROOTFS [RUNS]\n";
        return 2;
    }
    std::string rootfs = fs::canonical(argv[1]);
    int runs = argc > 2 ? std::atoi(argv[2]) : 30;
    // The embed root holds run/ (live state): put it where the host keeps /run. On a real
    // host that is a tmpfs; TMPDIR chooses (default /tmp).
    std::string root = tempRoot();
    std::string uri = "lxc:///embed?root=" + root;
    fs::path runDir = fs::path(root) / "run/cvirt/lxc";
    cvirt::Connection conn = cvirt::Connection::open(uri);
    conn.define(xml("cvirt-bench-long", rootfs, "/bin/sh", "sleep 100000"), "bench");
    // the same without the seccomp filter: what confinement costs a start
    conn.define(xml("cvirt-bench-unconf", rootfs, "/bin/sh", "sleep 100000",
                    "<cvirt:seccomp profile='unconfined'/><cvirt:nonewprivs state='off'/>"),
                "bench");

    std::map<std::string, std::vector<double>> t;
    std::vector<long> pss;
    for (int i = 0; i < runs; ++i) {
        auto a = Clock::now();
        cvirt::bench::run({"unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net",
                           "--cgroup", "--mount-proc", "chroot", rootfs, "/bin/true"});
        t["floor (unshare+chroot) start-to-exit"].push_back(ms(Clock::now() - a));

        a = Clock::now();
        std::string name = "cvirt-bench-true";
        conn.create(xml(name, rootfs, "/bin/true", ""), "bench");
        waitControllerGone(runDir, name);
        t["cvirt start-to-exit"].push_back(ms(Clock::now() - a));

        cvirt::Domain d = conn.lookup("cvirt-bench-long");
        a = Clock::now();
        d.start();
        t["cvirt detached start"].push_back(ms(Clock::now() - a));
        if (i == 0) {
            std::ifstream in(runDir / "cvirt-bench-long.pid");
            pid_t ctl = 0;
            in >> ctl;
            pss.push_back(pssKiB(ctl));
        }
        a = Clock::now();
        d.destroy();
        t["cvirt destroy"].push_back(ms(Clock::now() - a));
        cvirt::Domain u = conn.lookup("cvirt-bench-unconf");
        a = Clock::now();
        u.start();
        t["cvirt detached start, seccomp unconfined"].push_back(ms(Clock::now() - a));
        u.destroy();
    }
    // Controller memory: PSS of each controller with 20 domains running (shared pages are
    // divided among the processes that map them, as they are on a host with many domains).
    const int kRunning = 20;
    std::vector<cvirt::Domain> running;
    for (int i = 0; i < kRunning; ++i) {
        std::string name = "cvirt-bench-pss" + std::to_string(i);
        running.push_back(conn.define(xml(name, rootfs, "/bin/sh", "sleep 100000"), "bench"));
        running.back().start();
    }
    long pssTotal = 0;
    for (int i = 0; i < kRunning; ++i) {
        std::ifstream in(runDir / ("cvirt-bench-pss" + std::to_string(i) + ".pid"));
        pid_t ctl = 0;
        in >> ctl;
        pssTotal += pssKiB(ctl);
    }
    for (auto& d : running)
        d.destroy();

    double floor = median(t["floor (unshare+chroot) start-to-exit"]);
    std::printf("%-40s %10s %8s\n", "what (median of runs)", "ms", "x floor");
    for (auto& [k, v] : t)
        std::printf("%-40s %10.2f %8.2f\n", k.c_str(), median(v), median(v) / floor);
    if (!pss.empty() && pss[0] > 0)
        std::printf("%-40s %10ld KiB\n", "controller PSS, 1 running", pss[0]);
    std::printf("%-40s %10ld KiB\n", "controller PSS, mean of 20 running", pssTotal / kRunning);
    std::printf("runs: %d\n", runs);
    fs::remove_all(root);
    return 0;
}
