// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-populate URI COUNT [PREFIX]: defines COUNT generated lxc domains named
// PREFIX0..PREFIX{COUNT-1} through cvirt::Connection::define, in this one process (setup for
// bench/list.sh), and prints the time per define: mean, median, 95th percentile, max.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "cvirt/connection.h"

namespace {

// The shape bench/list.sh gives `cvirsh define`: a small lxc domain with a title.
std::string domainXml(const std::string& name) {
    return "<domain type='lxc'><name>" + name + "</name><title>bench " + name +
           "</title><memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh</init></os>"
           "<devices><filesystem type='mount'><source dir='/srv/" +
           name + "'/><target dir='/'/></filesystem></devices></domain>";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || std::atoi(argv[2]) <= 0) {
        std::fprintf(stderr, "usage: cvirt-bench-populate URI COUNT [PREFIX]\n");
        return 2;
    }
    const int count = std::atoi(argv[2]);
    const std::string prefix = argc > 3 ? argv[3] : "bench";
    std::vector<double> ms;
    ms.reserve(count);
    try {
        cvirt::Connection conn = cvirt::Connection::open(argv[1]);
        for (int i = 0; i < count; ++i) {
            std::string name = prefix + std::to_string(i);
            std::string xml = domainXml(name);
            auto t0 = std::chrono::steady_clock::now();
            conn.define(xml, name + ".xml");
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cvirt-bench-populate: define #%zu: %s\n", ms.size(), e.what());
        return 1;
    }
    double total = 0;
    for (double x : ms)
        total += x;
    std::sort(ms.begin(), ms.end());
    std::printf(
        "defined %d domains in %.2f s, in one process: per define mean %.2f ms, median %.2f ms, "
        "p95 %.2f ms, max %.2f ms\n",
        count, total / 1000, total / count, ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back());
    return 0;
}
