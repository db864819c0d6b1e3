// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd's typed-parameter and statistics calls through Debian's virsh and python3-libvirt:
// domstats, memtune, schedinfo, blkiotune, setmem, vcpucount, domifaddr, dommemstat,
// domblkstat, domifstat, getAllDomainStats, domainListGetStats, memoryParameters and
// schedulerParameters. Every value is checked against what is really there: the public API on
// the same root (what cvirsh shows), cvirsh itself, and the domain's cgroup files.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <map>
#include <sstream>

#include "cgroup/limits.h"
#include "net/netlink.h"
#include "support/server_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForLibvirtClients()) return m;
    return missingForContainersInOwnNetns();  // the container's veth stays in the test's netns
}

namespace {

constexpr const char* kDom = "cvirt-test-rparams";
constexpr const char* kMac = "52:54:00:cc:dd:01";

// "  field=value" lines of one domstats record, by field.
std::map<std::string, std::string> fields(const std::string& out) {
    std::map<std::string, std::string> m;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        size_t eq = line.find('=');
        if (line.starts_with("  ") && eq != std::string::npos)
            m[line.substr(2, eq - 2)] = line.substr(eq + 1);
    }
    return m;
}

uint64_t num(const std::string& s) {
    return std::stoull(s);
}

}  // namespace

class RemoteParamsTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteParamsTest);
    CPPUNIT_TEST(domstatsAsCvirshShowsThem);
    CPPUNIT_TEST(memtuneAndSetmemReachTheCgroup);
    CPPUNIT_TEST(schedinfoReachesTheCgroup);
    CPPUNIT_TEST(blkiotuneStringParameters);
    CPPUNIT_TEST(vcpucount);
    CPPUNIT_TEST(interfaceAddressesAndCounters);
    CPPUNIT_TEST(memoryAndBlockStats);
    CPPUNIT_TEST(cpuStats);
    CPPUNIT_TEST(nodeStats);
    CPPUNIT_TEST(pythonLibvirtParametersAndStats);
    CPPUNIT_TEST(readOnlySocketReadsButDoesNotTune);
    CPPUNIT_TEST_SUITE_END();

    RunResult cvirsh(const std::vector<std::string>& args) {
        std::vector<std::string> argv{(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }
    std::string ok(const std::vector<std::string>& args) {
        RunResult r = virsh(args);
        CPPUNIT_ASSERT_EQUAL_MESSAGE("virsh " + args[0] + ": " + r.err, 0, r.status);
        return r.out;
    }
    Domain start(const std::string& devices = {}) {
        Domain d = conn_->define(
            containerXml(kDom, {.initargs = {"-c", "sleep 1000"}, .devices = devices}), "t.xml");
        d.start();
        return d;
    }

public:
    // virsh domstats (virConnectGetAllDomainStats / virDomainListGetStats) against the public
    // API's stats and cvirsh domstats of the same domains.
    void domstatsAsCvirshShowsThem() {
        Domain d = start();
        conn_->define(containerXml("cvirt-test-rparams-off", {}), "off.xml");
        DomainStats before = d.stats();
        std::string out = ok({"domstats", kDom});
        DomainStats after = d.stats();
        auto f = fields(out);
        CPPUNIT_ASSERT_MESSAGE(out, out.starts_with("Domain: 'cvirt-test-rparams'\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), f["state.state"]);
        CPPUNIT_ASSERT_EQUAL(std::to_string(after.summary.reason), f["state.reason"]);
        CPPUNIT_ASSERT(before.cpuTimeNs <= num(f["cpu.time"]) &&
                       num(f["cpu.time"]) <= after.cpuTimeNs);
        CPPUNIT_ASSERT(before.cpuUserNs <= num(f["cpu.user"]) &&
                       num(f["cpu.user"]) <= after.cpuUserNs);
        CPPUNIT_ASSERT_EQUAL(std::to_string(after.currentMemoryKiB), f["balloon.current"]);
        CPPUNIT_ASSERT_EQUAL(std::string("65536"), f["balloon.maximum"]);
        CPPUNIT_ASSERT(num(f["balloon.rss"]) > 0);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), f["vcpu.current"]);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), f["vcpu.maximum"]);
        CPPUNIT_ASSERT_EQUAL(std::to_string(after.interfaces.size()), f["net.count"]);
        CPPUNIT_ASSERT_EQUAL(std::to_string(after.blocks.size()), f["block.count"]);
        // the same fields as cvirsh's (pids is cvirt's own group, not libvirt's), and the
        // values that do not move with time the same
        RunResult c = cvirsh({"domstats", kDom, "--state", "--cpu-total", "--balloon", "--vcpu",
                              "--interface", "--block"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(c.err, 0, c.status);
        auto cf = fields(c.out);
        CPPUNIT_ASSERT_EQUAL(cf.size(), f.size());
        for (const auto& [k, v] : cf) {
            CPPUNIT_ASSERT_MESSAGE(k, f.count(k));
            if (!k.starts_with("cpu.") && k != "balloon.rss") CPPUNIT_ASSERT_EQUAL(v, f[k]);
        }
        // --raw changes nothing of integers; groups, list filters, and every domain
        CPPUNIT_ASSERT_EQUAL(std::string("Domain: 'cvirt-test-rparams'\n  state.state=1\n  "
                                         "state.reason=1\n\n"),
                             ok({"domstats", "--raw", "--state", kDom}));
        CPPUNIT_ASSERT_EQUAL(std::string("Domain: 'cvirt-test-rparams-off'\n"
                                         "  state.state=5\n  state.reason=0\n\n"),
                             ok({"domstats", "--state", "--list-inactive"}));
        out = ok({"domstats", "--vcpu"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain: 'cvirt-test-rparams'\n"
                                         "  vcpu.current=1\n  vcpu.maximum=1\n\n"
                                         "Domain: 'cvirt-test-rparams-off'\n"
                                         "  vcpu.current=1\n  vcpu.maximum=1\n\n"),
                             out);
        CPPUNIT_ASSERT_EQUAL(std::string("Domain: 'cvirt-test-rparams-off'\n"
                                         "  balloon.current=65536\n  balloon.maximum=65536\n\n"),
                             ok({"domstats", "--balloon", "cvirt-test-rparams-off"}));
        // a group cvirt does not have: left out, or refused when enforced
        CPPUNIT_ASSERT_EQUAL(std::string("Domain: 'cvirt-test-rparams-off'\n\n"),
                             ok({"domstats", "--perf", "cvirt-test-rparams-off"}));
        RunResult r = virsh({"domstats", "--perf", "--enforce", kDom});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err,
                                          "Stats types bits 0x40 are not supported by "
                                          "this daemon"));
    }

    void memtuneAndSetmemReachTheCgroup() {
        Domain d = start();
        CPPUNIT_ASSERT_EQUAL(std::string("hard_limit     : unlimited\n"
                                         "soft_limit     : unlimited\n"
                                         "swap_hard_limit: unlimited\n\n"),
                             ok({"memtune", kDom}));
        ok({"memtune", kDom, "--hard-limit", "49152", "--soft-limit", "16M"});
        CPPUNIT_ASSERT_EQUAL(std::to_string(49152ull * 1024),
                             hostCgroupValue(d, "memory", "memory.limit_in_bytes", "memory.max"));
        CPPUNIT_ASSERT_EQUAL(
            std::to_string(16ull << 20),
            hostCgroupValue(d, "memory", "memory.soft_limit_in_bytes", "memory.high"));
        std::string shown = ok({"memtune", kDom});
        CPPUNIT_ASSERT_EQUAL(std::string("hard_limit     : 49152\n"
                                         "soft_limit     : 16384\n"
                                         "swap_hard_limit: unlimited\n\n"),
                             shown);
        RunResult c = cvirsh({"memtune", kDom});
        CPPUNIT_ASSERT_EQUAL(c.out, shown);
        // --config alone: the stored definition, not the running domain
        ok({"memtune", kDom, "--swap-hard-limit", "200000", "--config"});
        CPPUNIT_ASSERT(has(d.xml(true), "<swap_hard_limit unit='KiB'>200000</swap_hard_limit>"));
        CPPUNIT_ASSERT(!d.tuning().swapHardLimitKiB);
        // -1: unlimited again
        ok({"memtune", kDom, "--soft-limit", "-1"});
        CPPUNIT_ASSERT(!d.tuning().softLimitKiB);

        // setmem: the container's limit, live (virDomainSetMemory)
        ok({"setmem", kDom, "32M"});
        CPPUNIT_ASSERT_EQUAL(uint64_t{32768}, d.stats().currentMemoryKiB);
        CPPUNIT_ASSERT(has(d.xml(), "<currentMemory unit='KiB'>32768</currentMemory>"));
        CPPUNIT_ASSERT(has(d.xml(true), "<currentMemory unit='KiB'>65536</currentMemory>"));
        ok({"setmem", kDom, "40M", "--config"});  // virDomainSetMemoryFlags
        CPPUNIT_ASSERT(has(d.xml(true), "<currentMemory unit='KiB'>40960</currentMemory>"));
        RunResult r = virsh({"setmem", kDom, "128M"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "cannot set memory higher than max memory"));
        // setmaxmem: refused on the running domain, the next start's with --config
        r = virsh({"setmaxmem", kDom, "128M"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "maximum memory on an active domain"));
        ok({"setmaxmem", kDom, "96M", "--config"});
        CPPUNIT_ASSERT(has(d.xml(true), "<memory unit='KiB'>98304</memory>"));
        CPPUNIT_ASSERT_EQUAL(uint64_t{65536}, d.info().maxMemKiB);
    }

    void schedinfoReachesTheCgroup() {
        Domain d = start();
        std::string shown = ok({"schedinfo", kDom});
        CPPUNIT_ASSERT_EQUAL(std::string("Scheduler      : posix\n"
                                         "cpu_shares     : 1024\n"
                                         "vcpu_period    : 100000\n"
                                         "vcpu_quota     : -1\n\n"),
                             shown);
        CPPUNIT_ASSERT_EQUAL(cvirsh({"schedinfo", kDom}).out, shown);
        std::string set = ok({"schedinfo", kDom, "--set", "cpu_shares=512"});
        CPPUNIT_ASSERT_MESSAGE(set, has(set, "cpu_shares     : 512\n"));
        std::string expect =
            unifiedController("cpu") ? std::to_string(cgroup::sharesToWeight(512)) : "512";
        CPPUNIT_ASSERT_EQUAL(expect, hostCgroupValue(d, "cpu", "cpu.shares", "cpu.weight"));
        ok({"schedinfo", kDom, "--live", "--set", "vcpu_quota=50000"});
        std::string quota = hostCgroupValue(d, "cpu", "cpu.cfs_quota_us", "cpu.max").substr(0, 5);
        CPPUNIT_ASSERT_EQUAL(std::string("50000"), quota);
        CPPUNIT_ASSERT(has(ok({"schedinfo", kDom}), "vcpu_quota     : 50000\n"));
        // --config alone leaves the running domain as it is
        ok({"schedinfo", kDom, "--config", "--set", "cpu_shares=300"});
        CPPUNIT_ASSERT(has(ok({"schedinfo", kDom, "--config"}), "cpu_shares     : 300\n"));
        CPPUNIT_ASSERT_EQUAL(expect, hostCgroupValue(d, "cpu", "cpu.shares", "cpu.weight"));
        CPPUNIT_ASSERT(has(d.xml(true), "<shares>300</shares>"));
        // a value the kernel range refuses: libvirt's words, nothing changed
        RunResult r = virsh({"schedinfo", kDom, "--set", "cpu_shares=1"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(expect, hostCgroupValue(d, "cpu", "cpu.shares", "cpu.weight"));
    }

    // blkio's per-device values travel as strings (VIR_TYPED_PARAM_STRING_OKAY).
    void blkiotuneStringParameters() {
        Domain d = start();
        std::string out = ok({"blkiotune", kDom});
        CPPUNIT_ASSERT_EQUAL(std::string("weight         : 0\n"
                                         "device_weight  : \n"
                                         "device_read_iops_sec: \n"
                                         "device_write_iops_sec: \n"
                                         "device_read_bytes_sec: \n"
                                         "device_write_bytes_sec: \n\n"),
                             out);
        ok({"blkiotune", kDom, "--weight", "300", "--config"});
        CPPUNIT_ASSERT(has(ok({"blkiotune", kDom, "--config"}), "weight         : 300\n"));
        CPPUNIT_ASSERT(has(d.xml(true), "<weight>300</weight>"));
        if (!fs::exists("/dev/loop0")) return;
        ok({"blkiotune", kDom, "--device-read-bytes-sec", "/dev/loop0,1048576"});
        out = ok({"blkiotune", kDom});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "device_read_bytes_sec: /dev/loop0,1048576\n"));
        CPPUNIT_ASSERT_EQUAL(cvirsh({"blkiotune", kDom}).out, out);
        std::string file = hostCgroupValue(d, unifiedController("io") ? "io" : "blkio",
                                           "blkio.throttle.read_bps_device", "io.max");
        CPPUNIT_ASSERT_MESSAGE(file, has(file, "7:0 ") && has(file, "1048576"));
        RunResult r = virsh({"blkiotune", kDom, "--device-weights", "/dev/loop0"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
    }

    void vcpucount() {
        start();
        CPPUNIT_ASSERT_EQUAL(std::string("maximum      config         1\n"
                                         "maximum      live           1\n"
                                         "current      config         1\n"
                                         "current      live           1\n\n"),
                             ok({"vcpucount", kDom}));
        CPPUNIT_ASSERT_EQUAL(std::string("1\n\n"), ok({"vcpucount", kDom, "--maximum", "--live"}));
        // a container has no vcpus to set (libvirt-lxc has no such call either)
        RunResult r = virsh({"setvcpus", kDom, "2", "--config"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "not supported"));
    }

    // domifaddr's three sources, domifstat by device and by MAC, against the container's veth
    void interfaceAddressesAndCounters() {
        Domain d = start(std::string("<interface type='ethernet'><mac address='") + kMac +
                         "'/><target dev='cvtprm0'/><ip address='10.86.0.2' "
                         "prefix='24'/></interface>");
        // agent: what the container's network namespace holds, as cvirsh domifaddr shows it
        std::string out = ok({"domifaddr", kDom, "--source", "agent"});
        CPPUNIT_ASSERT_MESSAGE(
            out, has(out, std::string(" eth0       ") + kMac + "    ipv4         10.86.0.2/24\n"));
        std::vector<InterfaceAddress> inside = d.interfaceAddresses();
        CPPUNIT_ASSERT_EQUAL(size_t{1}, inside.size());
        // lease: no network of cvirt's hands this domain a lease
        out = ok({"domifaddr", kDom});
        CPPUNIT_ASSERT_MESSAGE(out, !has(out, "10.86.0.2"));
        // arp: once the host has spoken to it, the host's neighbour entry
        net::Netlink nl = net::Netlink::open();
        nl.addAddress("cvtprm0", "10.86.0.1", 24);
        DomainStats before = d.stats();
        std::string ping = run(d, {"ping", "-c", "1", "-W", "5", "10.86.0.1"});
        CPPUNIT_ASSERT_MESSAGE(ping, has(ping, "1 packets received"));
        out = ok({"domifaddr", kDom, "--source", "arp"});
        CPPUNIT_ASSERT_MESSAGE(
            out, has(out, std::string(" cvtprm0    ") + kMac + "    ipv4         10.86.0.2/0\n"));
        // domifstat: the counters the public API reads, by host device or by MAC
        out = ok({"domifstat", kDom, "cvtprm0"});
        DomainStats after = d.stats();
        auto counter = [&](const std::string& text, const std::string& key) {
            size_t at = text.find("cvtprm0 " + key + " ");
            CPPUNIT_ASSERT_MESSAGE(text + " lacks " + key, at != std::string::npos);
            return std::stoull(text.substr(at + key.size() + 9));
        };
        uint64_t tx = counter(out, "tx_packets"), rx = counter(out, "rx_packets");
        CPPUNIT_ASSERT(before.interfaces[0].txPackets < tx &&
                       tx <= after.interfaces[0].txPackets);  // the ping went out
        CPPUNIT_ASSERT(before.interfaces[0].rxPackets < rx && rx <= after.interfaces[0].rxPackets);
        out = ok({"domifstat", kDom, kMac});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, std::string(kMac) + " rx_bytes "));
        RunResult r = virsh({"domifstat", kDom, "cvtnope"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "'cvtnope' is not a known interface"));
    }

    void memoryAndBlockStats() {
        Domain d = start();
        std::string out = ok({"dommemstat", kDom});
        CPPUNIT_ASSERT_MESSAGE(out, out.starts_with("actual 65536\nswap_in "));
        size_t at = out.find("\nrss ");
        CPPUNIT_ASSERT_MESSAGE(out, at != std::string::npos);
        CPPUNIT_ASSERT(std::stoull(out.substr(at + 5)) > 0);
        CPPUNIT_ASSERT_EQUAL(cvirsh({"dommemstat", kDom}).out.substr(0, 13), out.substr(0, 13));
        // every device's totals: the public API's (cvirsh domblkstat's) names and values
        out = ok({"domblkstat", kDom});
        for (const char* key : {" rd_req ", " rd_bytes ", " wr_req ", " wr_bytes "})
            CPPUNIT_ASSERT_MESSAGE(out + " lacks " + key, has(out, key));
        d.destroy();
        RunResult r = virsh({"dommemstat", kDom});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "domain is not running"));
    }

    // virsh cpu-stats (virDomainGetCPUStats): one entry per CPU the host counts for the
    // domain's cgroup, and totals between the public API's readings before and after.
    void cpuStats() {
        Domain d = start();
        run(d, {"sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"});
        DomainStats before = d.stats();
        std::string out = ok({"cpu-stats", kDom});
        DomainStats after = d.stats();
        size_t cpus = 0;
        for (size_t at = 0; (at = out.find("\nCPU", at)) != std::string::npos; ++at)
            ++cpus;
        cpus += out.starts_with("CPU0:");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(out, after.perCpuNs.size(), cpus);
        auto seconds = [&](const std::string& key) {
            size_t at = out.find("Total:");
            at = out.find("\t" + key, at);
            CPPUNIT_ASSERT_MESSAGE(out + " lacks " + key, at != std::string::npos);
            std::istringstream in(out.substr(at + key.size() + 1));
            double v = 0;
            in >> v;
            return static_cast<uint64_t>(v * 1e9 + 0.5);
        };
        uint64_t total = seconds("cpu_time");
        CPPUNIT_ASSERT(before.cpuTimeNs <= total && total <= after.cpuTimeNs);
        CPPUNIT_ASSERT(total > 0);
        seconds("user_time");
        seconds("system_time");
        CPPUNIT_ASSERT(has(ok({"cpu-stats", kDom, "--total"}), "Total:\n\tcpu_time "));
    }

    // nodememstats, nodecpustats, freecell: the host's /proc/meminfo and /proc/stat
    void nodeStats() {
        auto meminfo = [](const std::string& file, const std::string& key) {
            std::string text = readText(file);
            size_t at = text.find(key + ":");
            CPPUNIT_ASSERT_MESSAGE(file + " lacks " + key, at != std::string::npos);
            return std::stoull(text.substr(at + key.size() + 1));
        };
        auto shown = [](const std::string& out, const std::string& key) {
            size_t at = out.find(key);
            CPPUNIT_ASSERT_MESSAGE(out + " lacks " + key, at != std::string::npos);
            return std::stoull(out.substr(at + key.size()));
        };
        std::string out = ok({"nodememstats"});
        CPPUNIT_ASSERT_EQUAL(meminfo("/proc/meminfo", "MemTotal"), shown(out, "total  :"));
        CPPUNIT_ASSERT_MESSAGE(
            out, has(out, "free   :") && has(out, "buffers:") && has(out, "cached :"));
        out = ok({"nodememstats", "--cell", "0"});
        std::string node0 = "/sys/devices/system/node/node0/meminfo";
        unsigned long long total = fs::exists(node0) ? meminfo(node0, "Node 0 MemTotal")
                                                     : meminfo("/proc/meminfo", "MemTotal");
        CPPUNIT_ASSERT_EQUAL(total, shown(out, "total  :"));
        CPPUNIT_ASSERT_MESSAGE(out, !has(out, "buffers"));
        // user time (user + nice) between two readings of /proc/stat, in ns
        auto userNs = [] {
            std::istringstream in(readText("/proc/stat"));
            std::string cpu;
            uint64_t user = 0, nice = 0;
            in >> cpu >> user >> nice;
            return (user + nice) * (1000000000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK)));
        };
        uint64_t before = userNs();
        out = ok({"nodecpustats"});
        uint64_t after = userNs(), user = shown(out, "user:");
        CPPUNIT_ASSERT_MESSAGE(out, before <= user && user <= after);
        CPPUNIT_ASSERT_MESSAGE(out,
                               has(out, "system:") && has(out, "idle:") && has(out, "iowait:"));
        CPPUNIT_ASSERT_EQUAL(0, virsh({"nodecpustats", "0"}).status);
        RunResult r = virsh({"nodecpustats", "100000"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "Invalid cpuNum"));
        out = ok({"freecell"});
        CPPUNIT_ASSERT_MESSAGE(out, out.starts_with("Total: ") && shown(out, "Total: ") > 0);
        CPPUNIT_ASSERT_MESSAGE(ok({"freecell", "0"}), ok({"freecell", "0"}).starts_with("0: "));
    }

    // python3-libvirt's calls; the script prints what it got, this side checks it is true.
    void pythonLibvirtParametersAndStats() {
        Domain d = start();
        conn_->define(containerXml("cvirt-test-rparams-off", {}), "off.xml");
        RunResult r =
            testenv::run({"/usr/bin/python3",
                          (sourceDir() / "tests/integration/remote/python_params.py").string(),
                          sock().string(), kDom});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        auto got = fields(r.out);
        DomainStats st = d.stats();
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-rparams,cvirt-test-rparams-off"),
                             got["all.domains"]);
        CPPUNIT_ASSERT_EQUAL(std::string("1"), got["all.state.state"]);
        CPPUNIT_ASSERT_EQUAL(std::string("65536"), got["all.balloon.maximum"]);
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-rparams"), got["list.domains"]);
        CPPUNIT_ASSERT_EQUAL(std::to_string(st.vcpuMaximum), got["list.vcpu.maximum"]);
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-rparams"), got["running.domains"]);
        CPPUNIT_ASSERT_EQUAL(std::string("9007199254740991"), got["memory.hard_limit.before"]);
        CPPUNIT_ASSERT_EQUAL(std::string("40960"), got["memory.hard_limit.after"]);
        CPPUNIT_ASSERT_EQUAL(std::to_string(40960ull * 1024),
                             hostCgroupValue(d, "memory", "memory.limit_in_bytes", "memory.max"));
        CPPUNIT_ASSERT_EQUAL(std::string("posix 3"), got["scheduler.type"]);
        CPPUNIT_ASSERT_EQUAL(std::string("1024"), got["scheduler.cpu_shares.before"]);
        CPPUNIT_ASSERT_EQUAL(std::string("-1"), got["scheduler.vcpu_quota.before"]);
        CPPUNIT_ASSERT_EQUAL(std::string("2048"), got["scheduler.cpu_shares.after"]);
        std::string expect =
            unifiedController("cpu") ? std::to_string(cgroup::sharesToWeight(2048)) : "2048";
        CPPUNIT_ASSERT_EQUAL(expect, hostCgroupValue(d, "cpu", "cpu.shares", "cpu.weight"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), got["blkio.weight"]);
        CPPUNIT_ASSERT_EQUAL(std::string("1 1"), got["vcpus"]);
    }

    void readOnlySocketReadsButDoesNotTune() {
        start();
        CPPUNIT_ASSERT_EQUAL(0, virsh({"domstats", kDom}, true).status);
        CPPUNIT_ASSERT_EQUAL(0, virsh({"memtune", kDom}, true).status);
        RunResult r = virsh({"schedinfo", kDom, "--set", "cpu_shares=512"}, true);
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err,
                                          "read only access prevents "
                                          "virDomainSetSchedulerParameters"));
        r = virsh({"domifaddr", kDom, "--source", "agent"}, true);
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "read only access prevents"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteParamsTest);
