// SPDX-License-Identifier: GPL-3.0-or-later
// Networking in a network namespace of the test's own: bridges, dummies and every host end
// live there and vanish with the test process; nothing touches the host's interfaces.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "cvirt/connection.h"
#include "net/netlink.h"
#include "net/nftables.h"
#include "net/virtual_network.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"
#include "util/fd.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainersInOwnNetns();
}

namespace {
std::string bridgeIface(const std::string& bridge, const std::string& ip,
                        const std::string& extra = {}) {
    return "<interface type='bridge'><source bridge='" + bridge + "'/><ip address='" + ip +
           "' prefix='24'/>" + extra + "</interface>";
}
}  // namespace

class NetworkTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(NetworkTest);
    CPPUNIT_TEST(twoContainersOnABridgePing);
    CPPUNIT_TEST(ethernetReachesItsHostEnd);
    CPPUNIT_TEST(restartRightAfterDestroyKeepsItsName);
    CPPUNIT_TEST(addressesAndRoutesInsideMatchTheXml);
    CPPUNIT_TEST(macvlanOnADummyParent);
    CPPUNIT_TEST(movedDeviceComesBack);
    CPPUNIT_TEST(ethernetHostEndGetsItsSourceAddressesAndRoutes);
    CPPUNIT_TEST(movedDeviceGetsItsAddressesAndRoutes);
    CPPUNIT_TEST(linkDownCutsTheCarrier);
    CPPUNIT_TEST(controllerKillLeavesNoVeth);
    CPPUNIT_TEST(badInputCreatesNothing);
    CPPUNIT_TEST(dhcpLeaseFromAnIsolatedNetwork);
    CPPUNIT_TEST(natRulesComeAndGoWithTheNetwork);
    CPPUNIT_TEST(namesAlikeKeepTheirOwnTables);
    CPPUNIT_TEST(networkBadInput);
    CPPUNIT_TEST(hotAttachAndDetach);
    CPPUNIT_TEST(shellNetworkCommands);
    CPPUNIT_TEST_SUITE_END();

    RunResult sh(std::vector<std::string> args) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }

    Network defineNetwork(const std::string& name, const std::string& bridge,
                          const std::string& subnet, const std::string& extra) {
        return conn_->defineNetwork("<network><name>" + name + "</name>" + extra +
                                        "<bridge name='" + bridge + "'/><ip address='" + subnet +
                                        ".1' prefix='24'><dhcp><range start='" + subnet +
                                        ".100' end='" + subnet + ".150'/></dhcp></ip></network>",
                                    name + ".xml");
    }

    Domain define(const std::string& name, const std::string& devices,
                  const std::string& init = "sleep 1000") {
        return conn_->define(containerXml(name, {.initargs = {"-c", init}, .devices = devices}),
                             name + ".xml");
    }
    // Names of the network devices in the test's namespace.
    std::vector<std::string> links() {
        std::vector<std::string> out;
        for (const auto& l : net::Netlink::open().links())
            out.push_back(l.name);
        return out;
    }
    bool linkExists(const std::string& name) { return net::Netlink::open().exists(name); }
    // A stand-alone device to use as a parent or to move: a dummy, or where the kernel has
    // no dummy driver (this machine's), one end of a veth pair whose other end stays here.
    void makeDevice(const std::string& name) {
        net::Netlink nl = net::Netlink::open();
        try {
            nl.createDummy(name);
        } catch (const Error&) {
            nl.createVeth(name, name + "p", ::getpid());
        }
        nl.changeLink(name, {.up = true});
    }

public:
    void setUp() override {
        ContainerFixture::setUp();
        net::Netlink nl = net::Netlink::open();
        nl.createBridge("cvtbr0");
        nl.changeLink("cvtbr0", {.up = true});
    }
    void tearDown() override {
        ContainerFixture::tearDown();
        net::Netlink nl = net::Netlink::open();
        for (const auto& l : links())
            if (l.starts_with("cvt")) nl.deleteLink(l);
    }

    void twoContainersOnABridgePing() {
        Domain a = define("cvirt-test-neta", bridgeIface("cvtbr0", "10.77.0.2"));
        Domain b = define("cvirt-test-netb", bridgeIface("cvtbr0", "10.77.0.3"));
        a.start();
        b.start();
        std::string out = run(a, {"ping", "-c", "1", "-W", "5", "10.77.0.3"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "1 packets received"));
        out = run(b, {"ping", "-c", "1", "-W", "5", "10.77.0.2"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "1 packets received"));
        // both host ends sit on the bridge
        int enslaved = 0;
        for (const auto& l : net::Netlink::open().links())
            enslaved += l.master == "cvtbr0";
        CPPUNIT_ASSERT_EQUAL(2, enslaved);
    }

    void ethernetReachesItsHostEnd() {
        Domain d = define("cvirt-test-eth",
                          "<interface type='ethernet'><target dev='cvtveth1'/><ip "
                          "address='10.78.0.2' prefix='24'/></interface>");
        d.start();
        net::Netlink nl = net::Netlink::open();
        CPPUNIT_ASSERT(nl.link("cvtveth1")->up);
        nl.addAddress("cvtveth1", "10.78.0.1", 24);
        std::string out = run(d, {"ping", "-c", "1", "-W", "5", "10.78.0.1"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "1 packets received"));
        DomainStats st = d.stats();
        CPPUNIT_ASSERT_EQUAL(size_t(1), st.interfaces.size());
        CPPUNIT_ASSERT_EQUAL(std::string("cvtveth1"), st.interfaces[0].name);
        CPPUNIT_ASSERT(st.interfaces[0].txPackets >= 1);  // the container sent the ping
        d.destroy();
        CPPUNIT_ASSERT(waitUntil([&] { return !linkExists("cvtveth1"); }));
    }

    // destroy frees a host end's name at once (the link is retired under a cvtgc name and
    // deleted off destroy's path): a start right after a destroy, with the same fixed name,
    // never finds it taken; the retired links are all gone soon after.
    void restartRightAfterDestroyKeepsItsName() {
        Domain d = define("cvirt-test-again",
                          "<interface type='bridge'><source bridge='cvtbr0'/>"
                          "<target dev='cvtagain0'/></interface>");
        net::Netlink nl = net::Netlink::open();
        for (int i = 0; i < 10; ++i) {
            d.start();
            CPPUNIT_ASSERT(nl.link("cvtagain0")->up);
            d.destroy();
            CPPUNIT_ASSERT(!linkExists("cvtagain0"));
        }
        CPPUNIT_ASSERT(waitUntil([&] {
            for (const auto& l : links())
                if (l.rfind("cvtgc", 0) == 0) return false;
            return true;
        }));
    }

    void addressesAndRoutesInsideMatchTheXml() {
        Domain d = define(
            "cvirt-test-addr",
            "<interface type='bridge'><mac address='52:54:00:aa:bb:01'/><source "
            "bridge='cvtbr0'/><ip address='10.79.0.2' prefix='24'/><ip family='ipv6' "
            "address='fd00:79::2' prefix='64'/><route address='10.98.0.0' prefix='16' "
            "gateway='10.79.0.1'/><route address='0.0.0.0' prefix='0' gateway='10.79.0.254'/>"
            "<guest dev='lan0'/><mtu size='1400'/></interface>");
        d.start();
        auto addrs = d.interfaceAddresses();
        CPPUNIT_ASSERT_EQUAL(size_t(2), addrs.size());
        CPPUNIT_ASSERT_EQUAL(std::string("lan0"), addrs[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("52:54:00:aa:bb:01"), addrs[0].mac);
        bool v4 = false, v6 = false;
        for (const auto& a : addrs) {
            v4 |= a.family == "ipv4" && a.address == "10.79.0.2" && a.prefix == 24;
            v6 |= a.family == "ipv6" && a.address == "fd00:79::2" && a.prefix == 64;
        }
        CPPUNIT_ASSERT(v4 && v6);
        std::string routes = run(d, {"ip", "route"});
        CPPUNIT_ASSERT_MESSAGE(routes, has(routes, "10.98.0.0/16 via 10.79.0.1 dev lan0"));
        CPPUNIT_ASSERT_MESSAGE(routes, has(routes, "default via 10.79.0.254 dev lan0"));
        std::string link = run(d, {"ip", "link", "show", "lan0"});
        CPPUNIT_ASSERT_MESSAGE(link, has(link, "mtu 1400") && has(link, "52:54:00:aa:bb:01"));
        // the live XML names both ends
        auto ifs = d.interfaces();
        CPPUNIT_ASSERT_EQUAL(std::string("lan0"), ifs[0].guestDev);
        CPPUNIT_ASSERT(ifs[0].hostDev.starts_with("cvt"));
        CPPUNIT_ASSERT(linkExists(ifs[0].hostDev));
    }

    void macvlanOnADummyParent() {
        makeDevice("cvtdum0");
        Domain d = define("cvirt-test-macvlan",
                          "<interface type='direct'><mac address='52:54:00:aa:bb:02'/><source "
                          "dev='cvtdum0' mode='bridge'/><ip address='10.80.0.2' "
                          "prefix='24'/></interface>");
        d.start();
        std::string link = run(d, {"ip", "link", "show", "eth0"});
        CPPUNIT_ASSERT_MESSAGE(link, has(link, "52:54:00:aa:bb:02"));
        util::Fd ns(::open(("/proc/" + std::to_string(d.initPid()) + "/ns/net").c_str(),
                           O_RDONLY | O_CLOEXEC));
        auto inside = net::Netlink::openIn(ns.get()).link("eth0");
        CPPUNIT_ASSERT(inside);
        CPPUNIT_ASSERT_EQUAL(std::string("macvlan"), inside->kind);
        size_t before = links().size();
        d.destroy();
        CPPUNIT_ASSERT(linkExists("cvtdum0"));  // the parent stays
        CPPUNIT_ASSERT_EQUAL(before, links().size());
    }

    void movedDeviceComesBack() {
        makeDevice("cvtmove0");
        Domain d = define("cvirt-test-move",
                          "<hostdev mode='capabilities' type='net'><source>"
                          "<interface>cvtmove0</interface></source></hostdev>");
        d.start();
        CPPUNIT_ASSERT(!linkExists("cvtmove0"));  // inside now
        std::string link = run(d, {"ip", "link", "show", "cvtmove0"});
        CPPUNIT_ASSERT_MESSAGE(link, has(link, "cvtmove0"));
        d.destroy();
        CPPUNIT_ASSERT(linkExists("cvtmove0"));  // handed back before the namespace went
    }

    // libvirt's host side of an ethernet interface (<source><ip peer=…>, <source><route>):
    // the host end gets the address with its peer and the routes; everything lives in the
    // test's namespace and goes with the veth.
    void ethernetHostEndGetsItsSourceAddressesAndRoutes() {
        Domain d =
            define("cvirt-test-hostip",
                   "<interface type='ethernet'><source>"
                   "<ip address='192.0.2.1' family='ipv4' prefix='32' peer='192.0.2.21'/>"
                   "<ip address='2001:db8:21::1' prefix='64'/>"
                   "<route family='ipv4' address='198.51.100.0' prefix='24' gateway='192.0.2.21'/>"
                   "</source><ip address='192.0.2.21' prefix='32' peer='192.0.2.1'/>"
                   "<ip address='2001:db8:21::21' prefix='64'/>"
                   "<route address='0.0.0.0' gateway='192.0.2.1'/>"
                   "<target dev='cvtveth21'/></interface>");
        d.start();
        RunResult addr = testenv::run({"/usr/sbin/ip", "addr", "show", "dev", "cvtveth21"});
        CPPUNIT_ASSERT_MESSAGE(addr.out, has(addr.out, "inet 192.0.2.1 peer 192.0.2.21/32"));
        CPPUNIT_ASSERT_MESSAGE(addr.out, has(addr.out, "inet6 2001:db8:21::1/64"));
        RunResult routes = testenv::run({"/usr/sbin/ip", "route", "show", "dev", "cvtveth21"});
        CPPUNIT_ASSERT_MESSAGE(routes.out, has(routes.out, "192.0.2.21 proto kernel"));
        CPPUNIT_ASSERT_MESSAGE(routes.out, has(routes.out, "198.51.100.0/24 via 192.0.2.21"));
        // both ways over the point-to-point pair
        std::string out = run(d, {"ping", "-c", "1", "-W", "5", "192.0.2.1"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "1 packets received"));
        RunResult ping = testenv::run({"/usr/bin/ping", "-c", "1", "-W", "5", "192.0.2.21"});
        CPPUNIT_ASSERT_MESSAGE(ping.out + ping.err, ping.status == 0);
        // the XML keeps the host side as written
        std::string xml = d.xml(false);
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml,
                                        "<ip address='192.0.2.1' family='ipv4' prefix='32' "
                                        "peer='192.0.2.21'/>"));
        d.destroy();
        CPPUNIT_ASSERT(waitUntil([&] { return !linkExists("cvtveth21"); }));
        routes = testenv::run({"/usr/sbin/ip", "route", "show"});
        CPPUNIT_ASSERT_MESSAGE(routes.out, !has(routes.out, "198.51.100.0"));
    }

    // <ip>/<route> on a <hostdev type='net'>: set on the device once it is inside.
    void movedDeviceGetsItsAddressesAndRoutes() {
        makeDevice("cvtmove1");
        Domain d = define("cvirt-test-moveip",
                          "<hostdev mode='capabilities' type='net'><source>"
                          "<interface>cvtmove1</interface></source>"
                          "<ip address='192.0.2.50' family='ipv4' prefix='24'/>"
                          "<ip address='2001:db8:50::50' family='ipv6' prefix='64'/>"
                          "<route family='ipv4' address='203.0.113.0' prefix='24' "
                          "gateway='192.0.2.254'/>"
                          "<route family='ipv6' address='::' gateway='2001:db8:50::1'/>"
                          "</hostdev>");
        d.start();
        std::string addr = run(d, {"ip", "addr", "show", "cvtmove1"});
        CPPUNIT_ASSERT_MESSAGE(addr, has(addr, "inet 192.0.2.50/24"));
        CPPUNIT_ASSERT_MESSAGE(addr, has(addr, "inet6 2001:db8:50::50/64"));
        std::string routes = run(d, {"ip", "route"});
        CPPUNIT_ASSERT_MESSAGE(routes, has(routes, "203.0.113.0/24 via 192.0.2.254 dev cvtmove1"));
        routes = run(d, {"ip", "-6", "route"});
        CPPUNIT_ASSERT_MESSAGE(routes, has(routes, "default via 2001:db8:50::1 dev cvtmove1"));
        d.destroy();
        CPPUNIT_ASSERT(linkExists("cvtmove1"));  // back on the host, its addresses gone with it
        RunResult back = testenv::run({"/usr/sbin/ip", "addr", "show", "dev", "cvtmove1"});
        CPPUNIT_ASSERT_MESSAGE(back.out, !has(back.out, "192.0.2.50"));
    }

    void linkDownCutsTheCarrier() {
        Domain d = define("cvirt-test-link", bridgeIface("cvtbr0", "10.81.0.2"));
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("1\n"), run(d, {"cat", "/sys/class/net/eth0/carrier"}));
        std::string host = d.interfaces()[0].hostDev;
        d.setInterfaceLink(host, false);
        CPPUNIT_ASSERT(waitUntil([&] {
            return execCapture(d, {"cat", "/sys/class/net/eth0/carrier"}).out == "0\n";
        }));
        CPPUNIT_ASSERT_EQUAL(std::string("down"), d.interfaces()[0].linkState);
        d.setInterfaceLink("eth0", true);
        CPPUNIT_ASSERT(waitUntil([&] {
            return execCapture(d, {"cat", "/sys/class/net/eth0/carrier"}).out == "1\n";
        }));
    }

    void controllerKillLeavesNoVeth() {
        Domain d = define("cvirt-test-netkill", bridgeIface("cvtbr0", "10.82.0.2"));
        d.start();
        std::string host = d.interfaces()[0].hostDev;
        CPPUNIT_ASSERT(linkExists(host));
        int controller = std::stoi(readText(runDir() / "cvirt-test-netkill.pid"));
        ::kill(controller, SIGKILL);
        CPPUNIT_ASSERT(waitUntil([&] { return !pidAlive(controller); }));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        CPPUNIT_ASSERT(waitUntil([&] { return !linkExists(host); }));
        d.start();  // the same names are free again
        CPPUNIT_ASSERT(linkExists(d.interfaces()[0].hostDev));
    }

    void badInputCreatesNothing() {
        size_t before = links().size();
        Domain d = define("cvirt-test-nobridge", bridgeIface("cvtnope", "10.83.0.2"));
        try {
            d.start();
            CPPUNIT_FAIL("started without its bridge");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "bridge 'cvtnope'"));
        }
        Domain m = define("cvirt-test-noparent",
                          "<interface type='direct'><source dev='cvtnoparent' "
                          "mode='bridge'/></interface>");
        try {
            m.start();
            CPPUNIT_FAIL("started without its parent device");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "'cvtnoparent' does not exist"));
        }
        CPPUNIT_ASSERT(waitUntil([&] { return links().size() == before; }));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        // refused at define: duplicate MAC, duplicate guest name, a bad address
        std::string mac = "<mac address='52:54:00:aa:bb:03'/>";
        CPPUNIT_ASSERT_THROW(
            define("cvirt-test-dupmac", bridgeIface("cvtbr0", "10.84.0.2", mac) +
                                            bridgeIface("cvtbr0", "10.84.0.3", mac)),
            Error);
        std::string guest = "<guest dev='eth7'/>";
        CPPUNIT_ASSERT_THROW(
            define("cvirt-test-dupguest", bridgeIface("cvtbr0", "10.84.0.2", guest) +
                                              bridgeIface("cvtbr0", "10.84.0.3", guest)),
            Error);
        CPPUNIT_ASSERT_THROW(define("cvirt-test-badip", bridgeIface("cvtbr0", "10.84.0.300")),
                             Error);
    }
    void dhcpLeaseFromAnIsolatedNetwork() {
        Network net = defineNetwork("cvirt-test-iso", "cvtbr5", "10.85.0", "");
        net.start();
        CPPUNIT_ASSERT(linkExists("cvtbr5"));
        CPPUNIT_ASSERT(net.summary().active);
        Domain d = define("cvirt-test-dhcp",
                          "<interface type='network'><mac "
                          "address='52:54:00:aa:bb:05'/><source "
                          "network='cvirt-test-iso'/></interface>");
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("cvtbr5"),
                             net::Netlink::open().link(d.interfaces()[0].hostDev)->master);
        std::string out = run(d, {"udhcpc", "-i", "eth0", "-n", "-q", "-s", "/bin/true"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "lease of 10.85.0."));
        auto leases = net.leases();
        CPPUNIT_ASSERT_EQUAL(size_t(1), leases.size());
        CPPUNIT_ASSERT_EQUAL(std::string("52:54:00:aa:bb:05"), leases[0].mac);
        CPPUNIT_ASSERT(leases[0].ip.starts_with("10.85.0.1"));
        CPPUNIT_ASSERT_EQUAL(24u, leases[0].prefix);
        // isolated: forwarding out of the bridge is dropped
        std::string rules = net::nftListTable("inet", net::nftTableName("cvirt-test-iso"));
        CPPUNIT_ASSERT_MESSAGE(rules, has(rules, "iifname \"cvtbr5\" drop"));
        d.destroy();
        net.destroy();
        CPPUNIT_ASSERT(!linkExists("cvtbr5"));
        CPPUNIT_ASSERT(net::nftListTable("inet", net::nftTableName("cvirt-test-iso")).empty());
        CPPUNIT_ASSERT(!net.summary().active);
        // an interface on a network that is not active does not start
        try {
            d.start();
            CPPUNIT_FAIL("started on an inactive network");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(),
                                   has(e.what(), "network 'cvirt-test-iso' is not active"));
        }
    }

    void natRulesComeAndGoWithTheNetwork() {
        Network net = defineNetwork("cvirt-test-nat", "cvtbr6", "10.86.0", "<forward mode='nat'/>");
        std::string table = net::nftTableName("cvirt-test-nat");
        CPPUNIT_ASSERT(net::nftListTable("inet", table).empty());
        net.start();
        std::string rules = net::nftListTable("inet", table);
        CPPUNIT_ASSERT_MESSAGE(
            rules, has(rules, "ip saddr 10.86.0.0/24 ip daddr != 10.86.0.0/24 masquerade"));
        CPPUNIT_ASSERT_MESSAGE(rules, has(rules, "iifname \"cvtbr6\" accept"));
        CPPUNIT_ASSERT_EQUAL(std::string("1\n"), readText("/proc/sys/net/ipv4/ip_forward"));
        // a container on it reaches the bridge's address
        Domain d = define("cvirt-test-natct",
                          "<interface type='network'><source "
                          "network='cvirt-test-nat'/><ip address='10.86.0.9' "
                          "prefix='24'/></interface>");
        d.start();
        std::string out = run(d, {"ping", "-c", "1", "-W", "5", "10.86.0.1"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "1 packets received"));
        d.destroy();
        CPPUNIT_ASSERT_THROW(net.start(), Error);  // already active
        net.destroy();
        CPPUNIT_ASSERT(net::nftListTable("inet", table).empty());
        CPPUNIT_ASSERT(!linkExists("cvtbr6"));
        net.undefine();
        CPPUNIT_ASSERT_THROW(conn_->lookupNetwork("cvirt-test-nat"), Error);
    }

    // Issue 14 finding 7: 'a-b' and 'a_b' once mapped to one table, and destroying one network
    // removed the other's isolation while it stayed active.
    void namesAlikeKeepTheirOwnTables() {
        Network dash = defineNetwork("cvirt-test-a-b", "cvtbr8", "10.91.0", "");
        Network under = defineNetwork("cvirt-test-a_b", "cvtbr9", "10.92.0", "");
        std::string dashTable = net::nftTableName("cvirt-test-a-b");
        std::string underTable = net::nftTableName("cvirt-test-a_b");
        CPPUNIT_ASSERT(dashTable != underTable);
        dash.start();
        under.start();
        dash.destroy();
        CPPUNIT_ASSERT(net::nftListTable("inet", dashTable).empty());
        std::string rules = net::nftListTable("inet", underTable);
        CPPUNIT_ASSERT_MESSAGE(rules, has(rules, "iifname \"cvtbr9\" drop"));
        CPPUNIT_ASSERT_MESSAGE(rules, has(rules, "oifname \"cvtbr9\" drop"));
        under.destroy();
        CPPUNIT_ASSERT(net::nftListTable("inet", underTable).empty());
        dash.undefine();
        under.undefine();
    }

    void networkBadInput() {
        // a range outside the subnet, a bridge name taken by another network, malformed XML
        CPPUNIT_ASSERT_THROW(
            conn_->defineNetwork("<network><name>cvirt-test-bad</name><ip address='10.87.0.1' "
                                 "prefix='24'><dhcp><range start='10.88.0.2' end='10.88.0.9'/>"
                                 "</dhcp></ip></network>"),
            Error);
        defineNetwork("cvirt-test-one", "cvtbr7", "10.87.0", "");
        try {
            defineNetwork("cvirt-test-two", "cvtbr7", "10.88.0", "");
            CPPUNIT_FAIL("two networks share a bridge");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(),
                                   has(e.what(), "bridge name 'cvtbr7' is already in use"));
        }
        CPPUNIT_ASSERT_THROW(conn_->defineNetwork("<network><name>x</name><forward "
                                                  "mode='bogus'/></network>"),
                             Error);
        // a bridge that exists already: start fails and leaves nothing of its own
        net::Netlink::open().createBridge("cvtbr7");
        CPPUNIT_ASSERT_THROW(conn_->lookupNetwork("cvirt-test-one").start(), Error);
        CPPUNIT_ASSERT(!conn_->lookupNetwork("cvirt-test-one").summary().active);
        CPPUNIT_ASSERT(net::nftListTable("inet", net::nftTableName("cvirt-test-one")).empty());
    }
    void hotAttachAndDetach() {
        Domain d = define("cvirt-test-hot", bridgeIface("cvtbr0", "10.89.0.2"));
        d.start();
        d.attachInterface(
            "<interface type='bridge'><mac address='52:54:00:aa:bb:09'/><source "
            "bridge='cvtbr0'/><ip address='10.89.1.2' prefix='24'/></interface>");
        auto ifs = d.interfaces();
        CPPUNIT_ASSERT_EQUAL(size_t(2), ifs.size());
        CPPUNIT_ASSERT_EQUAL(std::string("eth1"), ifs[1].guestDev);
        CPPUNIT_ASSERT(linkExists(ifs[1].hostDev));
        std::string inside = run(d, {"ip", "addr", "show", "eth1"});
        CPPUNIT_ASSERT_MESSAGE(inside,
                               has(inside, "52:54:00:aa:bb:09") && has(inside, "10.89.1.2/24"));
        // live only: the persistent definition has one interface
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.interfaces(true).size());
        // a duplicate MAC is refused and nothing is made
        CPPUNIT_ASSERT_THROW(d.attachInterface("<interface type='bridge'><mac "
                                               "address='52:54:00:aa:bb:09'/><source "
                                               "bridge='cvtbr0'/></interface>"),
                             Error);
        d.detachInterface("52:54:00:aa:bb:09");
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.interfaces().size());
        CPPUNIT_ASSERT(!linkExists(ifs[1].hostDev));
        CPPUNIT_ASSERT(execCapture(d, {"ip", "link", "show", "eth1"}).status != 0);
        // --config adds it to the next start
        d.attachInterface("<interface type='bridge'><source bridge='cvtbr0'/></interface>",
                          {.config = true});
        CPPUNIT_ASSERT_EQUAL(size_t(2), d.interfaces(true).size());
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.interfaces().size());
    }
    void shellNetworkCommands() {
        std::string file = (dir_->path() / "net.xml").string();
        {
            std::ofstream(file) << "<network><name>cvirt-test-shnet</name><bridge name='cvtbr4'/>"
                                   "<ip address='10.90.0.1' prefix='24'><dhcp><range "
                                   "start='10.90.0.100' end='10.90.0.100'/></dhcp></ip></network>";
        }
        CPPUNIT_ASSERT_EQUAL(std::string("Network cvirt-test-shnet defined from " + file + "\n\n"),
                             sh({"net-define", file}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("Network cvirt-test-shnet started\n\n"),
                             sh({"net-start", "cvirt-test-shnet"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string(" Name               State    Autostart   Persistent\n"
                                         "-----------------------------------------------------\n"
                                         " cvirt-test-shnet   active   no          yes\n\n"),
                             sh({"net-list"}).out);
        std::string info = sh({"net-info", "cvirt-test-shnet"}).out;
        CPPUNIT_ASSERT_MESSAGE(info, has(info,
                                         "Active:         yes\nPersistent:     yes\n"
                                         "Autostart:      no\nBridge:         cvtbr4\n"));
        Domain d = define("cvirt-test-shdhcp",
                          "<interface type='network'><mac "
                          "address='52:54:00:aa:bb:0a'/><source "
                          "network='cvirt-test-shnet'/></interface>");
        d.start();
        run(d, {"udhcpc", "-i", "eth0", "-n", "-q", "-s", "/bin/true"});
        std::string leases = sh({"net-dhcp-leases", "cvirt-test-shnet"}).out;
        CPPUNIT_ASSERT_MESSAGE(leases,
                               has(leases, "52:54:00:aa:bb:0a   ipv4       10.90.0.100/24"));
        // udhcpc ran with /bin/true as its script: the lease is taken, eth0 left unaddressed
        std::string ifaddr = sh({"domifaddr", "cvirt-test-shdhcp"}).out;
        CPPUNIT_ASSERT_MESSAGE(ifaddr, !has(ifaddr, "10.90.0.100"));
        RunResult r = sh({"net-start", "cvirt-test-shnet"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: network 'cvirt-test-shnet' is already active\n"),
                             r.err);
        d.destroy();
        CPPUNIT_ASSERT_EQUAL(std::string("Network cvirt-test-shnet destroyed\n\n"),
                             sh({"net-destroy", "cvirt-test-shnet"}).out);
        CPPUNIT_ASSERT(!linkExists("cvtbr4"));
        r = sh({"net-info", "cvirt-test-nosuch"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: failed to get network 'cvirt-test-nosuch'\n"),
                             r.err);
        // net-create: a transient network, running at once and gone once destroyed
        CPPUNIT_ASSERT_EQUAL(0, sh({"net-undefine", "cvirt-test-shnet"}).status);
        CPPUNIT_ASSERT_EQUAL(std::string("Network cvirt-test-shnet created from " + file + "\n\n"),
                             sh({"net-create", file}).out);
        CPPUNIT_ASSERT(linkExists("cvtbr4"));
        std::string list = sh({"net-list", "--all"}).out;
        CPPUNIT_ASSERT_MESSAGE(list, has(list, " cvirt-test-shnet   active   no          no\n"));
        r = sh({"net-undefine", "cvirt-test-shnet"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: cannot undefine transient network\n"), r.err);
        CPPUNIT_ASSERT_EQUAL(std::string("Network cvirt-test-shnet destroyed\n\n"),
                             sh({"net-destroy", "cvirt-test-shnet"}).out);
        CPPUNIT_ASSERT(!linkExists("cvtbr4"));
        CPPUNIT_ASSERT_THROW(conn_->lookupNetwork("cvirt-test-shnet"), Error);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(NetworkTest);
