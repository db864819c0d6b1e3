// SPDX-License-Identifier: GPL-3.0-or-later
// The default seccomp profile: it names what the list requires, every name is a real
// system call on some ABI of this machine (a typo would silently filter nothing), and the
// mount family joins the list exactly when CAP_SYS_ADMIN is gone, and with it a container may
// mount nothing that would uncover what cvirt masked.
#include <cppunit/extensions/HelperMacros.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <algorithm>
#include <set>

#include "conf/domain_def.h"
#include "security/confine.h"
#include "security/seccomp.h"

using namespace cvirt;

namespace {
std::set<std::string> names(const std::vector<security::SyscallRule>& rules) {
    std::set<std::string> out;
    for (const auto& r : rules)
        out.insert(r.name);
    return out;
}
}  // namespace

class SeccompTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SeccompTest);
    CPPUNIT_TEST(requiredCallsAreDenied);
    CPPUNIT_TEST(everyNameIsASystemCall);
    CPPUNIT_TEST(mountFamilyOnlyWithoutSysAdmin);
    CPPUNIT_TEST(withSysAdminMountsOnlyWhatUncoversNothing);
    CPPUNIT_TEST(noNewPrivsDefaults);
    CPPUNIT_TEST(rlimitNames);
    CPPUNIT_TEST(theBuildsProgramsAreWhatLibseccompCompiles);
    CPPUNIT_TEST_SUITE_END();

public:
    void requiredCallsAreDenied() {
        auto n = names(security::defaultProfile(true));
        for (const char* must : {"kexec_load", "kexec_file_load", "init_module", "finit_module",
                                 "delete_module", "open_by_handle_at", "keyctl", "add_key",
                                 "request_key", "perf_event_open", "bpf", "userfaultfd", "acct",
                                 "swapon", "swapoff", "settimeofday", "clock_settime", "syslog"})
            CPPUNIT_ASSERT_MESSAGE(must, n.count(must));
        for (const auto& r : security::defaultProfile(true)) {
            CPPUNIT_ASSERT_MESSAGE(r.name, !r.why.empty());
            CPPUNIT_ASSERT_MESSAGE(r.name, r.err > 0);
        }
    }
    void everyNameIsASystemCall() {
        auto all = security::defaultProfile(false);
        auto with = security::defaultProfile(true);
        all.insert(all.end(), with.begin(), with.end());
        for (const auto& r : all) {
            bool known = false;
            for (uint32_t arch :
                 std::initializer_list<uint32_t>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32})
                known |= seccomp_syscall_resolve_name_arch(arch, r.name.c_str()) >= 0;
            CPPUNIT_ASSERT_MESSAGE(r.name + " is no system call here", known);
        }
    }
    void mountFamilyOnlyWithoutSysAdmin() {
        auto with = names(security::defaultProfile(true));
        auto without = names(security::defaultProfile(false));
        for (const char* m : {"unshare", "clone"}) {
            CPPUNIT_ASSERT_MESSAGE(m, !with.count(m));
            CPPUNIT_ASSERT_MESSAGE(m, without.count(m));
        }
        for (const auto& r : security::defaultProfile(false)) {
            if (r.name == "unshare" || r.name == "clone")
                CPPUNIT_ASSERT_MESSAGE(
                    r.name + " is denied only for a new user namespace",
                    r.when && r.when->arg == 0 && r.when->value == CLONE_NEWUSER);
            if (r.name == "mount") CPPUNIT_ASSERT_MESSAGE("every mount", !r.when);
        }
    }
    // Which mount(2) flag sets the profile refuses while CAP_SYS_ADMIN is kept: any rule whose
    // masked compare matches, as the filter evaluates it.
    void withSysAdminMountsOnlyWhatUncoversNothing() {
        auto rules = security::defaultProfile(true);
        auto refused = [&](uint64_t flags) {
            for (const auto& r : rules)
                if (r.name == "mount" && r.when && r.when->arg == 3 &&
                    (flags & r.when->mask) == r.when->value)
                    return true;
            return false;
        };
        CPPUNIT_ASSERT(refused(0));                     // proc afresh
        CPPUNIT_ASSERT(refused(MS_NOSUID | MS_NODEV));  // tmpfs, sysfs
        CPPUNIT_ASSERT(refused(MS_REMOUNT));            // /sys rw again
        CPPUNIT_ASSERT(refused(MS_REMOUNT | MS_BIND));  // bind remount rw
        CPPUNIT_ASSERT(refused(MS_BIND));               // /proc without masks
        CPPUNIT_ASSERT(refused(MS_BIND | MS_REC));
        CPPUNIT_ASSERT(refused(MS_MOVE));
        CPPUNIT_ASSERT(refused(MS_REMOUNT | MS_RDONLY));  // the superblock, the host's too
        CPPUNIT_ASSERT(refused(MS_REMOUNT | MS_RDONLY | MS_NOSUID));
        CPPUNIT_ASSERT(refused(MS_MGC_VAL));  // the kernel strips it: a new mount
        CPPUNIT_ASSERT(refused(MS_MGC_VAL | MS_BIND | MS_REMOUNT | MS_RDONLY));
        CPPUNIT_ASSERT(!refused(MS_REMOUNT | MS_BIND | MS_RDONLY));  // per mount: fine
        CPPUNIT_ASSERT(!refused(MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV));
        CPPUNIT_ASSERT(!refused(MS_REC | MS_SLAVE));  // propagation
        CPPUNIT_ASSERT(!refused(MS_PRIVATE));
        auto n = names(rules);
        CPPUNIT_ASSERT(n.count("umount2") && n.count("fsopen") && n.count("pivot_root"));
    }
    void noNewPrivsDefaults() {
        conf::DomainDef d;
        CPPUNIT_ASSERT(security::noNewPrivs(d));
        d.cvirtSecurity.noNewPrivs = conf::Toggle::Off;
        CPPUNIT_ASSERT(!security::noNewPrivs(d));
        d.features.capsPolicy = conf::CapPolicy::Deny;  // the strictest policy forces it
        CPPUNIT_ASSERT(security::noNewPrivs(d));
    }
    void rlimitNames() {
        CPPUNIT_ASSERT_EQUAL(int(RLIMIT_NOFILE), security::rlimitResource("nofile"));
        CPPUNIT_ASSERT_EQUAL(int(RLIMIT_NPROC), security::rlimitResource("nproc"));
        CPPUNIT_ASSERT_EQUAL(-1, security::rlimitResource("files"));
    }
    // A start loads the programs the build compiled (cvirt-seccomp-gen): instruction for
    // instruction what this machine's libseccomp makes of the profile now, and what
    // prepareConfinement hands a default-profile container.
    void theBuildsProgramsAreWhatLibseccompCompiles() {
        auto same = [](const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
            return a.size() == b.size() &&
                   std::equal(a.begin(), a.end(), b.begin(), [](sock_filter x, sock_filter y) {
                       return x.code == y.code && x.jt == y.jt && x.jf == y.jf && x.k == y.k;
                   });
        };
        for (bool keepsSysAdmin : {false, true}) {
            const std::vector<sock_filter>& built = security::defaultProgram(keepsSysAdmin);
            CPPUNIT_ASSERT(built.size() > 10);
            CPPUNIT_ASSERT(
                same(built, security::compileSeccomp(security::defaultProfile(keepsSysAdmin))));
            conf::DomainDef d;
            std::vector<std::string> drop = {"sys_module"};
            if (!keepsSysAdmin) drop.push_back("sys_admin");
            auto how = security::prepareConfinement(d, drop);
            CPPUNIT_ASSERT(how.seccomp && same(*how.seccomp, built));
        }
        CPPUNIT_ASSERT(security::defaultProgram(false).size() !=
                       security::defaultProgram(true).size());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(SeccompTest);
