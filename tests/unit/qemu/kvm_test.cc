// SPDX-License-Identifier: GPL-3.0-or-later
// The verdict of the KVM probe (issue 15): /dev/kvm may open, create VMs and vCPUs and still
// run a guest kernel by emulation (kvm_pvm on a VM without VT-x/AMD-V); only a vCPU that
// completes the probe loop within its deadline makes KVM usable.
#include <cppunit/extensions/HelperMacros.h>

#include "qemu/kvm_internal.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::qemu::kvm_internal;
using cvirt::testenv::has;

class KvmTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(KvmTest);
    CPPUNIT_TEST(aVcpuAtHardwareSpeedIsUsable);
    CPPUNIT_TEST(aSlowVcpuIsNotAndSaysHowSlow);
    CPPUNIT_TEST(kvmPvmIsNamed);
    CPPUNIT_TEST(aVcpuThatStopsSaysWhy);
    CPPUNIT_TEST(providerFromSysModule);
    CPPUNIT_TEST_SUITE_END();

    void aVcpuAtHardwareSpeedIsUsable() {
        CPPUNIT_ASSERT(
            !judgeVcpuRun({.iterations = kProbeIterations, .seconds = 0.012}, "kvm_intel"));
        CPPUNIT_ASSERT(!judgeVcpuRun({.iterations = kProbeIterations, .seconds = 0.9}, ""));
    }

    void aSlowVcpuIsNotAndSaysHowSlow() {
        // What this host measured: 6 chunks of the loop (2 instructions each) in 1.2 s.
        auto why = judgeVcpuRun({.iterations = 6 * kProbeChunk, .seconds = 1.2}, "kvm_amd");
        CPPUNIT_ASSERT(why);
        CPPUNIT_ASSERT_MESSAGE(*why, has(*why,
                                         "/dev/kvm ran kernel-mode guest code at 0.2 million "
                                         "instructions/s"));
        CPPUNIT_ASSERT_MESSAGE(*why, has(*why, "KVM guests would take hours to boot here"));
        CPPUNIT_ASSERT_MESSAGE(*why, !has(*why, "kvm_pvm"));
        // Nothing done at all before the deadline: still a verdict, no division by zero.
        why = judgeVcpuRun({.iterations = 0, .seconds = 0}, "");
        CPPUNIT_ASSERT(why && has(*why, "at 0.0 million"));
    }

    void kvmPvmIsNamed() {
        auto why = judgeVcpuRun({.iterations = kProbeChunk, .seconds = 1.0}, "kvm_pvm");
        CPPUNIT_ASSERT(why);
        CPPUNIT_ASSERT_MESSAGE(*why, has(*why, "/dev/kvm is kvm_pvm's"));
        CPPUNIT_ASSERT_MESSAGE(*why, has(*why, "runs only PVM guest kernels natively"));
    }

    void aVcpuThatStopsSaysWhy() {
        auto why = judgeVcpuRun(
            {.iterations = 0, .seconds = 0.001, .failure = "KVM_CREATE_VCPU: Invalid argument"},
            "kvm_intel");
        CPPUNIT_ASSERT(why);
        CPPUNIT_ASSERT_EQUAL(
            std::string("a vCPU of /dev/kvm does not run: KVM_CREATE_VCPU: Invalid argument"),
            *why);
        // A failure wins over a count that happened to reach the end.
        CPPUNIT_ASSERT(judgeVcpuRun({.iterations = kProbeIterations, .failure = "exit 8"}, ""));
    }

    void providerFromSysModule() {
        testenv::TempDir dir;
        CPPUNIT_ASSERT_EQUAL(std::string(), kvmProvider(dir.path()));
        std::filesystem::create_directories(dir.path() / "kvm");  // the common module alone
        CPPUNIT_ASSERT_EQUAL(std::string(), kvmProvider(dir.path()));
        std::filesystem::create_directories(dir.path() / "kvm_pvm");
        CPPUNIT_ASSERT_EQUAL(std::string("kvm_pvm"), kvmProvider(dir.path()));
        CPPUNIT_ASSERT_EQUAL(std::string(), kvmProvider(dir.path() / "missing"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(KvmTest);
