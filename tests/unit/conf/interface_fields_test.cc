// SPDX-License-Identifier: GPL-3.0-or-later
// Every <source> field of every interface type (and of filesystem and disk types), both ways: a
// field the type uses is written back by formatDomain and parses to the same model; a field only
// another type uses is refused with an error naming it (issue 15: an ethernet interface with a PCI
// source address was accepted, stored and dropped by dumpxml, so parse(format(d)) != d).
#include <cppunit/extensions/HelperMacros.h>

#include <map>
#include <set>
#include <vector>

#include "conf/domain.h"
#include "cvirt/error.h"

using namespace cvirt;

namespace {

// The text of each field inside <source>.
const std::map<std::string, std::string> kField = {
    {"bridge", " bridge='br0'"},
    {"network", " network='default'"},
    {"dev", " dev='eth5'"},
    {"mode", " mode='bridge'"},
    {"address", "<address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"},
};

// What each type uses, as libvirt's formatdomain.rst gives it.
const std::map<std::string, std::set<std::string>> kUses = {
    {"bridge", {"bridge"}},   {"network", {"network"}}, {"direct", {"dev", "mode"}},
    {"hostdev", {"address"}}, {"ethernet", {"dev"}},
};

std::string domainWith(const std::string& type, const std::set<std::string>& fields) {
    std::string attrs, children;
    for (const auto& f : fields)
        (f == "address" ? children : attrs) += kField.at(f);
    return "<domain type='lxc'><name>t</name><memory unit='MiB'>64</memory><os><type>exe</type>"
           "<init>/bin/sh</init></os><devices><filesystem type='mount'><source dir='/srv'/>"
           "<target dir='/'/></filesystem><interface type='" +
           type + "'><source" + attrs + (children.empty() ? "/>" : ">" + children + "</source>") +
           "</interface></devices></domain>";
}

}  // namespace

class InterfaceFieldsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(InterfaceFieldsTest);
    CPPUNIT_TEST(usedFieldsRoundTrip);
    CPPUNIT_TEST(foreignFieldsAreRefused);
    CPPUNIT_TEST(filesystemAndDiskFieldsArePerType);
    CPPUNIT_TEST_SUITE_END();

public:
    void usedFieldsRoundTrip() {
        for (const auto& [type, uses] : kUses) {
            std::string xml = domainWith(type, uses);
            conf::DomainDef def;
            try {
                def = conf::parseDomain(xml, {.filename = type});
            } catch (const Error& e) {
                CPPUNIT_FAIL(type + ": " + e.what());
            }
            conf::applyDefaults(def);
            std::string out = conf::formatDomain(def);
            for (const auto& f : uses) {
                std::string needle = f == "address" ? "<address" : " " + f + "=";
                CPPUNIT_ASSERT_MESSAGE(type + " dropped " + f + ":\n" + out,
                                       out.find(needle) != std::string::npos);
            }
            conf::DomainDef again = conf::parseDomain(out, {.filename = type});
            conf::applyDefaults(again);
            CPPUNIT_ASSERT_MESSAGE(type + ": parse(format(d)) != d", again == def);
        }
    }

    void foreignFieldsAreRefused() {
        int refused = 0;
        for (const auto& [type, uses] : kUses) {
            for (const auto& [field, text] : kField) {
                if (uses.count(field)) continue;
                std::set<std::string> fields = uses;
                fields.insert(field);
                try {
                    conf::parseDomain(domainWith(type, fields), {.filename = type});
                    CPPUNIT_FAIL("interface type '" + type + "' accepted source " + field);
                } catch (const Error& e) {
                    std::string what = e.what();
                    CPPUNIT_ASSERT_MESSAGE(what, what.find("source") != std::string::npos);
                    ++refused;
                }
            }
        }
        CPPUNIT_ASSERT_EQUAL(5 * 5 - 6, refused);
    }

    // The same rule for <filesystem> and <disk>: a source field of another type is refused.
    void filesystemAndDiskFieldsArePerType() {
        const std::map<std::string, std::string> fsUses = {
            {"mount", " dir='/srv'"}, {"bind", " dir='/srv'"},  {"block", " dev='/dev/sdz'"},
            {"file", " file='/img'"}, {"ram", " usage='1024'"},
        };
        const std::vector<std::string> fsFields = {" dir='/x'", " dev='/dev/x'", " file='/x'",
                                                   " usage='1'"};
        int refused = 0;
        for (const auto& [type, own] : fsUses) {
            auto xml = [&, type = type](const std::string& source) {
                return "<domain type='lxc'><name>t</name><memory unit='MiB'>64</memory><os>"
                       "<type>exe</type><init>/bin/sh</init></os><devices><filesystem "
                       "type='mount'><source dir='/srv'/><target dir='/'/></filesystem>"
                       "<filesystem type='" +
                       type + "'><source" + source +
                       "/><target dir='/data'/></filesystem></devices></domain>";
            };
            conf::DomainDef def = conf::parseDomain(xml(own), {.filename = type});
            conf::applyDefaults(def);
            conf::DomainDef again = conf::parseDomain(conf::formatDomain(def), {.filename = type});
            conf::applyDefaults(again);
            CPPUNIT_ASSERT_MESSAGE(type + ": parse(format(d)) != d", again == def);
            for (const auto& f : fsFields) {
                std::string name = f.substr(1, f.find('=') - 1);
                if (own.find(" " + name + "=") != std::string::npos) continue;
                try {
                    conf::parseDomain(xml(own + f), {.filename = type});
                    CPPUNIT_FAIL("filesystem type '" + type + "' accepted source " + name);
                } catch (const Error&) {
                    ++refused;
                }
            }
        }
        CPPUNIT_ASSERT_EQUAL(5 * 4 - 5, refused);
        for (const std::string type : {"file", "block"}) {
            std::string foreign = type == "file" ? " dev='/dev/sdz'" : " file='/img'";
            std::string own = type == "file" ? " file='/img'" : " dev='/dev/sdz'";
            std::string xml =
                "<domain type='qemu'><name>v</name><memory unit='MiB'>64</memory>"
                "<os><type>hvm</type></os><devices><disk type='" +
                type + "' device='disk'><source" + own + foreign +
                "/><target dev='vda' bus='virtio'/></disk></devices></domain>";
            try {
                conf::parseDomain(xml, {.filename = type});
                CPPUNIT_FAIL("disk type '" + type + "' accepted a foreign source field");
            } catch (const Error& e) {
                CPPUNIT_ASSERT_MESSAGE(
                    e.what(), std::string(e.what()).find("has no source") != std::string::npos);
            }
        }
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(InterfaceFieldsTest);
