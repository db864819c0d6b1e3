// cvirt-bench-scale ROOTFS [N]: starts N long-running containers one after another and keeps
// them all running; prints the start time of the first and last tenth (flat = no growth with
// N), `cvirsh list` time at N running, and the time to destroy them all.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cvirt/connection.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

static double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}
static double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: cvirt-bench-scale ROOTFS [N]\n");
        return 2;
    }
    std::string rootfs = fs::canonical(argv[1]);
    int n = argc > 2 ? std::atoi(argv[2]) : 200;
    const char* tmpdir = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/cvirt-bench-XXXXXX";
    std::string root = mkdtemp(tmpl.data());
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
    a = Clock::now();
    for (auto& d : doms)
        d.destroy();
    double destroyMs = ms(Clock::now() - a);
    std::printf("running at once: %zu\n", running.size());
    std::printf("start, median of the first %zu: %.2f ms; of the last %zu: %.2f ms (ratio %.2f)\n",
                tenth, median(first), tenth, median(last), median(last) / median(first));
    std::printf("list of %zu running (in process): %.2f ms; destroy all: %.1f ms (%.2f ms each)\n",
                running.size(), listMs, destroyMs, destroyMs / n);
    fs::remove_all(root);
    return 0;
}
