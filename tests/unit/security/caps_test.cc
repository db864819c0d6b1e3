// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's capability policies, and cvirt's one addition: a container that shares the host's
// network namespace loses net_admin and net_raw under the 'default' policy unless it turns
// them on by name.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "conf/domain_def.h"
#include "conf/lxc_native.h"
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
    CPPUNIT_TEST(convertedLxcConfigKeepsWhatLxcGave);
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

    // domxml-from-native writes libvirt's policy='allow' with LXC's drops off: started, the
    // container loses exactly what lxc.cap.drop named, as under LXC; lxc.cap.keep keeps
    // exactly what it names.
    void convertedLxcConfigKeepsWhatLxcGave() {
        auto noFiles = [](const std::string&) -> std::optional<std::string> { return {}; };
        const std::string head = "lxc.uts.name = c\nlxc.rootfs.path = /r\n";
        std::vector<std::string> all = conf::kCapabilityNames;
        conf::DomainDef dropped =
            conf::fromLxcConfig(head + "lxc.cap.drop = sys_module mknod\n", "c.conf", noFiles).def;
        CPPUNIT_ASSERT(security::capsToDrop(dropped, all) ==
                       std::vector<std::string>({"mknod", "sys_module"}));
        conf::DomainDef none = conf::fromLxcConfig(head, "c.conf", noFiles).def;
        CPPUNIT_ASSERT(security::capsToDrop(none, all).empty());
        conf::DomainDef kept =
            conf::fromLxcConfig(head + "lxc.cap.keep = chown kill\n", "c.conf", noFiles).def;
        auto d = security::capsToDrop(kept, all);
        CPPUNIT_ASSERT_EQUAL(all.size() - 2, d.size());
        CPPUNIT_ASSERT(std::find(d.begin(), d.end(), "chown") == d.end());
        CPPUNIT_ASSERT(std::find(d.begin(), d.end(), "kill") == d.end());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(CapsTest);
