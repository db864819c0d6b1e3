// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-scale ROOTFS [N]: starts N long-running containers one after another and keeps
// them all running; prints the start time of the first and last tenth (flat = no growth with
// N), list and domstats of all N (in process and as `cvirsh domstats`), the setmem round
// trip, and the time to destroy them all.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "cvirt/connection.h"

namespace fs = std::filesystem;
using namespace cvirt::bench;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: cvirt-bench-scale ROOTFS [N]\n");
        return 2;
    }
    std::string rootfs = fs::canonical(argv[1]);
    int n = argc > 2 ? std::atoi(argv[2]) : 200;
    std::string root = tempRoot();
    cvirt::Connection conn = cvirt::Connection::open("lxc:///embed?root=" + root);
    std::vector<double> starts;
    std::vector<cvirt::Domain> doms;
    for (int i = 0; i < n; ++i) {
        std::string name = "cvirt-bench-s" + std::to_string(i);
        doms.push_back(conn.define(
            "<domain type='lxc'><name>" + name +
                "</name><memory unit='MiB'>64</memory><os><type>exe"
                "</type><init>/bin/sh</init><initarg>-c</initarg><initarg>sleep "
                "100000</initarg></os>"
                "<features><privnet/></features><devices><filesystem type='mount'><source dir='" +
                rootfs + "'/><target dir='/'/></filesystem></devices></domain>",
            name));
        auto a = Clock::now();
        doms.back().start();
        starts.push_back(ms(Clock::now() - a));
    }
    size_t tenth = std::max<size_t>(1, starts.size() / 10);
    std::vector<double> first(starts.begin(), starts.begin() + tenth),
        last(starts.end() - tenth, starts.end());
    auto a = Clock::now();
    auto running = conn.list({});
    double listMs = ms(Clock::now() - a);

    // domstats of every running domain: in process, then as an operator runs it
    a = Clock::now();
    uint64_t cpuSum = 0;
    for (const auto& r : running)
        cpuSum += conn.lookup(r.name).stats().cpuTimeNs;
    double statsMs = ms(Clock::now() - a);
    std::string cvirsh = (fs::path(argv[0]).parent_path() / "cvirsh").string();
    std::string uri = "lxc:///embed?root=" + root;
    std::vector<double> shellStats;
    for (int i = 0; i < 5; ++i) {
        a = Clock::now();
        if (std::system((cvirsh + " -c '" + uri + "' domstats >/dev/null").c_str()) != 0) break;
        shellStats.push_back(ms(Clock::now() - a));
    }

    // setmem round trip on one running domain: API call, and a cvirsh process
    std::vector<double> tune, shellTune;
    for (int i = 0; i < 50; ++i) {
        cvirt::Tuning t;
        t.memoryKiB = i % 2 ? 65536 : 32768;
        a = Clock::now();
        doms[0].tune(t);
        tune.push_back(ms(Clock::now() - a));
    }
    for (int i = 0; i < 10; ++i) {
        a = Clock::now();
        std::string cmd =
            cvirsh + " -c '" + uri + "' setmem " + doms[0].name() + (i % 2 ? " 64M" : " 32M");
        if (std::system(cmd.c_str()) != 0) break;
        shellTune.push_back(ms(Clock::now() - a));
    }
    a = Clock::now();
    for (auto& d : doms)
        d.destroy();
    double destroyMs = ms(Clock::now() - a);
    std::printf("running at once: %zu\n", running.size());
    std::printf("start, median of the first %zu: %.2f ms; of the last %zu: %.2f ms (ratio %.2f)\n",
                tenth, median(first), tenth, median(last), median(last) / median(first));
    std::printf("list of %zu running (in process): %.2f ms; destroy all: %.1f ms (%.2f ms each)\n",
                running.size(), listMs, destroyMs, destroyMs / n);
    std::printf(
        "stats of %zu running: in process %.1f ms; `cvirsh domstats` median of %zu: "
        "%.1f ms (cpu sum %.1f s)\n",
        running.size(), statsMs, shellStats.size(), median(shellStats),
        static_cast<double>(cpuSum) / 1e9);
    std::printf("setmem round trip: API median %.3f ms; `cvirsh setmem` median %.2f ms\n",
                median(tune), median(shellTune));
    fs::remove_all(root);
    return 0;
}
