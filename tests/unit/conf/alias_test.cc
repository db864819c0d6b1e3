// SPDX-License-Identifier: GPL-3.0-or-later
// <alias name='…'/> on every device kind (issue 17): user aliases (ua-…) and the names of
// libvirt's live XML (fs0, net0, …) are kept through define and dumpxml; an alias names one
// device of the domain; an error names the element that is wrong (an <alias> in <console>
// was reported as a bad <target>).
#include <cppunit/extensions/HelperMacros.h>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "support/test_util.h"

using namespace cvirt;

namespace {

std::string containerWith(const std::string& devices) {
    return "<domain type='lxc'><name>t</name><memory unit='MiB'>64</memory><os><type>exe</type>"
           "<init>/bin/sh</init></os><devices><filesystem type='mount'><source dir='/srv'/>"
           "<target dir='/'/></filesystem>" +
           devices + "</devices></domain>";
}

std::string refusal(const std::string& xml) {
    try {
        conf::loadDomain(xml, {.filename = "a.xml"});
    } catch (const Error& e) {
        CPPUNIT_ASSERT(e.code() == ErrorCode::XmlError);
        return e.what();
    }
    return {};
}

}  // namespace

class AliasTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(AliasTest);
    CPPUNIT_TEST(everyDeviceKindKeepsItsAlias);
    CPPUNIT_TEST(eachKindRoundTrips);
    CPPUNIT_TEST(errorsNameTheAlias);
    CPPUNIT_TEST(aliasesAreUnique);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyDeviceKindKeepsItsAlias() {
        auto def = conf::loadDomain(
            testenv::readText(testenv::sourceDir() / "tests/data/domain/good/devices-aliases.xml"),
            {.filename = "devices-aliases.xml"});
        CPPUNIT_ASSERT_EQUAL(std::string("fs0"), def.filesystems.at(0).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("ua-scratch"), def.filesystems.at(1).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("net0"), def.interfaces.at(0).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("ua-backend.net"), def.interfaces.at(1).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("ua-console"), def.consoles.at(0).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("hostdev0"), def.hostdevs.at(0).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("ua-disk_1"), def.hostdevs.at(1).alias);
        std::string out = conf::formatDomain(def);
        // written last inside each device, as libvirt does
        CPPUNIT_ASSERT(out.find("<target type='lxc' port='0'/>\n      <alias name='ua-console'/>\n"
                                "    </console>") != std::string::npos);
        CPPUNIT_ASSERT(out.find("</source>\n      <alias name='hostdev0'/>\n    </hostdev>") !=
                       std::string::npos);

        auto vm = conf::loadDomain(
            testenv::readText(testenv::sourceDir() / "tests/data/domain/good/qemu-aliases.xml"),
            {.filename = "qemu-aliases.xml"});
        CPPUNIT_ASSERT_EQUAL(std::string("ua-root"), vm.disks.at(0).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("serial0"), vm.serials.at(0).alias);
        CPPUNIT_ASSERT_EQUAL(std::string("serial0"), vm.consoles.at(0).alias);
    }

    // One device of each kind at a time: the alias is written back and parses the same.
    void eachKindRoundTrips() {
        const std::string alias = "<alias name='ua-x'/>";
        for (const std::string& device :
             {"<filesystem type='bind'><source dir='/a'/><target dir='/b'/>" + alias +
                  "</filesystem>",
              "<interface type='ethernet'>" + alias + "</interface>",
              "<console type='pty'>" + alias + "</console>",
              "<hostdev mode='capabilities' type='net'>" + alias +
                  "<source><interface>eth9</interface></source></hostdev>"}) {
            conf::DomainDef def = conf::loadDomain(containerWith(device), {});
            std::string out = conf::formatDomain(def);
            CPPUNIT_ASSERT_MESSAGE(device, out.find(alias) != std::string::npos);
            conf::DomainDef again = conf::parseDomain(out, {});
            conf::applyDefaults(again);
            CPPUNIT_ASSERT_MESSAGE(device, again == def);
            // and an alias that differs is a different device
            std::string other = out;
            other.replace(other.find("ua-x"), 4, "ua-y");
            conf::DomainDef changed = conf::parseDomain(other, {});
            conf::applyDefaults(changed);
            CPPUNIT_ASSERT_MESSAGE(device, !(changed == def));
        }
    }

    void errorsNameTheAlias() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("a.xml:1: <alias>: invalid alias name 'a b' (letters, digits, '_', '-' "
                        "and '.')"),
            refusal(containerWith(
                "<console type='pty'><target type='lxc'/><alias name='a b'/></console>")));
        CPPUNIT_ASSERT(refusal(containerWith("<console type='pty'><target type='lxc'/>"
                                             "<alias name='c0'/><log file='/l'/></console>"))
                           .find("<log>") != std::string::npos);
        CPPUNIT_ASSERT(refusal(containerWith("<interface type='network'><source "
                                             "network='default'/><alias name='a'/><alias "
                                             "name='b'/></interface>"))
                           .find("<alias>: element appears twice") != std::string::npos);
    }

    void aliasesAreUnique() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("a.xml: <alias>: alias 'ua-a' names two devices (<filesystem> and "
                        "<console>)"),
            refusal(containerWith("<filesystem type='bind'><source dir='/a'/><target dir='/b'/>"
                                  "<alias name='ua-a'/></filesystem><console type='pty'><alias "
                                  "name='ua-a'/></console>")));
        // a container's consoles are devices of their own even with target type serial
        CPPUNIT_ASSERT(!refusal(containerWith("<console type='pty'><alias name='c'/></console>"
                                              "<console type='pty'><alias name='c'/></console>"))
                            .empty());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(AliasTest);
