// Virtual network XML: parse, defaults, format, and the checks the schema cannot state.
#include <cppunit/extensions/HelperMacros.h>

#include "conf/network.h"
#include "cvirt/error.h"

using namespace cvirt;
using namespace cvirt::conf;

class NetworkXmlTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NetworkXmlTest);
    CPPUNIT_TEST(roundTrip);
    CPPUNIT_TEST(netmaskAndDefaults);
    CPPUNIT_TEST(badDocuments);
    CPPUNIT_TEST_SUITE_END();

    const std::string full =
        "<network>\n"
        "  <name>default</name>\n"
        "  <uuid>0d2b8b1a-6f1c-4c55-9b7e-3e1f2a9c0b11</uuid>\n"
        "  <forward mode='nat'/>\n"
        "  <bridge name='cvtbr0' stp='on' delay='0'/>\n"
        "  <mac address='52:54:00:12:34:56'/>\n"
        "  <ip address='192.168.122.1' prefix='24'>\n"
        "    <dhcp>\n"
        "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
        "      <host mac='52:54:00:00:00:01' name='web' ip='192.168.122.10'/>\n"
        "    </dhcp>\n"
        "  </ip>\n"
        "</network>\n";

public:
    void roundTrip() {
        NetworkDef def = parseNetwork(full, "default.xml");
        validateNetwork(def);
        CPPUNIT_ASSERT_EQUAL(full, formatNetwork(def));
        CPPUNIT_ASSERT(parseNetwork(formatNetwork(def)) == def);
        CPPUNIT_ASSERT(def.forward == ForwardMode::Nat);
        CPPUNIT_ASSERT_EQUAL(size_t(1), def.ips[0].hosts.size());
    }
    void netmaskAndDefaults() {
        NetworkDef def = parseNetwork(
            "<network><name>iso</name><ip address='10.0.0.1' netmask='255.255.0.0'/></network>");
        CPPUNIT_ASSERT_EQUAL(16u, def.ips[0].prefix);
        CPPUNIT_ASSERT(def.forward == ForwardMode::None);
        applyNetworkDefaults(def, {"cvtbr0", "cvtbr1"});
        CPPUNIT_ASSERT_EQUAL(std::string("cvtbr2"), def.bridge);
        CPPUNIT_ASSERT(def.uuid.has_value());
        CPPUNIT_ASSERT(def.mac.starts_with("52:54:00:"));
    }
    void badDocuments() {
        auto refused = [](const std::string& xml, const std::string& fragment) {
            try {
                NetworkDef d = parseNetwork(xml, "n.xml");
                validateNetwork(d, "n.xml");
            } catch (const Error& e) {
                CPPUNIT_ASSERT_MESSAGE(e.what(),
                                       std::string(e.what()).find(fragment) != std::string::npos);
                return;
            }
            CPPUNIT_FAIL("accepted: " + xml);
        };
        refused("<network><name>n</name><forward mode='bridge'/></network>", "n.xml");
        refused("<network><name>n</name><ip address='10.0.0.1' netmask='255.0.255.0'/></network>",
                "invalid netmask '255.0.255.0'");
        refused("<network><name>n</name><ip address='10.0.0.300' prefix='24'/></network>",
                "invalid address '10.0.0.300'");
        refused(
            "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp><range "
            "start='10.0.1.2' end='10.0.1.9'/></dhcp></ip></network>",
            "address '10.0.1.2' is outside 10.0.0.1/24");
        refused(
            "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp><range "
            "start='10.0.0.9' end='10.0.0.2'/></dhcp></ip></network>",
            "start '10.0.0.9' is after end '10.0.0.2'");
        refused(
            "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp><host "
            "mac='52:54:00:00:00:01' ip='10.0.0.5'/><host mac='52:54:00:00:00:01' "
            "ip='10.0.0.6'/></dhcp></ip></network>",
            "MAC address '52:54:00:00:00:01' appears twice");
        refused("<network><name>n/x</name></network>", "n.xml");
        refused("<network><name>n</name><bridge name='averyveryverylongbridgename'/></network>",
                "n.xml");
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(NetworkXmlTest);
