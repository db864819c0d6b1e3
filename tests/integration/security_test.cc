// SPDX-License-Identifier: GPL-3.0-or-later
// Confinement inside real containers: the default seccomp profile refuses what it lists (on
// the native and the i386 ABI), 'unconfined' shows the filter is what refused it,
// no_new_privs is on by default, rlimits reach init and `exec`, and a container without
// CAP_SYS_ADMIN can neither mount nor make a user namespace. cvirt-probe (tests/integration/probe)
// makes each attempt from inside and prints "ok" or the errno's name.
#include <cppunit/extensions/HelperMacros.h>

#include <map>

#include "cvirt/connection.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"
#include "util/process.h"

using namespace cvirt;
using namespace cvirt::testenv;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainers()) return m;
    return missingProbe("cvirt-probe");
}

namespace {

const std::string kProbeFs = probeFilesystem();

// Whether this kernel takes i386 system calls from a 64-bit process at all: one without the
// 32-bit entry (ia32_emulation off, some paravirtualized guests) kills the caller of int 0x80
// with SIGSEGV before any filter could see it. Asked once, of the probe on the host.
bool kernelTakesI386Calls() {
    static const bool takes =
        util::runProcess({std::string(CVIRT_PROBE_DIR) + "/cvirt-probe", "keyctl_i386"})
            .termSignal == 0;
    if (!takes)
        skipCase(
            "the i386 checks: this kernel has no 32-bit system call entry (int 0x80 "
            "kills the caller with SIGSEGV on the host, unconfined)");
    return takes;
}

// What the default profile must refuse, and how.
const std::map<std::string, std::string> kDenied = {
    {"keyctl", "EPERM"},          {"add_key", "EPERM"},       {"userfaultfd", "EPERM"},
    {"perf_event_open", "EPERM"}, {"bpf", "EPERM"},           {"open_by_handle_at", "EPERM"},
    {"finit_module", "EPERM"},    {"delete_module", "EPERM"}, {"kexec_load", "EPERM"},
    {"clone3", "ENOSYS"},         {"keyctl_i386", "EPERM"},   {"settimeofday", "EPERM"},
};

}  // namespace

class SecurityTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(SecurityTest);
    CPPUNIT_TEST(defaultProfileRefusesTheList);
    CPPUNIT_TEST(unconfinedShowsTheFilterIsWhatRefused);
    CPPUNIT_TEST(execIsConfinedLikeInit);
    CPPUNIT_TEST(withoutSysAdminNoMountNoUserNamespace);
    CPPUNIT_TEST(rlimitsReachInitAndExec);
    CPPUNIT_TEST_SUITE_END();

    Domain start(const std::string& name, CtOptions o = {}) {
        // a 32-bit call from init's tree too: the sysinfo filter init runs under (native
        // only) lets it through to the profile instead of killing the caller
        o.initargs = {"-c",
                      "ulimit -n > /tmp/init-nofile; /probe/cvirt-probe keyctl_i386 > "
                      "/tmp/init-compat.new; mv /tmp/init-compat.new /tmp/init-compat; sleep 1000"};
        o.devices = kProbeFs;
        Domain d = conn_->define(containerXml(name, o), name + ".xml");
        d.start();
        return d;
    }
    std::string probe(Domain& d, const std::string& what) {
        std::string out = run(d, {"/probe/cvirt-probe", what});
        while (!out.empty() && out.back() == '\n')
            out.pop_back();
        return out;
    }

    // What init's 32-bit keyctl got (written by init's shell once the probe returned).
    std::string initCompat(Domain& d) {
        CPPUNIT_ASSERT(waitUntil([&] {
            return execCapture(d, {"test", "-e", "/tmp/init-compat"}).status == 0;
        }));
        return run(d, {"cat", "/tmp/init-compat"});
    }

public:
    void defaultProfileRefusesTheList() {
        Domain d = start("cvirt-test-secdef");
        int denied = 0;
        const bool i386 = kernelTakesI386Calls();
        for (const auto& [what, err] : kDenied) {
            if (what.ends_with("_i386") && !i386) continue;
            CPPUNIT_ASSERT_EQUAL_MESSAGE(what, err, probe(d, what));
            ++denied;
        }
        CPPUNIT_ASSERT_EQUAL(std::string("1"), probe(d, "nnp"));
        if (i386) CPPUNIT_ASSERT_EQUAL(std::string("EPERM\n"), initCompat(d));
        std::cout << "default profile: " << denied << " attempts denied" << std::endl;
        // what a container needs still works
        CPPUNIT_ASSERT_EQUAL(std::string("ok\n"),
                             run(d, {"sh", "-c", "ls / >/dev/null && echo ok"}));
    }

    void unconfinedShowsTheFilterIsWhatRefused() {
        Domain d = start("cvirt-test-secoff", {.security = "<cvirt:seccomp profile='unconfined'/>"
                                                           "<cvirt:nonewprivs state='off'/>"});
        const bool i386 = kernelTakesI386Calls();
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), probe(d, "keyctl"));
        if (i386) CPPUNIT_ASSERT_EQUAL(std::string("ok"), probe(d, "keyctl_i386"));
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), probe(d, "userfaultfd"));
        CPPUNIT_ASSERT_EQUAL(std::string("EBADF"), probe(d, "open_by_handle_at"));
        CPPUNIT_ASSERT_EQUAL(std::string("EINVAL"), probe(d, "clone3"));  // the kernel saw it
        CPPUNIT_ASSERT_EQUAL(std::string("0"), probe(d, "nnp"));
        if (i386) CPPUNIT_ASSERT_EQUAL(std::string("ok\n"), initCompat(d));
        // kept by dumpxml
        std::string xml = d.xml(true);
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<cvirt:seccomp profile=\"unconfined\"/>") ||
                                        has(xml, "<cvirt:seccomp profile='unconfined'/>"));
    }

    void execIsConfinedLikeInit() {
        Domain d = start("cvirt-test-secexec");
        // run() goes through Domain::exec, the path of `cvirsh exec` and lxc-enter-namespace
        CPPUNIT_ASSERT_EQUAL(std::string("EPERM"), probe(d, "keyctl"));
        CPPUNIT_ASSERT_EQUAL(std::string("1"), probe(d, "nnp"));
        CPPUNIT_ASSERT_EQUAL(std::string("Seccomp:\t2\n"),
                             run(d, {"sh", "-c", "grep '^Seccomp:' /proc/1/status"}));
    }

    void withoutSysAdminNoMountNoUserNamespace() {
        Domain d = start("cvirt-test-secnoadm",
                         {.extra = "<features><capabilities policy='default'>"
                                   "<sys_admin state='off'/></capabilities></features>"});
        CPPUNIT_ASSERT_EQUAL(std::string("EPERM"), probe(d, "mount"));
        CPPUNIT_ASSERT_EQUAL(std::string("EPERM"), probe(d, "unshare_user"));
    }

    void rlimitsReachInitAndExec() {
        Domain d = start("cvirt-test-secrlim",
                         {.cvirt = "<cvirt:rlimit name='nofile' soft='64' hard='128'/>"});
        CPPUNIT_ASSERT_EQUAL(std::string("64\n"), run(d, {"cat", "/tmp/init-nofile"}));
        CPPUNIT_ASSERT_EQUAL(std::string("64 128\n"),
                             run(d, {"sh", "-c", "echo $(ulimit -n) $(ulimit -Hn)"}));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(SecurityTest);
