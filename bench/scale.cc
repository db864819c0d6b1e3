// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-scale ROOTFS [N] [cvirt|lxc|both]: starts N long-running containers one after
// another and keeps them all running, first with cvirt (each a `cvirsh start` process, as a
// user types it; SCALE_API=1: through the API in this process instead), then with LXC
// (`lxc-start -d`, a temporary lxcpath, the same root, /bin/sleep init and limits as
// cvirt-bench-peers), and
// prints, for each, the start time of the first and last tenth (flat = no growth with N) with
// the floor (unshare + chroot /bin/true) timed beside those starts (the kernel's own growth), the
// host memory per running container (the drop of MemAvailable over the N starts, divided by
// N) and its supervisor's PSS (/proc/PID/smaps_rollup of cvirt-lxc-controller and of LXC's
// `[lxc monitor]`), then the ratios cvirt/LXC. For cvirt also: list (in process and as
// `cvirsh list`), domstats of all N (in process and `cvirsh domstats`), the setmem round trip,
// where a start's extra time goes once N are running (its steps' CVIRT_STAMPS, util/stamp.h,
// medians of the first and last tenth) and the time to destroy them all, then that nothing is
// left (no controller, no cgroup). LXC's containers, their cgroups (cvirt-bench-lxcs-*) and
// lxcpath are removed at the end. LXC's containers get no ttys (lxc.tty.max = 0; their
// console pty stays, as cvirt's does): common.conf's four ttys and the console take five ptys
// each, and a devpts of a container may take only kernel.pty.max - kernel.pty.reserve of
// them in all (3,072 here): with them the 614th container failed to start. As root; a
// benchmark: it asserts nothing.
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "bench/lxc_peer.h"
#include "cgroup/domain_cgroup.h"
#include "cvirt/connection.h"

namespace fs = std::filesystem;
using namespace cvirt::bench;

namespace {

// MemAvailable, and what the kernel holds for processes, cgroups and namespaces: Slab,
// KernelStack, PageTables and Percpu (KiB). The second moves far less with what other
// programs on a shared machine do (their page cache and heaps).
struct Mem {
    long available = 0, kernel = 0;
};
Mem memInfo() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    long value = 0;
    Mem m;
    while (in >> key >> value) {
        if (key == "MemAvailable:") m.available = value;
        if (key == "Slab:" || key == "KernelStack:" || key == "PageTables:" || key == "Percpu:")
            m.kernel += value;
        in.ignore(1 << 10, '\n');
    }
    return m;
}

// Pss of /proc/PID/smaps_rollup in KiB, -1 when the process is gone.
long pssKiB(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("Pss:")) return std::atol(line.c_str() + 4);
    return -1;
}

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v)
        s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
}

std::string load() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one;
}

// The host settles (freed pages, RCU callbacks) before MemAvailable is read.
Mem settledMemInfo() {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    return memInfo();
}

struct Side {
    std::vector<double> starts;  // ms each
    // The floor (unshare + chroot of /bin/true, no supervisor, no cgroup), timed right after
    // each of the first and the last tenth of the starts: how the kernel's own namespace
    // work grows with the number running, beside the starts that pay it.
    std::vector<double> floorFirst, floorLast;
    Mem memBefore, memAfter;
    std::vector<double> pss;  // KiB, one per supervisor
    int running = 0;
    std::string load;
};

// CVIRT_STAMPS lines (ns pid step) of one start, turned into µs per step: since the previous
// stamp of the same process, or for a process's first stamp since the line before it (the
// controller's first since the shell's fork, the child's since the controller's clone).
class StampSteps {
public:
    explicit StampSteps(fs::path file) : file_(std::move(file)) {}
    // A new start: its processes are new (a container's child is pid 1 in each).
    void begin() {
        offset_ = size();
        last_.clear();
        timespec now{};
        ::clock_gettime(CLOCK_MONOTONIC, &now);
        prev_ = static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec;
    }
    std::map<std::string, double> end() {
        std::ifstream in(file_);
        in.seekg(static_cast<std::streamoff>(offset_));
        std::map<std::string, double> steps;
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream f(line);
            long long ns = 0;
            int pid = 0;
            std::string step;
            if (!(f >> ns >> pid >> std::ws) || !std::getline(f, step)) continue;
            auto it = last_.find(pid);
            long long since = it != last_.end() ? it->second : prev_;
            if (since) steps[step] += static_cast<double>(ns - since) / 1e3;
            last_[pid] = ns;
            prev_ = ns;
        }
        return steps;
    }

private:
    size_t size() const {
        struct stat st {};
        return ::stat(file_.c_str(), &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
    }
    fs::path file_;
    size_t offset_ = 0;
    std::map<int, long long> last_;
    long long prev_ = 0;
};

// Steps whose median grew by more than 50 µs from the first tenth of the starts to the last.
void printGrowth(const std::vector<std::map<std::string, double>>& steps, size_t tenth) {
    auto medianOf = [&](size_t from, size_t to, const std::string& step) {
        std::vector<double> v;
        for (size_t i = from; i < to; ++i) {
            auto it = steps[i].find(step);
            v.push_back(it == steps[i].end() ? 0 : it->second);
        }
        return median(v);
    };
    std::vector<std::pair<double, std::string>> rows;
    std::map<std::string, int> seen;
    for (const auto& s : steps)
        for (const auto& [step, _] : s)
            seen[step]++;
    for (const auto& [step, _] : seen) {
        double a = medianOf(0, tenth, step), b = medianOf(steps.size() - tenth, steps.size(), step);
        if (b - a > 50) rows.push_back({b - a, step});
    }
    std::sort(rows.rbegin(), rows.rend());
    std::printf("cvirt start steps that grew (median µs, first %zu -> last %zu):\n", tenth, tenth);
    for (const auto& [growth, step] : rows)
        std::printf("  %-36s %8.0f -> %8.0f  (+%.0f)\n", step.c_str(), medianOf(0, tenth, step),
                    medianOf(steps.size() - tenth, steps.size(), step), growth);
}

std::string domainXml(const std::string& name, const std::string& rootfs) {
    return "<domain type='lxc'><name>" + name +
           "</name><memory unit='MiB'>64</memory><os><type>exe"
           "</type><init>/bin/sleep</init><initarg>100000</initarg></os>"
           "<features><privnet/></features><devices><filesystem type='mount'><source dir='" +
           rootfs + "'/><target dir='/'/></filesystem></devices></domain>";
}

// What the destroyed domains may have left: controllers (pid files, records) and cgroups.
int leftovers(const fs::path& root, const fs::path& runDir, int n) {
    int left = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(runDir, ec))
        if (e.path().extension() == ".pid" || e.path().extension() == ".owner") ++left;
    for (const auto& h : fs::directory_iterator("/sys/fs/cgroup", ec))
        for (int i = 0; i < n; ++i)
            if (fs::exists(
                    h.path() / "machine" /
                        cvirt::cgroup::leafName("cvirt-bench-s" + std::to_string(i), "lxc", root),
                    ec))
                ++left;
    return left;
}

// Times the floor after start `i` of `n` when it falls in the first or the last tenth.
void timeFloor(Side& side, const std::string& rootfs, int i, int n) {
    int tenth = std::max(1, n / 10);
    if (i >= tenth && i < n - tenth) return;
    auto a = Clock::now();
    if (run({"unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net", "--cgroup",
             "--mount-proc", "chroot", rootfs, "/bin/true"}) != 0)
        return;
    (i < tenth ? side.floorFirst : side.floorLast).push_back(ms(Clock::now() - a));
}

Side runCvirt(const std::string& rootfs, int n, const std::string& cvirsh) {
    Side side;
    std::string root = tempRoot();
    fs::path stampFile = fs::path(root) / "stamps";
    ::setenv("CVIRT_STAMPS", stampFile.c_str(), 1);
    StampSteps stamps(stampFile);
    std::vector<std::map<std::string, double>> steps;
    std::string uri = "lxc:///embed?root=" + root;
    fs::path runDir = fs::path(root) / "run/cvirt/lxc";
    cvirt::Connection conn = cvirt::Connection::open(uri);
    std::vector<cvirt::Domain> doms;
    // Whole cvirsh processes, as LXC's side is timed, unless SCALE_API=1: then the API in
    // this process, whose own memory grows with N (its fork copies more each time).
    const bool api = std::getenv("SCALE_API") && std::string(std::getenv("SCALE_API")) == "1";
    const std::string err = root + "/stderr";
    side.memBefore = settledMemInfo();
    for (int i = 0; i < n; ++i) {
        std::string name = "cvirt-bench-s" + std::to_string(i);
        doms.push_back(conn.define(domainXml(name, rootfs), name));
        stamps.begin();
        auto a = Clock::now();
        if (api) {
            doms.back().start();
        } else if (run({cvirsh, "-c", uri, "start", name}, err) != 0) {
            std::printf("cvirt: start %d failed: %s\n", i + 1, lastLine(err).c_str());
            doms.pop_back();
            break;
        }
        side.starts.push_back(ms(Clock::now() - a));
        steps.push_back(stamps.end());
        timeFloor(side, rootfs, i, n);
    }
    std::printf("cvirt: started with %s\n", api ? "the API, in this process" : "cvirsh start");
    ::unsetenv("CVIRT_STAMPS");
    std::string rss;
    {
        std::ifstream status("/proc/self/status");
        for (std::string line; std::getline(status, line);)
            if (line.starts_with("VmRSS:") || line.starts_with("VmPTE:")) rss += line + "; ";
    }
    side.load = load();
    side.memAfter = settledMemInfo();
    size_t tenth = std::max<size_t>(1, side.starts.size() / 10);

    std::vector<double> listMs;
    std::vector<cvirt::DomainSummary> running;
    for (int i = 0; i < 5; ++i) {
        auto a = Clock::now();
        running = conn.list({});
        listMs.push_back(ms(Clock::now() - a));
    }
    side.running = static_cast<int>(running.size());
    for (const auto& r : running) {
        std::ifstream pidFile(runDir / (r.name + ".pid"));
        pid_t pid = 0;
        if (pidFile >> pid && pid > 0)
            if (long p = pssKiB(pid); p >= 0) side.pss.push_back(static_cast<double>(p));
    }
    std::vector<double> shellList;
    for (int i = 0; i < 5; ++i) {
        auto a = Clock::now();
        if (run({cvirsh, "-c", uri, "list"}) != 0) break;
        shellList.push_back(ms(Clock::now() - a));
    }

    // domstats of every running domain: in process, then as an operator runs it
    auto a = Clock::now();
    uint64_t cpuSum = 0;
    for (const auto& r : running)
        cpuSum += conn.lookup(r.name).stats().cpuTimeNs;
    double statsMs = ms(Clock::now() - a);
    std::vector<double> shellStats;
    for (int i = 0; i < 5; ++i) {
        a = Clock::now();
        if (run({cvirsh, "-c", uri, "domstats"}) != 0) break;
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
        if (run({cvirsh, "-c", uri, "setmem", doms[0].name(), i % 2 ? "64M" : "32M"}) != 0) break;
        shellTune.push_back(ms(Clock::now() - a));
    }
    a = Clock::now();
    for (auto& d : doms)
        d.destroy();
    double destroyMs = ms(Clock::now() - a);
    int left = leftovers(root, runDir, n);

    std::printf("cvirt: running at once: %d (load %s); the starting process after: %s\n",
                side.running, side.load.c_str(), rss.c_str());
    std::printf(
        "cvirt: list of %d running: in process median %.2f ms; `cvirsh list` median %.2f ms\n",
        side.running, median(listMs), median(shellList));
    std::printf(
        "cvirt: stats of %d running: in process %.1f ms; `cvirsh domstats` median of %zu: "
        "%.1f ms (cpu sum %.1f s)\n",
        side.running, statsMs, shellStats.size(), median(shellStats),
        static_cast<double>(cpuSum) / 1e9);
    std::printf("cvirt: setmem round trip: API median %.3f ms; `cvirsh setmem` median %.2f ms\n",
                median(tune), median(shellTune));
    std::printf("cvirt: destroy all: %.1f ms (%.2f ms each); left after: %d %s\n", destroyMs,
                destroyMs / n, left, left ? "(controllers, records or cgroups: NOT clean)" : "");
    printGrowth(steps, tenth);
    fs::remove_all(root);
    return side;
}

Side runLxc(const std::string& rootfs, int n) {
    Side side;
    const std::string prefix = "cvirt-bench-lxcs-";
    fs::path base = tempRoot();
    fs::path lxcpath = base / "lxc";
    const std::string P = lxcpath.string();
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
        names.push_back("s" + std::to_string(i));
        writeLxcConfig(lxcpath, names.back(), rootfs, "/bin/sleep 100000",
                       "lxc.net.0.type = empty\nlxc.tty.max = 0\n", prefix);
    }
    const std::string err = (base / "stderr").string();
    side.memBefore = settledMemInfo();
    int started = 0;
    for (const auto& name : names) {
        auto a = Clock::now();
        if (run({"lxc-start", "-P", P, "-n", name, "-d"}, err) != 0) {
            std::printf("lxc: start %d failed: %s\n", started + 1, lastLine(err).c_str());
            break;
        }
        side.starts.push_back(ms(Clock::now() - a));
        timeFloor(side, rootfs, started, n);
        ++started;
    }
    side.load = load();
    side.memAfter = settledMemInfo();
    side.running = started;
    // The monitors: "[lxc monitor] LXCPATH NAME", one per container.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        std::string pid = e.path().filename();
        if (pid.empty() || pid[0] < '0' || pid[0] > '9') continue;
        std::ifstream in(e.path() / "cmdline");
        std::string cmd;
        std::getline(in, cmd, '\0');
        if (cmd.starts_with("[lxc monitor] " + P + " "))
            if (long p = pssKiB(std::atoi(pid.c_str())); p >= 0)
                side.pss.push_back(static_cast<double>(p));
    }
    if (side.pss.size() != static_cast<size_t>(started))
        std::printf("lxc: %d started, %zu monitors running\n", started, side.pss.size());
    side.running = static_cast<int>(side.pss.size());
    auto a = Clock::now();
    for (int i = 0; i < started; ++i)
        run({"lxc-stop", "-P", P, "-n", names[i], "-k"}, err);
    double stopMs = ms(Clock::now() - a);
    bool clean = removeLxcCgroups(prefix);
    std::printf("lxc: running at once: %d (load %s); lxc-stop -k all: %.1f ms; cgroups %s\n",
                side.running, side.load.c_str(), stopMs, clean ? "removed" : "NOT all removed");
    fs::remove_all(base);
    return side;
}

double availableDrop(const Side& s) {
    return s.running ? static_cast<double>(s.memBefore.available - s.memAfter.available) / s.running
                     : 0.0;
}
double kernelGrowth(const Side& s) {
    return s.running ? static_cast<double>(s.memAfter.kernel - s.memBefore.kernel) / s.running
                     : 0.0;
}

void report(const char* who, const Side& s) {
    size_t tenth = std::max<size_t>(1, s.starts.size() / 10);
    std::vector<double> first(s.starts.begin(), s.starts.begin() + tenth),
        last(s.starts.end() - tenth, s.starts.end());
    std::printf(
        "%s: %d running; start median of the first %zu %.2f ms, of the last %zu %.2f ms (%.2fx); "
        "per container: MemAvailable drop %.0f KiB, kernel (slab, stacks, page tables, percpu) "
        "+%.0f KiB, supervisor PSS median %.0f KiB (mean %.0f, %zu read); load %s\n",
        who, s.running, tenth, median(first), tenth, median(last), median(last) / median(first),
        availableDrop(s), kernelGrowth(s), median(s.pss), mean(s.pss), s.pss.size(),
        s.load.c_str());
    if (!s.floorFirst.empty() && !s.floorLast.empty())
        std::printf(
            "%s: beside it the floor (unshare + chroot /bin/true): median of the first %zu "
            "%.2f ms, of the last %zu %.2f ms (%.2fx): +%.2f ms of the kernel's own\n",
            who, s.floorFirst.size(), median(s.floorFirst), s.floorLast.size(), median(s.floorLast),
            median(s.floorLast) / median(s.floorFirst), median(s.floorLast) - median(s.floorFirst));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: cvirt-bench-scale ROOTFS [N] [cvirt|lxc|both]\n");
        return 2;
    }
    std::string rootfs = fs::canonical(argv[1]);
    int n = argc > 2 ? std::atoi(argv[2]) : 200;
    std::string which = argc > 3 ? argv[3] : "both";
    std::string cvirsh = (fs::canonical("/proc/self/exe").parent_path() / "cvirsh").string();
    bool lxc = which != "cvirt" && have("lxc-start") && have("lxc-stop");
    if (which != "cvirt" && !lxc) std::printf("lxc: not installed (bench/deps.sh installs it)\n");
    Side c, l;
    if (which != "lxc") c = runCvirt(rootfs, n, cvirsh);
    if (lxc) l = runLxc(rootfs, n);
    if (which != "lxc") report("cvirt", c);
    if (lxc) report("lxc", l);
    if (which != "lxc" && lxc && c.running && l.running) {
        auto growth = [](const Side& s) {
            size_t t = std::max<size_t>(1, s.starts.size() / 10);
            return median({s.starts.end() - t, s.starts.end()}) /
                   median({s.starts.begin(), s.starts.begin() + t});
        };
        std::printf(
            "cvirt/lxc: start growth last/first %.2f vs %.2f; per container MemAvailable drop "
            "%.2f, kernel memory %.2f, supervisor PSS %.2f\n",
            growth(c), growth(l), availableDrop(l) > 0 ? availableDrop(c) / availableDrop(l) : 0.0,
            kernelGrowth(l) > 0 ? kernelGrowth(c) / kernelGrowth(l) : 0.0,
            median(l.pss) > 0 ? median(c.pss) / median(l.pss) : 0.0);
    }
    return 0;
}
