// The default seccomp profile: it names what the list requires, every name is a real
// system call on some ABI of this machine (a typo would silently filter nothing), and the
// mount family joins the list exactly when CAP_SYS_ADMIN is gone.
#include <cppunit/extensions/HelperMacros.h>
#include <seccomp.h>
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
    CPPUNIT_TEST(noNewPrivsDefaults);
    CPPUNIT_TEST(rlimitNames);
    CPPUNIT_TEST_SUITE_END();

public:
    void requiredCallsAreDenied() {
        auto n = names(security::defaultProfile(true));
        for (const char* must :
             {"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
              "open_by_handle_at", "keyctl", "add_key", "request_key", "perf_event_open", "bpf",
              "userfaultfd", "acct", "swapon", "swapoff", "settimeofday", "clock_settime"})
            CPPUNIT_ASSERT_MESSAGE(must, n.count(must));
        for (const auto& r : security::defaultProfile(true)) {
            CPPUNIT_ASSERT_MESSAGE(r.name, !r.why.empty());
            CPPUNIT_ASSERT_MESSAGE(r.name, r.err > 0);
        }
    }
    void everyNameIsASystemCall() {
        for (const auto& r : security::defaultProfile(false)) {
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
        for (const char* m : {"mount", "umount2", "pivot_root", "fsopen", "unshare", "clone"}) {
            CPPUNIT_ASSERT_MESSAGE(m, !with.count(m));
            CPPUNIT_ASSERT_MESSAGE(m, without.count(m));
        }
        for (const auto& r : security::defaultProfile(false))
            if (r.name == "unshare" || r.name == "clone")
                CPPUNIT_ASSERT_MESSAGE(r.name + " is denied only for a new user namespace",
                                       r.newUserOnly);
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
};
CPPUNIT_TEST_SUITE_REGISTRATION(SeccompTest);
