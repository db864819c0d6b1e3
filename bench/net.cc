// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-net ROOTFS [RUNS] [N]: what one veth-in-bridge interface adds to start and to
// destroy over a container with only its own network namespace (<privnet/>), RUNS
// interleaved runs each; then N networked containers started in sequence and kept running
// (per-container start time should stay flat). Runs in a network namespace of its own with a
// bridge it makes; nothing is left on the host.
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "cvirt/connection.h"
#include "net/netlink.h"

namespace fs = std::filesystem;
using namespace cvirt::bench;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: cvirt-bench-net ROOTFS [RUNS] [N]\n");
        return 2;
    }
    std::string rootfs = fs::canonical(argv[1]);
    int runs = argc > 2 ? std::atoi(argv[2]) : 30;
    int n = argc > 3 ? std::atoi(argv[3]) : 100;
    if (::unshare(CLONE_NEWNET) < 0) {
        std::perror("unshare(CLONE_NEWNET)");
        return 1;
    }
    cvirt::net::Netlink nl = cvirt::net::Netlink::open();
    nl.createBridge("cvtbench0");
    nl.changeLink("cvtbench0", {.up = true});

    std::string root = tempRoot();
    cvirt::Connection conn = cvirt::Connection::open("lxc:///embed?root=" + root);
    auto xml = [&](const std::string& name, bool veth) {
        return "<domain type='lxc'><name>" + name +
               "</name><memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh</init>"
               "<initarg>-c</initarg><initarg>sleep 100000</initarg></os><features><privnet/>"
               "</features><devices><filesystem type='mount'><source dir='" +
               rootfs + "'/><target dir='/'/></filesystem>" +
               (veth ? "<interface type='bridge'><source bridge='cvtbench0'/><ip "
                       "address='10.200.0.2' prefix='24'/></interface>"
                     : "") +
               "</devices></domain>";
    };
    cvirt::Domain plain = conn.define(xml("cvirt-bench-plain", false), "plain");
    cvirt::Domain veth = conn.define(xml("cvirt-bench-veth", true), "veth");
    std::vector<double> startPlain, startVeth, destroyPlain, destroyVeth;
    for (int i = 0; i < runs; ++i) {
        for (auto [d, s, k] : {std::tuple{&plain, &startPlain, &destroyPlain},
                               std::tuple{&veth, &startVeth, &destroyVeth}}) {
            auto a = Clock::now();
            d->start();
            s->push_back(ms(Clock::now() - a));
            a = Clock::now();
            d->destroy();
            k->push_back(ms(Clock::now() - a));
        }
    }
    std::printf("start:   privnet only %.2f ms, + one veth in a bridge %.2f ms (added %.2f ms)\n",
                median(startPlain), median(startVeth), median(startVeth) - median(startPlain));
    std::printf("destroy: privnet only %.2f ms, + one veth in a bridge %.2f ms (added %.2f ms)\n",
                median(destroyPlain), median(destroyVeth),
                median(destroyVeth) - median(destroyPlain));

    std::vector<double> starts;
    std::vector<cvirt::Domain> doms;
    for (int i = 0; i < n; ++i) {
        std::string name = "cvirt-bench-n" + std::to_string(i);
        std::string x = xml(name, true);
        x.replace(x.find("10.200.0.2"), 10,
                  "10.200." + std::to_string(1 + i / 250) + "." + std::to_string(2 + i % 250));
        doms.push_back(conn.define(x, name));
        auto a = Clock::now();
        doms.back().start();
        starts.push_back(ms(Clock::now() - a));
    }
    size_t tenth = std::max<size_t>(1, starts.size() / 10);
    std::vector<double> first(starts.begin(), starts.begin() + tenth),
        last(starts.end() - tenth, starts.end());
    std::printf(
        "%d networked containers in sequence: start median of the first %zu %.2f ms, of "
        "the last %zu %.2f ms (ratio %.2f)\n",
        n, tenth, median(first), tenth, median(last), median(last) / median(first));
    auto a = Clock::now();
    for (auto& d : doms)
        d.destroy();
    std::printf("destroying them: %.1f ms (%.2f ms each)\n", ms(Clock::now() - a),
                ms(Clock::now() - a) / n);
    std::printf("LXC with a veth in a bridge, whole processes: cvirt-bench-peers\n");
    fs::remove_all(root);
    return 0;
}
