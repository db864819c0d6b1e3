// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-vm ROOTFS KERNEL INITRD [RUNS]: start-to-console-prompt of the tiny VM (Debian's
// kernel, busybox initramfs, software emulation) against the same busybox shell in a
// container, in one run, and the memory each running domain costs (PSS of controller + qemu
// or init). A benchmark, not a test: it asserts nothing.
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench/bench_util.h"
#include "cvirt/connection.h"

using namespace cvirt;
using namespace cvirt::bench;
namespace fs = std::filesystem;

namespace {

// Reads the console until `text` shows (or 60 s pass); false on timeout.
bool waitConsole(int fd, const std::string& text, int nudgeEveryMs = 0) {
    std::string seen;
    auto end = Clock::now() + std::chrono::seconds(60);
    while (seen.find(text) == std::string::npos && Clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, nudgeEveryMs ? nudgeEveryMs : 1000) <= 0) {
            if (nudgeEveryMs) [[maybe_unused]]
                auto n = ::write(fd, "\r", 1);
            continue;
        }
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return false;
        seen.append(buf, static_cast<size_t>(n));
    }
    return seen.find(text) != std::string::npos;
}

// Start → "cvirt-guest-ready" and a shell prompt on the console; PSS of the running domain.
struct Sample {
    double ms = 0;
    long pssKiB = 0;
};

// `marker`: printed by the guest before its shell ("" for none). The container's comes
// before its console can be attached and is not replayed, so the container is timed to the
// first prompt its shell answers with (a carriage return every 2 ms until one shows).
Sample measure(Connection& conn, const std::string& name, const fs::path& runDir,
               const std::string& marker, int nudgeMs) {
    Domain d = conn.lookup(name);
    auto t0 = Clock::now();
    d.start();
    int fd = d.openConsole();
    bool ok = (marker.empty() || waitConsole(fd, marker)) && waitConsole(fd, "# ", nudgeMs);
    Sample s{ok ? bench::ms(Clock::now() - t0) : -1, 0};
    std::ifstream pids(runDir / (name + ".pid"));
    int controller = 0, guest = 0;
    pids >> controller >> guest;
    s.pssKiB = pssKiB(controller) + pssKiB(guest);
    ::close(fd);
    d.destroy();
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: cvirt-bench-vm ROOTFS KERNEL INITRD [RUNS]\n");
        return 2;
    }
    std::string rootfs = fs::absolute(argv[1]), kernel = fs::absolute(argv[2]),
                initrd = fs::absolute(argv[3]);
    int runs = argc > 4 ? std::atoi(argv[4]) : 5;
    if (::access("/usr/bin/qemu-system-x86_64", X_OK) != 0 || ::access(kernel.c_str(), R_OK) != 0) {
        std::printf("vm: skipped (needs qemu-system-x86_64 and a readable %s)\n", kernel.c_str());
        return 0;
    }
    std::string root = tempRoot();
    Connection conn = Connection::open("cvirt:///embed?root=" + root);
    conn.define(
        "<domain type='qemu'><name>benchvm</name><memory unit='MiB'>128</memory>"
        "<vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type><kernel>" +
            kernel + "</kernel><initrd>" + initrd +
            "</initrd><cmdline>console=ttyS0 quiet</cmdline></os><features><acpi/></features>"
            "<devices>"
            "<serial type='pty'/><console type='pty'/></devices></domain>",
        "benchvm.xml");
    conn.define(
        "<domain type='lxc'><name>benchct</name><memory unit='MiB'>128</memory><os>"
        "<type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>echo "
        "cvirt-guest-ready; exec sh -i</initarg></os><devices><filesystem type='mount'>"
        "<source dir='" +
            rootfs +
            "'/><target dir='/'/><readonly/></filesystem>"
            "<console type='pty'/></devices></domain>",
        "benchct.xml");
    std::vector<double> vmMs, ctMs;
    std::vector<double> vmPss, ctPss;
    for (int i = 0; i < runs; ++i) {  // interleaved: both see the same machine
        Sample v =
            measure(conn, "benchvm", fs::path(root) / "run/cvirt/qemu", "cvirt-guest-ready", 200);
        Sample c = measure(conn, "benchct", fs::path(root) / "run/cvirt/lxc", "", 2);
        if (v.ms < 0 || c.ms < 0) {
            std::printf("no shell prompt on the %s console within 60 s: stopped\n",
                        v.ms < 0 ? "VM's" : "container's");
            break;
        }
        vmMs.push_back(v.ms);
        ctMs.push_back(c.ms);
        vmPss.push_back(static_cast<double>(v.pssKiB));
        ctPss.push_back(static_cast<double>(c.pssKiB));
    }
    if (vmMs.empty()) {
        fs::remove_all(root);
        return 1;
    }
    double vm = median(vmMs), ct = median(ctMs);
    std::string header = "median of " + std::to_string(vmMs.size()) + " runs";
    std::printf("%-44s %12s %12s\n", header.c_str(), "VM (tcg)", "container");
    std::printf("%-44s %12.1f %12.2f   VM/container %.0fx\n", "start to console prompt, ms", vm, ct,
                ct > 0 ? vm / ct : 0);
    std::printf("%-44s %12.0f %12.0f   VM/container %.0fx\n",
                "memory while running (PSS controller+guest), KiB", median(vmPss), median(ctPss),
                median(ctPss) > 0 ? median(vmPss) / median(ctPss) : 0);
    fs::remove_all(root);
    return 0;
}
