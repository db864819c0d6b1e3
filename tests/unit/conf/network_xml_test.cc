// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual network XML: parse, defaults, format, and the checks the schema cannot state.
#include <cppunit/extensions/HelperMacros.h>

#include "conf/network.h"
#include "cvirt/error.h"

#include <cctype>
#include <set>

using namespace cvirt;
using namespace cvirt::conf;

class NetworkXmlTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(NetworkXmlTest);
    CPPUNIT_TEST(roundTrip);
    CPPUNIT_TEST(netmaskAndDefaults);
    CPPUNIT_TEST(badDocuments);
    CPPUNIT_TEST(tableNamesAreOnePerName);
    CPPUNIT_TEST(valuesFitTheFilesTheyGoTo);
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
    // Issue 14 finding 7: names differing only in non-alphanumerics shared one nft table.
    void tableNamesAreOnePerName() {
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt_a_2db"), networkTableName("a-b"));
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt_a__b"), networkTableName("a_b"));
        std::set<std::string> tables;
        const char* names[] = {"a-b",   "a_b",   "a.b", "a b",      "a__b",
                               "a_2db", "a_5fb", "ab",  "a\xc3\xa9"};
        for (const char* n : names)
            CPPUNIT_ASSERT_MESSAGE(n, tables.insert(networkTableName(n)).second);
        for (const std::string& t : tables)
            for (char c : t)
                CPPUNIT_ASSERT_MESSAGE(t, std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        // a name whose table nft could not hold is refused at define, with the limit
        NetworkDef long_ =
            parseNetwork("<network><name>" + std::string(100, '-') + "</name></network>");
        try {
            validateNetwork(long_, "n.xml");
            CPPUNIT_FAIL("a name with a 306-byte table name was accepted");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("n.xml: <name>: network name is 100 bytes long: its "
                                             "nftables table name would be 306 bytes (at most "
                                             "255)"),
                                 std::string(e.what()));
        }
    }
    // Issue 14 finding 15: a newline in a DHCP host name injected lines into dnsmasq's hosts
    // file. Each value is checked for the format it is written in.
    void valuesFitTheFilesTheyGoTo() {
        auto error = [](const std::string& xml, bool schema = true) {
            try {
                NetworkDef d = parseNetwork(xml, "n.xml", schema);
                validateNetwork(d, "n.xml");
            } catch (const Error& e) {
                return std::string(e.what());
            }
            return std::string("accepted");
        };
        auto host = [](const std::string& attrs) {
            return "<network><name>n</name><ip address='10.0.0.1' prefix='24'><dhcp><host " +
                   attrs + " ip='10.0.0.5'/></dhcp></ip></network>";
        };
        CPPUNIT_ASSERT_EQUAL(
            std::string("n.xml:1: <host>: attribute 'name' contains a control character "
                        "(U+000A)"),
            error(host("mac='52:54:00:00:00:01' name='web&#10;dhcp-range=10.0.0.2,10.0.0.9'")));
        CPPUNIT_ASSERT_EQUAL(std::string("n.xml: <host>: host name 'web,ignore' may hold only "
                                         "letters, digits, '-' and '.'"),
                             error(host("mac='52:54:00:00:00:01' name='web,ignore'")));
        CPPUNIT_ASSERT_EQUAL(std::string("n.xml: <host>: host name '" + std::string(64, 'a') +
                                         "' has a label of 64 characters (1 to 63)"),
                             error(host("name='" + std::string(64, 'a') + "'")));
        // (the schema refuses a malformed MAC first; validateNetwork for stored files)
        CPPUNIT_ASSERT(error(host("mac='52:54:00:00:00' name='web'")).find("'mac'") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("accepted"),
                             error(host("mac='52:54:00:00:00:01' name='web-1.example.org'")));
        // the forward dev and the bridge are quoted in nft rules (the schema allows neither
        // quote; a stored file is read without it)
        CPPUNIT_ASSERT_EQUAL(std::string("n.xml: <forward>: dev 'eth0\"' must not contain '\"', "
                                         "'\\' or control characters"),
                             error("<network><name>n</name><forward mode='nat' "
                                   "dev='eth0&quot;'/></network>",
                                   false));
        CPPUNIT_ASSERT_EQUAL(std::string("n.xml: <host>: host name 'a b' may hold only letters, "
                                         "digits, '-' and '.'"),
                             error(host("name='a b'"), false));
        // the name goes into file names and the generated config's comment line
        CPPUNIT_ASSERT_EQUAL(
            std::string("n.xml:1: <name>: text contains a control character (U+0085)"),
            error("<network><name>a\u0085b</name></network>"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("n.xml:1: <name>: text contains a bidirectional override (U+202E)"),
            error("<network><name>a\u202eb</name></network>"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(NetworkXmlTest);
