// SPDX-License-Identifier: GPL-3.0-or-later
// A domain's interface names, decided before anything is created (docs/NETWORKING.md): the
// host end is <target dev> or "cvt<id>-<n>" (n the interface's position in the definition),
// a macvlan has none; inside, <guest dev> or the first ethN no other device claims. And the
// prefix of an address given without one: its class's for IPv4, 64 for IPv6.
#include <cppunit/extensions/HelperMacros.h>

#include "conf/domain_def.h"
#include "cvirt/error.h"
#include "net/interfaces.h"

using namespace cvirt;
using conf::NetType;

namespace {

conf::Interface iface(NetType type, std::string targetDev = {}, std::string guestDev = {}) {
    conf::Interface n;
    n.type = type;
    n.targetDev = std::move(targetDev);
    n.guestDev = std::move(guestDev);
    return n;
}

using Names = std::vector<std::string>;

// One name of each planned interface, in the definition's order.
Names names(const std::vector<net::InterfacePlan>& plan, std::string net::InterfacePlan::*name) {
    Names out;
    for (const auto& p : plan)
        out.push_back(p.*name);
    return out;
}
Names hostNames(const std::vector<net::InterfacePlan>& plan) {
    return names(plan, &net::InterfacePlan::hostName);
}
Names guestNames(const std::vector<net::InterfacePlan>& plan) {
    return names(plan, &net::InterfacePlan::guestName);
}

}  // namespace

class InterfacesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(InterfacesTest);
    CPPUNIT_TEST(hostEndsAreNamedAfterTheIdAndPosition);
    CPPUNIT_TEST(targetDevIsTakenAsGiven);
    CPPUNIT_TEST(macvlanHasNoHostEndButKeepsItsPosition);
    CPPUNIT_TEST(guestNamesAreTheFirstFreeEthN);
    CPPUNIT_TEST(givenGuestNamesAreReservedFirst);
    CPPUNIT_TEST(movedHostDevicesKeepTheirNames);
    CPPUNIT_TEST(pciPassthroughIsRefused);
    CPPUNIT_TEST(noInterfacesNoPlan);
    CPPUNIT_TEST(ipv4DefaultPrefixIsTheClasss);
    CPPUNIT_TEST(ipv6DefaultPrefixIs64);
    CPPUNIT_TEST(routeDefaultPrefixIsLibvirts);
    CPPUNIT_TEST_SUITE_END();

public:
    void hostEndsAreNamedAfterTheIdAndPosition() {
        conf::DomainDef d;
        d.interfaces = {iface(NetType::Ethernet), iface(NetType::Bridge), iface(NetType::Network)};
        auto plan = net::planInterfaces(d, 12);
        CPPUNIT_ASSERT_EQUAL(size_t(3), plan.size());
        for (size_t i = 0; i < plan.size(); ++i)
            CPPUNIT_ASSERT_EQUAL(i, plan[i].index);
        CPPUNIT_ASSERT(hostNames(plan) == (Names{"cvt12-0", "cvt12-1", "cvt12-2"}));
        // another run of the same domain (a new id) gets other names: no collision with
        // host ends of the previous run still being deleted
        CPPUNIT_ASSERT(hostNames(net::planInterfaces(d, 13)) ==
                       (Names{"cvt13-0", "cvt13-1", "cvt13-2"}));
    }

    void targetDevIsTakenAsGiven() {
        conf::DomainDef d;
        d.interfaces = {iface(NetType::Bridge, "vnet-web"), iface(NetType::Ethernet)};
        auto plan = net::planInterfaces(d, 4);
        // the second keeps its position's number: the first one's name does not shift it
        CPPUNIT_ASSERT(hostNames(plan) == (Names{"vnet-web", "cvt4-1"}));
    }

    void macvlanHasNoHostEndButKeepsItsPosition() {
        conf::DomainDef d;
        d.interfaces = {iface(NetType::Ethernet), iface(NetType::Direct, "ignored"),
                        iface(NetType::Ethernet)};
        auto plan = net::planInterfaces(d, 3);
        CPPUNIT_ASSERT(hostNames(plan) == (Names{"cvt3-0", "", "cvt3-2"}));
        CPPUNIT_ASSERT(guestNames(plan) == (Names{"eth0", "eth1", "eth2"}));
    }

    void guestNamesAreTheFirstFreeEthN() {
        conf::DomainDef d;
        d.interfaces = {iface(NetType::Ethernet), iface(NetType::Ethernet, {}, "lan"),
                        iface(NetType::Ethernet)};
        auto plan = net::planInterfaces(d, 1);
        CPPUNIT_ASSERT(guestNames(plan) == (Names{"eth0", "lan", "eth1"}));
    }

    void givenGuestNamesAreReservedFirst() {
        // eth0 and eth2 are claimed by later interfaces: the earlier ones go around them
        conf::DomainDef d;
        d.interfaces = {iface(NetType::Ethernet), iface(NetType::Ethernet),
                        iface(NetType::Ethernet, {}, "eth0"), iface(NetType::Ethernet, {}, "eth2")};
        auto plan = net::planInterfaces(d, 1);
        CPPUNIT_ASSERT(guestNames(plan) == (Names{"eth1", "eth3", "eth0", "eth2"}));
    }

    void movedHostDevicesKeepTheirNames() {
        // a <hostdev type='net'> enters under its own name, which no interface may then take
        conf::DomainDef d;
        d.hostdevs = {{conf::HostdevCapsType::Storage, "/dev/sdb"},
                      {conf::HostdevCapsType::Net, "eth0"}};
        d.interfaces = {iface(NetType::Ethernet), iface(NetType::Ethernet)};
        auto plan = net::planInterfaces(d, 1);
        CPPUNIT_ASSERT(guestNames(plan) == (Names{"eth1", "eth2"}));
    }

    void pciPassthroughIsRefused() {
        conf::DomainDef d;
        d.interfaces = {iface(NetType::Ethernet), iface(NetType::Hostdev)};
        try {
            net::planInterfaces(d, 1);
            CPPUNIT_FAIL("an <interface type='hostdev'> was planned");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::ConfigUnsupported);
            CPPUNIT_ASSERT_EQUAL(std::string("<interface type='hostdev'> (PCI passthrough) is not "
                                             "supported for containers; use <hostdev "
                                             "mode='capabilities' type='net'>"),
                                 std::string(e.what()));
        }
    }

    void noInterfacesNoPlan() {
        conf::DomainDef d;
        d.hostdevs = {{conf::HostdevCapsType::Net, "eth0"}};
        CPPUNIT_ASSERT(net::planInterfaces(d, 1).empty());
    }

    void ipv4DefaultPrefixIsTheClasss() {
        // class A up to 127, B up to 191, C above (libvirt's classful rule)
        for (const char* a : {"0.0.0.1", "10.1.2.3", "127.0.0.1"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(a, 8u, net::defaultPrefix(a));
        for (const char* a : {"128.0.0.1", "172.16.5.4", "191.255.255.254"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(a, 16u, net::defaultPrefix(a));
        for (const char* a : {"192.0.0.1", "192.168.122.10", "223.255.255.1"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(a, 24u, net::defaultPrefix(a));
    }

    void ipv6DefaultPrefixIs64() {
        for (const char* a : {"fd00::1", "2001:db8::42", "fe80::1", "::ffff:10.0.0.1"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(a, 64u, net::defaultPrefix(a));
    }

    // issue 17: <route address='0.0.0.0' gateway=…/> is the default route, not a /32
    void routeDefaultPrefixIsLibvirts() {
        for (const char* a : {"0.0.0.0", "::", "0:0::0"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(a, 0u, net::defaultRoutePrefix(a));
        CPPUNIT_ASSERT_EQUAL(8u, net::defaultRoutePrefix("10.0.0.0"));
        CPPUNIT_ASSERT_EQUAL(16u, net::defaultRoutePrefix("172.16.0.0"));
        CPPUNIT_ASSERT_EQUAL(24u, net::defaultRoutePrefix("192.168.124.0"));
        CPPUNIT_ASSERT_EQUAL(64u, net::defaultRoutePrefix("2001:db8:1::"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(InterfacesTest);
