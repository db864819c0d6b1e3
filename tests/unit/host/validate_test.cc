// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-host-validate's verdicts from given facts: what passes, what fails, and that every
// problem comes with a fix.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <numeric>

#include "host/validate.h"

using namespace cvirt::host;

namespace {

Facts goodHost() {
    Facts f;
    f.kernelRelease = "6.1.0-test";
    f.kernelConfig = parseKernelConfig(
        "# comment\nCONFIG_NAMESPACES=y\nCONFIG_PID_NS=y\nCONFIG_UTS_NS=y\nCONFIG_IPC_NS=y\n"
        "CONFIG_NET_NS=y\nCONFIG_USER_NS=y\nCONFIG_CGROUPS=y\nCONFIG_MEMCG=y\n"
        "CONFIG_CGROUP_PIDS=y\nCONFIG_VETH=m\nCONFIG_BRIDGE=m\nCONFIG_MACVLAN=m\nCONFIG_TUN=m\n"
        "CONFIG_SECCOMP_FILTER=y\n# CONFIG_FOO is not set\n");
    f.kernelConfigSource = "/boot/config-6.1.0-test";
    f.cgroupLayout = "v2";
    f.cgroupControllers = {"cpuset", "cpu", "io", "memory", "pids", "freezer"};
    for (const char* ns : {"pid", "mnt", "uts", "ipc", "net", "user", "cgroup"})
        f.namespaces[ns] = true;
    f.tunDevice = f.qemuBinary = f.root = true;
    return f;
}

const CheckResult* find(const std::vector<CheckResult>& r, const std::string& part) {
    for (const auto& c : r)
        if (c.what.find(part) != std::string::npos) return &c;
    return nullptr;
}

}  // namespace

class ValidateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ValidateTest);
    CPPUNIT_TEST(kernelConfigLines);
    CPPUNIT_TEST(aGoodHostPasses);
    CPPUNIT_TEST(missingPiecesFailWithAFix);
    CPPUNIT_TEST(softProblemsWarn);
    CPPUNIT_TEST(formatAlignsVerdicts);
    CPPUNIT_TEST(loopbackServicesWarnAboutTheHostNetwork);
    CPPUNIT_TEST_SUITE_END();

    void kernelConfigLines() {
        auto c = parseKernelConfig("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=m\nnoise\n");
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.size());
        CPPUNIT_ASSERT_EQUAL(std::string("y"), c["CONFIG_A"]);
        CPPUNIT_ASSERT_EQUAL(std::string("m"), c["CONFIG_C"]);
    }

    void aGoodHostPasses() {
        auto r = evaluate(goodHost());
        CPPUNIT_ASSERT(r.size() > 25);
        for (const auto& c : r)
            CPPUNIT_ASSERT_MESSAGE(c.what, c.verdict == Verdict::Pass && c.fix.empty());
    }

    void missingPiecesFailWithAFix() {
        Facts f = goodHost();
        f.kernelConfig.erase("CONFIG_USER_NS");
        f.cgroupControllers.erase(
            std::find(f.cgroupControllers.begin(), f.cgroupControllers.end(), "pids"));
        f.namespaces["pid"] = false;
        f.cgroupLayout.clear();
        auto r = evaluate(f);
        for (const char* what :
             {"(CONFIG_USER_NS)", "'pids' controller", "ns 'pid'", "cgroup file system"}) {
            const CheckResult* c = find(r, what);
            CPPUNIT_ASSERT_MESSAGE(what, c && c->verdict == Verdict::Fail && !c->fix.empty());
        }
    }

    void softProblemsWarn() {
        Facts f = goodHost();
        f.kvmUnusable = "cannot open /dev/kvm: No such file or directory";
        f.kernelConfig.clear();
        f.namespaces["user"] = false;
        f.qemuBinary = false;
        auto r = evaluate(f);
        for (const char* what : {"/dev/kvm", "kernel configuration", "ns 'user'", "qemu-system"}) {
            const CheckResult* c = find(r, what);
            CPPUNIT_ASSERT_MESSAGE(what, c && c->verdict == Verdict::Warn && !c->fix.empty());
        }
        CPPUNIT_ASSERT(find(r, "/dev/kvm")->fix.find("type='qemu'") != std::string::npos);
        CPPUNIT_ASSERT(!find(r, "(CONFIG_"));  // no config: no option checks
    }

    // What a container sharing the host's network reaches: loopback listeners, abstract
    // sockets; not what listens everywhere, not a connected socket.
    void loopbackServicesWarnAboutTheHostNetwork() {
        std::string tcp =
            "  sl  local_address rem_address   st\n"
            "   0: 0100007F:0277 00000000:0000 0A 0\n"   // 127.0.0.1:631 listening
            "   1: 00000000:0016 00000000:0000 0A 0\n"   // 0.0.0.0:22
            "   2: 0100007F:1F90 0100007F:9C40 01 0\n";  // established
        std::string tcp6 =
            "  sl  local_address remote_address st\n"
            "   0: 00000000000000000000000001000000:0019 "
            "00000000000000000000000000000000:0000 0A 0\n";
        std::string unixTable =
            "Num       RefCount Protocol Flags    Type St Inode Path\n"
            "0000000000000000: 00000002 00000000 00010000 0001 01 1 @/tmp/.X11-unix/X0\n"
            "0000000000000000: 00000002 00000000 00000000 0001 03 2 @not-listening\n"
            "0000000000000000: 00000002 00000000 00010000 0001 01 3 /run/on-a-path\n"
            "0000000000000000: 00000002 00000000 00000000 0002 07 4\n";
        auto s = parseLoopbackServices(tcp, tcp6, unixTable);
        CPPUNIT_ASSERT_EQUAL(
            std::string("127.0.0.1:631 [::1]:25 @/tmp/.X11-unix/X0 "),
            std::accumulate(s.begin(), s.end(), std::string(),
                            [](std::string a, const std::string& b) { return a + b + " "; }));
        Facts f = goodHost();
        f.loopbackServices = s;
        auto r = evaluate(f);
        const CheckResult* c = find(r, "host's network");
        CPPUNIT_ASSERT(c && c->verdict == Verdict::Warn);
        CPPUNIT_ASSERT_MESSAGE(c->fix, c->fix.find("127.0.0.1:631") != std::string::npos &&
                                           c->fix.find("<privnet/>") != std::string::npos);
    }

    void formatAlignsVerdicts() {
        std::string text = formatResults({{"LXC", "Checking for x", Verdict::Pass, ""},
                                          {"QEMU", "Checking for y", Verdict::Fail, "do z"}});
        CPPUNIT_ASSERT_EQUAL(std::string("  LXC: Checking for x") + std::string(57, ' ') +
                                 ": PASS\n" + "  QEMU: Checking for y" + std::string(56, ' ') +
                                 ": FAIL (do z)\n",
                             text);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ValidateTest);
