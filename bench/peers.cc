// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-peers ROOTFS [ROUNDS]: cvirt beside its peers, whole processes as a user types
// them, interleaved in ROUNDS rounds (default 30), medians (as root):
//   detached start   `cvirsh start`            | `lxc-start -d`
//   destroy          `cvirsh destroy`          | `lxc-stop -k`
//   the same two with one veth in a bridge     | `lxc.net.0.type = veth` on the same bridge
//   one-shot /bin/true, start to exit: `cvirsh create` until the domain is gone |
//     `lxc-start -F` | `lxc-execute` | `crun run` | unshare + chroot (the floor)
// Same busybox root, /bin/sleep init (/bin/true for one-shots), 64 MiB memory limit and the
// same namespaces everywhere: pid, mount, uts, ipc, net (cvirt: <privnet/>; LXC: net type
// 'empty' or 'veth'), cgroup. LXC's configs include Debian's common.conf (capability drops,
// seccomp, device list, as lxc-create's templates do); cvirt runs with its defaults.
// The bench runs in a network namespace of its own with a bridge it makes (and a private
// mount namespace, for a sysfs of that network namespace); its LXC cgroups are named
// cvirt-bench-lxc-* and removed at the end. A benchmark: it asserts nothing.
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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
#include "net/netlink.h"

namespace fs = std::filesystem;
using namespace cvirt::bench;

namespace {

const std::string kBridge = "cvtbench0";

std::string output(const std::string& cmd) {
    std::string out;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
        char buf[256];
        while (std::fgets(buf, sizeof buf, p))
            out += buf;
        ::pclose(p);
    }
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

std::string domainXml(const std::string& name, const std::string& rootfs, bool oneShot,
                      const std::string& iface) {
    return "<domain type='lxc'><name>" + name +
           "</name><memory unit='MiB'>64</memory><os><type>exe</type><init>" +
           (oneShot ? "/bin/true</init>" : "/bin/sleep</init><initarg>100000</initarg>") +
           "</os><features><privnet/></features><devices><filesystem type='mount'><source dir='" +
           rootfs + "'/><target dir='/'/></filesystem>" + iface +
           "<console type='pty'/></devices></domain>\n";
}

std::string lxcVeth(int round) {
    return "lxc.net.0.type = veth\nlxc.net.0.link = " + kBridge +
           "\nlxc.net.0.flags = up\nlxc.net.0.veth.pair = cvtlx" + std::to_string(round) +
           "\nlxc.net.0.ipv4.address = 10.200.0.3/24\n";
}

// The bench's own network namespace, and a private mount namespace in which /sys/class/net
// shows that namespace's links: LXC looks a bridge up there (the host's sysfs would not
// have it). `sysDir` gets a sysfs of this namespace; unmounted by the caller.
bool enterOwnNetns(const fs::path& sysDir) {
    fs::create_directories(sysDir);
    if (::unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
        std::perror("cvirt-bench-peers: unshare(CLONE_NEWNET | CLONE_NEWNS)");
        return false;
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0 ||
        ::mount("sysfs", sysDir.c_str(), "sysfs", 0, nullptr) < 0 ||
        ::mount((sysDir / "class/net").c_str(), "/sys/class/net", nullptr, MS_BIND, nullptr) < 0 ||
        ::mount((sysDir / "devices/virtual/net").c_str(), "/sys/devices/virtual/net", nullptr,
                MS_BIND, nullptr) < 0) {
        std::perror("cvirt-bench-peers: mounting a sysfs of the new network namespace");
        return false;
    }
    return true;
}

struct Figures {
    std::map<std::string, std::vector<double>> ms;
    std::map<std::string, std::string> failed;  // label -> the tool's last stderr line
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: cvirt-bench-peers ROOTFS [ROUNDS]\n");
        return 2;
    }
    const std::string rootfs = fs::canonical(argv[1]);
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 30;
    const std::string cvirsh = (fs::canonical("/proc/self/exe").parent_path() / "cvirsh").string();
    const fs::path base = tempRoot();
    if (!enterOwnNetns(base / "sys")) return 1;
    cvirt::net::Netlink nl = cvirt::net::Netlink::open();
    nl.createBridge(kBridge);
    nl.changeLink(kBridge, {.up = true});

    const std::string uri = "lxc:///embed?root=" + (base / "cvirt").string();
    const fs::path runDir = base / "cvirt/run/cvirt/lxc";
    const fs::path lxcpath = base / "lxc";
    const std::string err = (base / "stderr").string();
    const std::string veth = "<interface type='bridge'><source bridge='" + kBridge +
                             "'/><ip address='10.200.0.2' prefix='24'/></interface>";
    std::ofstream(base / "long.xml") << domainXml("cvirt-bench-long", rootfs, false, "");
    std::ofstream(base / "veth.xml") << domainXml("cvirt-bench-veth", rootfs, false, veth);
    std::ofstream(base / "true.xml") << domainXml("cvirt-bench-true", rootfs, true, "");
    for (const char* f : {"long.xml", "veth.xml"})
        if (run({cvirsh, "-c", uri, "define", (base / f).string()}, err) != 0) {
            std::fprintf(stderr, "cvirt-bench-peers: cvirsh define %s: %s\n", f,
                         lastLine(err).c_str());
            ::umount2((base / "sys").c_str(), MNT_DETACH);
            fs::remove_all(base);
            return 1;
        }

    const bool lxc = have("lxc-start") && have("lxc-stop") && have("lxc-execute");
    const bool crun = have("crun");
    const std::string P = lxcpath.string();
    if (lxc) {
        writeLxcConfig(lxcpath, "cvirt-bench-lxc", rootfs, "/bin/sleep 100000",
                       "lxc.net.0.type = empty\n");
        writeLxcConfig(lxcpath, "cvirt-bench-lxctrue", rootfs, "/bin/true",
                       "lxc.net.0.type = empty\n");
    }
    if (crun) {
        fs::create_directories(base / "crun");
        std::ofstream(base / "crun/config.json") << R"({"ociVersion": "1.0.2",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0}, "args": ["/bin/true"],
              "env": ["PATH=/bin"], "cwd": "/"},
  "root": {"path": ")" << rootfs << R"(", "readonly": true}, "hostname": "bench",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]}],
  "linux": {"cgroupsPath": "/cvirt-bench-crun", "resources": {"memory": {"limit": 67108864}},
            "namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"},
                           {"type": "network"}, {"type": "cgroup"}]}})";
    }

    const std::string loadBefore = lastLine("/proc/loadavg");
    Figures f;
    auto timed = [&](const std::string& label, const std::vector<std::string>& cmd) {
        if (f.failed.count(label)) return false;  // a tool that failed once is not retried
        auto a = Clock::now();
        int rc = run(cmd, err);
        double t = ms(Clock::now() - a);
        if (rc != 0) {
            f.failed[label] = "exit " + std::to_string(rc) + ": " + lastLine(err);
            return false;
        }
        f.ms[label].push_back(t);
        return true;
    };
    for (int i = 0; i < rounds; ++i) {
        timed("floor", {"unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net",
                        "--cgroup", "--mount-proc", "chroot", rootfs, "/bin/true"});
        {
            auto a = Clock::now();
            if (run({cvirsh, "-c", uri, "create", (base / "true.xml").string()}, err) == 0) {
                waitControllerGone(runDir, "cvirt-bench-true");
                f.ms["cvirt oneshot"].push_back(ms(Clock::now() - a));
            } else {
                f.failed["cvirt oneshot"] = lastLine(err);
            }
        }
        if (lxc) {
            timed("lxc oneshot -F", {"lxc-start", "-P", P, "-n", "cvirt-bench-lxctrue", "-F"});
            timed("lxc oneshot execute",
                  {"lxc-execute", "-P", P, "-n", "cvirt-bench-lxctrue", "--", "/bin/true"});
        }
        if (crun)
            timed("crun oneshot", {"crun", "--root", (base / "crun/state").string(), "run",
                                   "--bundle", (base / "crun").string(), "cvirt-bench-crun"});

        if (timed("cvirt start", {cvirsh, "-c", uri, "start", "cvirt-bench-long"}))
            timed("cvirt destroy", {cvirsh, "-c", uri, "destroy", "cvirt-bench-long"});
        if (lxc && timed("lxc start", {"lxc-start", "-P", P, "-n", "cvirt-bench-lxc", "-d"}))
            timed("lxc destroy", {"lxc-stop", "-P", P, "-n", "cvirt-bench-lxc", "-k"});
        if (timed("cvirt start veth", {cvirsh, "-c", uri, "start", "cvirt-bench-veth"}))
            timed("cvirt destroy veth", {cvirsh, "-c", uri, "destroy", "cvirt-bench-veth"});
        if (lxc) {
            // a fresh host-end name each round: the previous one may still be in the kernel's
            // deferred namespace teardown
            writeLxcConfig(lxcpath, "cvirt-bench-lxcveth", rootfs, "/bin/sleep 100000", lxcVeth(i));
            if (timed("lxc start veth", {"lxc-start", "-P", P, "-n", "cvirt-bench-lxcveth", "-d"}))
                timed("lxc destroy veth", {"lxc-stop", "-P", P, "-n", "cvirt-bench-lxcveth", "-k"});
        }
    }
    for (const char* n : {"cvirt-bench-long", "cvirt-bench-veth"})
        run({cvirsh, "-c", uri, "destroy", n}, err);  // in case a round failed half-way
    if (lxc) {
        for (const char* n : {"cvirt-bench-lxc", "cvirt-bench-lxcveth"})
            run({"lxc-stop", "-P", P, "-n", n, "-k"}, err);
        removeLxcCgroups();
    }
    if (crun) {
        run({"crun", "--root", (base / "crun/state").string(), "delete", "-f", "cvirt-bench-crun"},
            err);
        std::error_code ec;
        for (const auto& h : fs::directory_iterator("/sys/fs/cgroup", ec))
            ::rmdir((h.path() / "cvirt-bench-crun").c_str());
    }

    auto med = [&](const std::string& k) { return f.ms.count(k) ? median(f.ms[k]) : -1.0; };
    auto cell = [](double v) {
        char b[32] = "-";
        if (v >= 0) std::snprintf(b, sizeof b, "%.2f", v);
        return std::string(b);
    };
    auto ratio = [](double a, double b) {
        char r[32] = "-";
        if (a > 0 && b > 0) std::snprintf(r, sizeof r, "%.2f", a / b);
        return std::string(r);
    };
    const std::string lxcVersion = lxc ? output("lxc-start --version") : "not installed";
    std::printf("%d interleaved rounds, medians in ms, whole processes; LXC %s\n", rounds,
                lxcVersion.c_str());
    std::printf("load average at the start %s, at the end %s\n", loadBefore.c_str(),
                lastLine("/proc/loadavg").c_str());
    std::printf("%-46s %9s %9s %10s %s\n", "figure", "cvirt", "LXC", "cvirt/LXC",
                "target (issue 20)");
    // 10th to 90th percentile of a figure's rounds: this machine's spread is wide
    auto spread = [&](const std::string& k) {
        char b[48] = "-";
        if (f.ms.count(k)) {
            std::vector<double> v = f.ms[k];
            std::sort(v.begin(), v.end());
            std::snprintf(b, sizeof b, "%.1f-%.1f", v[v.size() / 10], v[v.size() * 9 / 10]);
        }
        return std::string(b);
    };
    std::printf("%-46s %9s %9s %10s   %s\n", "", "", "", "", "p10-p90 cvirt | LXC");
    // `target`: the largest cvirt/LXC ratio issue 20 accepts
    auto row = [&](const char* what, const std::string& c, const std::string& l, double target) {
        char verdict[48] = "";
        if (med(c) > 0 && med(l) > 0)
            std::snprintf(verdict, sizeof verdict, "<= %.2f: %s", target,
                          med(c) / med(l) <= target ? "met" : "MISSED");
        std::printf("%-46s %9s %9s %10s %s   %s | %s\n", what, cell(med(c)).c_str(),
                    cell(med(l)).c_str(), ratio(med(c), med(l)).c_str(), verdict, spread(c).c_str(),
                    spread(l).c_str());
    };
    row("start (cvirsh start | lxc-start -d)", "cvirt start", "lxc start", 0.8);
    row("destroy (cvirsh destroy | lxc-stop -k)", "cvirt destroy", "lxc destroy", 0.8);
    row("start, one veth in a bridge", "cvirt start veth", "lxc start veth", 1.0);
    row("destroy, one veth in a bridge", "cvirt destroy veth", "lxc destroy veth", 1.0);
    auto added = [&](const char* what, const std::string& with, const std::string& without) {
        auto diff = [&](const std::string& a, const std::string& b) {
            char d[32] = "-";
            if (med(a) >= 0 && med(b) >= 0) std::snprintf(d, sizeof d, "%+.2f", med(a) - med(b));
            return std::string(d);
        };
        std::printf("%-46s %9s %9s\n", what, diff("cvirt " + with, "cvirt " + without).c_str(),
                    diff("lxc " + with, "lxc " + without).c_str());
    };
    added("  what the veth adds to start", "start veth", "start");
    added("  what the veth adds to destroy (target <= +5)", "destroy veth", "destroy");
    row("one-shot /bin/true start to exit (| -F)", "cvirt oneshot", "lxc oneshot -F", 1.0);
    const double floor = med("floor");
    std::printf("%-46s %9s %9s\n", "one-shot /bin/true start to exit, x floor", "", "");
    for (auto [what, k] : {std::pair{"  unshare + chroot (the floor)", "floor"},
                           std::pair{"  cvirsh create, until the domain is gone", "cvirt oneshot"},
                           std::pair{"  lxc-start -F", "lxc oneshot -F"},
                           std::pair{"  lxc-execute", "lxc oneshot execute"},
                           std::pair{"  crun run", "crun oneshot"}})
        if (f.ms.count(k))
            std::printf("%-46s %9s %9s x floor %s  %s\n", what, cell(med(k)).c_str(),
                        ratio(med(k), floor).c_str(),
                        std::string(k) == "cvirt oneshot" && floor > 0
                            ? (med(k) / floor <= 1.6 ? "<= 1.6: met" : "<= 1.6: MISSED")
                            : "",
                        spread(k).c_str());
    if (!crun) std::printf("crun: not installed (skipped)\n");
    if (!lxc) std::printf("lxc: not installed (skipped)\n");
    for (auto& [label, why] : f.failed)
        std::printf("%s: failed on this host, not timed (%s)\n", label.c_str(), why.c_str());
    ::umount2((base / "sys").c_str(), MNT_DETACH);
    fs::remove_all(base);
    return 0;
}
