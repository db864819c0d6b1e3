// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-profile ROOTFS [ROUNDS] [veth]: where a `cvirsh start`, a `cvirsh destroy` and a
// one-shot `cvirsh create` (of /bin/true, until its controller is gone)
// of the busybox container spend their time, step by step (as root). Each round runs the two
// whole cvirsh processes with CVIRT_STAMPS set (util/stamp.h): the shell, the controller and
// the container's child append a CLOCK_MONOTONIC stamp at each step, and this program stamps
// the moment it spawns cvirsh and the moment cvirsh has exited. Printed as Markdown tables,
// medians over ROUNDS (default 30), a row per stamp in the order of its median time:
//   at     ms from the spawn of cvirsh to the stamp
//   step   µs since the previous stamp of the same process (for the controller's first one,
//          since the shell's fork; for the child's first, since the controller's clone)
// The controller and the child work at the same time between the clone and exec: their steps
// overlap, and the "at" column says which one the start waits for. The domain is the one
// cvirt-bench-peers starts (64 MiB limit, <privnet/>, /bin/sleep init); `veth` adds one veth
// in a bridge the bench makes in a network namespace of its own. A benchmark: it asserts
// nothing.
#include <sched.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "net/netlink.h"

namespace fs = std::filesystem;
using namespace cvirt::bench;

namespace {

long long monotonicNs() {
    timespec t{};
    ::clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

struct Stamp {
    long long ns;
    std::string step;
};

// Which process a step belongs to, by its name.
std::string processOf(const std::string& step) {
    if (step.starts_with("ctl:") || step.starts_with("start:ctl") || step.starts_with("stop:ctl"))
        return "controller";
    if (step.starts_with("child:")) return "child";
    if (step.starts_with("after:")) return "bench";
    return "shell";
}

struct Row {
    std::vector<double> atMs, stepUs;
    std::string process;
};

// The stamps of one process run, "cvirsh:spawn" and "cvirsh:exited" around them.
// `after`: what else to wait for once cvirsh has exited ("after:done" stamps its end).
std::vector<Stamp> timed(const std::vector<std::string>& argv, const fs::path& file,
                         const std::function<void()>& after = {}) {
    // Emptied, not removed: a running controller appends to the file it opened at its start.
    std::ofstream(file, std::ios::trunc);
    long long a = monotonicNs();
    int rc = run(argv);
    long long b = monotonicNs();
    long long c = after ? (after(), monotonicNs()) : 0;
    std::vector<Stamp> s{{a, "cvirsh:spawn"}};
    std::ifstream in(file);
    long long ns;
    int pid;
    std::string step;
    while (in >> ns >> pid && std::getline(in >> std::ws, step))
        s.push_back({ns, step});
    s.push_back({b, rc == 0 ? "cvirsh:exited" : "cvirsh:FAILED"});
    if (after) s.push_back({c, "after:controller-gone"});
    std::stable_sort(s.begin(), s.end(), [](auto& x, auto& y) { return x.ns < y.ns; });
    return s;
}

void add(std::map<std::string, Row>& rows, const std::vector<Stamp>& s) {
    long long t0 = s.front().ns;
    std::map<std::string, long long> last;  // process -> its previous stamp
    std::map<std::string, long long> seen;  // step -> when (first time)
    for (const auto& st : s) {
        std::string proc = processOf(st.step);
        long long prev = last.count(proc) ? last[proc] : -1;
        if (prev < 0 && proc == "controller" && seen.count("shell:fork")) prev = seen["shell:fork"];
        if (prev < 0 && proc == "child" && seen.count("ctl:clone")) prev = seen["ctl:clone"];
        if (prev < 0) prev = t0;
        Row& r = rows[st.step];
        r.process = proc;
        r.atMs.push_back((st.ns - t0) / 1e6);
        r.stepUs.push_back((st.ns - prev) / 1e3);
        last[proc] = st.ns;
        seen.emplace(st.step, st.ns);
    }
}

double pct(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(v.size() * p))];
}

void print(const char* title, const std::map<std::string, Row>& rows, int rounds) {
    std::vector<std::pair<double, std::string>> order;
    for (const auto& [step, r] : rows)
        order.push_back({median(r.atMs), step});
    std::sort(order.begin(), order.end());
    std::printf("\n%s (medians of %d rounds)\n\n", title, rounds);
    std::printf("| at (ms) | step (µs) | p10–p90 (µs) | process | stamp |\n");
    std::printf("| ---: | ---: | ---: | --- | --- |\n");
    for (const auto& [at, step] : order) {
        const Row& r = rows.at(step);
        std::printf("| %.2f | %.0f | %.0f–%.0f | %s | %s%s |\n", at, median(r.stepUs),
                    pct(r.stepUs, 0.1), pct(r.stepUs, 0.9), r.process.c_str(), step.c_str(),
                    static_cast<int>(r.atMs.size()) < rounds ? " (not every round)" : "");
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: cvirt-bench-profile ROOTFS [ROUNDS] [veth]\n");
        return 2;
    }
    const std::string rootfs = fs::canonical(argv[1]);
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 30;
    const bool veth = argc > 3 && std::string(argv[3]) == "veth";
    const std::string cvirsh = (fs::canonical("/proc/self/exe").parent_path() / "cvirsh").string();
    const fs::path base = tempRoot();
    std::string iface;
    if (veth) {
        // A network namespace of its own for the bridge: nothing on the host's.
        if (::unshare(CLONE_NEWNET) < 0) {
            std::perror("cvirt-bench-profile: unshare(CLONE_NEWNET)");
            return 1;
        }
        cvirt::net::Netlink nl = cvirt::net::Netlink::open();
        nl.createBridge("cvtprof0");
        nl.changeLink("cvtprof0", {.up = true});
        iface =
            "<interface type='bridge'><source bridge='cvtprof0'/>"
            "<ip address='10.201.0.2' prefix='24'/></interface>";
    }
    const std::string uri = "lxc:///embed?root=" + (base / "cvirt").string();
    // `init`: <init> and its <initarg>s
    auto domainXml = [&](const fs::path& file, const std::string& name, const std::string& init) {
        std::ofstream(file) << "<domain type='lxc'><name>" << name
                            << "</name><memory unit='MiB'>64</memory><os><type>exe</type>" << init
                            << "</os><features><privnet/></features><devices>"
                               "<filesystem type='mount'><source dir='"
                            << rootfs << "'/><target dir='/'/></filesystem>" << iface
                            << "<console type='pty'/></devices></domain>\n";
    };
    domainXml(base / "d.xml", "cvirt-bench-prof",
              "<init>/bin/sleep</init><initarg>100000</initarg>");
    const std::string err = (base / "stderr").string();
    if (run({cvirsh, "-c", uri, "define", (base / "d.xml").string()}, err) != 0) {
        std::fprintf(stderr, "cvirt-bench-profile: cvirsh define failed (see %s)\n", err.c_str());
        return 1;
    }
    const fs::path stamps = base / "stamps";
    ::setenv("CVIRT_STAMPS", stamps.c_str(), 1);
    // The one-shot: /bin/true as init, `cvirsh create` until its controller is gone.
    domainXml(base / "true.xml", "cvirt-bench-true", "<init>/bin/true</init>");
    const fs::path runDir = base / "cvirt/run/cvirt/lxc";
    std::map<std::string, Row> start, destroy, oneshot;
    for (int i = 0; i < rounds; ++i) {
        add(start, timed({cvirsh, "-c", uri, "start", "cvirt-bench-prof"}, stamps));
        add(destroy, timed({cvirsh, "-c", uri, "destroy", "cvirt-bench-prof"}, stamps));
        add(oneshot, timed({cvirsh, "-c", uri, "create", (base / "true.xml").string()}, stamps,
                           [&] { waitControllerGone(runDir, "cvirt-bench-true"); }));
    }
    ::unsetenv("CVIRT_STAMPS");
    std::printf("cvirt-bench-profile: %s, load average %s",
                veth ? "one veth in a bridge" : "privnet", [] {
                    static char b[64] = "?";
                    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
                        if (!std::fgets(b, sizeof b, f)) b[0] = 0;
                        std::fclose(f);
                    }
                    return b;
                }());
    print("`cvirsh start`", start, rounds);
    print("`cvirsh destroy`", destroy, rounds);
    print("one-shot: `cvirsh create` of a /bin/true container until its controller is gone",
          oneshot, rounds);
    run({cvirsh, "-c", uri, "destroy", "cvirt-bench-prof"});
    fs::remove_all(base);
    return 0;
}
