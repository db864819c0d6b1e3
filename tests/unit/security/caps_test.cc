// libvirt's capability policies, and cvirt's one addition: a container that shares the host's
// network namespace loses net_admin and net_raw under the 'default' policy unless it turns
// them on by name.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "conf/domain_def.h"
#include "security/caps.h"

using namespace cvirt;

namespace {

const std::vector<std::string> kKernel = {"net_admin", "net_raw", "sys_admin", "bpf"};

bool drops(const conf::DomainDef& def, const std::string& cap) {
    auto d = security::capsToDrop(def, kKernel);
    return std::find(d.begin(), d.end(), cap) != d.end();
}

}  // namespace

class CapsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CapsTest);
    CPPUNIT_TEST(libvirtsDefaultDropSet);
    CPPUNIT_TEST(hostNetworkLosesNetAdminAndNetRaw);
    CPPUNIT_TEST(explicitChoicesWin);
    CPPUNIT_TEST_SUITE_END();

public:
    void libvirtsDefaultDropSet() {
        conf::DomainDef d;
        d.features.privnet = true;
        for (const char* c : {"sys_module", "sys_time", "mknod", "audit_control", "mac_admin"})
            CPPUNIT_ASSERT_MESSAGE(c, drops(d, c));
        for (const char* c : {"net_admin", "net_raw", "sys_admin", "bpf"})
            CPPUNIT_ASSERT_MESSAGE(c, !drops(d, c));
    }

    void hostNetworkLosesNetAdminAndNetRaw() {
        conf::DomainDef d;  // no interface, no <privnet/>: the host's network
        CPPUNIT_ASSERT(security::sharesHostNetwork(d));
        CPPUNIT_ASSERT(drops(d, "net_admin") && drops(d, "net_raw"));
        CPPUNIT_ASSERT(!drops(d, "sys_admin"));
        conf::DomainDef withIface;
        withIface.interfaces.emplace_back();
        CPPUNIT_ASSERT(!security::sharesHostNetwork(withIface));
        CPPUNIT_ASSERT(!drops(withIface, "net_admin") && !drops(withIface, "net_raw"));
        conf::DomainDef shared;
        shared.lxcNamespaces.sharenet = conf::NsShare{};
        CPPUNIT_ASSERT(!security::sharesHostNetwork(shared));
    }

    void explicitChoicesWin() {
        conf::DomainDef on;
        on.features.capsPolicy = conf::CapPolicy::Default;
        on.features.caps.push_back({"net_admin", conf::Toggle::On});
        CPPUNIT_ASSERT(!drops(on, "net_admin") && drops(on, "net_raw"));
        conf::DomainDef allow;
        allow.features.capsPolicy = conf::CapPolicy::Allow;
        CPPUNIT_ASSERT(!drops(allow, "net_admin") && !drops(allow, "net_raw"));
        conf::DomainDef deny;
        deny.features.capsPolicy = conf::CapPolicy::Deny;
        CPPUNIT_ASSERT(drops(deny, "net_admin") && drops(deny, "sys_admin"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CapsTest);
