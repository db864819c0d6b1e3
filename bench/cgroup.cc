// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-cgroup [N]: what the cgroup part of a start costs on this host's layout, phase
// by phase (create the directories, write the limits, install the device filter, remove),
// median of N rounds. Run it on a v2 host (or in the VM lane) for the v2 figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "cgroup/devices.h"
#include "cgroup/domain_cgroup.h"
#include "cgroup/layout.h"
#include "cgroup/limits.h"

using namespace cvirt::bench;
using namespace cvirt;

int main(int argc, char** argv) {
    int n = argc > 1 ? std::atoi(argv[1]) : 200;
    cgroup::HostLayout host = cgroup::detectHost();
    const char* layout = host.layout == cgroup::Layout::Unified  ? "v2"
                         : host.layout == cgroup::Layout::Hybrid ? "hybrid"
                                                                 : "v1";
    // A typical domain: memory, cpu shares and quota, pids, the standard device set.
    conf::DomainDef def;
    def.name = "bench";
    def.memory.kib = 65536;
    def.cputune.shares = 512;
    def.cputune.period = 100000;
    def.cputune.quota = 50000;
    def.cvirtResources.pidsMax = 256;
    cgroup::Limits limits = cgroup::limitsFor(def);
    std::vector<cgroup::DeviceRule> rules = cgroup::deviceRules(def);

    std::vector<double> create, apply, devices, change, remove, total;
    for (int i = 0; i < n; ++i) {
        std::string leaf = "cvirt-test-bench-" + std::to_string(i);
        auto t0 = Clock::now();
        auto cg = cgroup::DomainCgroup::create(host, "/cvirt-test-bench", leaf);
        auto t1 = Clock::now();
        cg.apply(limits);
        auto t2 = Clock::now();
        cg.setDevices(rules);
        auto t3 = Clock::now();
        cgroup::Limits halved = limits;
        halved.memoryBytes = *limits.memoryBytes / 2;
        cg.change(limits, halved);  // a setmem: one file
        auto t4 = Clock::now();
        cg.remove();
        cg.release();
        auto t5 = Clock::now();
        create.push_back(us(t1 - t0));
        apply.push_back(us(t2 - t1));
        devices.push_back(us(t3 - t2));
        change.push_back(us(t4 - t3));
        remove.push_back(us(t5 - t4));
        total.push_back(us(t3 - t0) + us(t5 - t4));
    }
    std::printf("cgroup layout: %s, %d rounds, medians in µs\n", layout, n);
    std::printf(
        "  create %.0f | limits %.0f | device filter %.0f | remove %.0f | "
        "start+stop total %.0f\n",
        median(create), median(apply), median(devices), median(remove), median(total));
    std::printf("  live change of one limit (setmem, in process): %.0f\n", median(change));
    return 0;
}
