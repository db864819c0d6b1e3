// SPDX-License-Identifier: GPL-3.0-or-later
// The live XML's runtime parts (issue 17): device aliases as libvirt's drivers give them,
// user aliases (ua-…) kept, the console's host pty; and a stored definition without them.
#include <cppunit/extensions/HelperMacros.h>

#include "conf/domain.h"
#include "support/test_util.h"

using namespace cvirt;
using testenv::has;

namespace {

conf::DomainDef load(const std::string& type, const std::string& os, const std::string& devices) {
    return conf::loadDomain("<domain type='" + type +
                            "'><name>t</name><memory unit='MiB'>64</memory><os>" + os +
                            "</os><devices>" + devices + "</devices></domain>");
}

conf::DomainDef container() {
    return load("lxc", "<type>exe</type><init>/bin/sh</init>",
                "<filesystem type='mount'><source dir='/srv'/><target dir='/'/></filesystem>"
                "<filesystem type='bind'><source dir='/a'/><target dir='/a'/>"
                "<alias name='ua-data'/></filesystem>"
                "<filesystem type='ram'><source usage='1' units='MiB'/><target dir='/tmp'/>"
                "</filesystem>"
                "<interface type='ethernet'/><interface type='ethernet'/>"
                "<interface type='hostdev'><source><address type='pci' bus='3' slot='0' "
                "function='0'/></source></interface>"
                "<hostdev mode='capabilities' type='misc'><source><char>/dev/null</char>"
                "</source></hostdev>"
                "<console type='pty'/>");
}

conf::DomainDef vm() {
    return load("qemu", "<type>hvm</type><kernel>/boot/k</kernel>",
                "<disk type='file' device='disk'><source file='/i/a'/><target dev='vda'/></disk>"
                "<disk type='file' device='cdrom'><source file='/i/c'/><target dev='hdc'/></disk>"
                "<disk type='file' device='disk'><source file='/i/b'/><target dev='vdb' "
                "bus='virtio'/><alias name='ua-b'/></disk>"
                "<interface type='ethernet'/><serial type='pty'/>");
}

}  // namespace

class LiveStateTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LiveStateTest);
    CPPUNIT_TEST(containerDevicesGetLibvirtsAliases);
    CPPUNIT_TEST(vmDevicesGetQemuDriverAliases);
    CPPUNIT_TEST(liveXmlParsesBackToItself);
    CPPUNIT_TEST(storedDefinitionDropsWhatOnlyARunningDomainHas);
    CPPUNIT_TEST_SUITE_END();

public:
    void containerDevicesGetLibvirtsAliases() {
        conf::DomainDef def = container();
        conf::assignLiveAliases(def);
        CPPUNIT_ASSERT_EQUAL(std::string("fs0"), def.filesystems[0].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("ua-data"), def.filesystems[1].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("fs2"), def.filesystems[2].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("net0"), def.interfaces[0].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("net1"), def.interfaces[1].alias);
        // a type='hostdev' interface counts with the hostdevs (qemu_alias.c)
        CPPUNIT_ASSERT_EQUAL(std::string("hostdev0"), def.hostdevs[0].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("hostdev1"), def.interfaces[2].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("console0"), def.consoles[0].alias);
        // a user alias that looks like a generated one keeps it; the device it would have
        // gone to gets none rather than a duplicate
        conf::DomainDef taken = container();
        taken.filesystems[1].alias = "fs0";
        conf::assignLiveAliases(taken);
        CPPUNIT_ASSERT_EQUAL(std::string("fs0"), taken.filesystems[1].alias);
        CPPUNIT_ASSERT_EQUAL(std::string(""), taken.filesystems[0].alias);
        conf::validate(taken);  // still one device per alias
    }

    void vmDevicesGetQemuDriverAliases() {
        conf::DomainDef def = vm();
        conf::assignLiveAliases(def);
        CPPUNIT_ASSERT_EQUAL(std::string("virtio-disk0"), def.disks[0].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("ide0-1-0"), def.disks[1].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("ua-b"), def.disks[2].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("net0"), def.interfaces[0].alias);
        CPPUNIT_ASSERT_EQUAL(std::string("serial0"), def.serials[0].alias);
        // the serial console is the first serial port again
        CPPUNIT_ASSERT_EQUAL(std::string("serial0"), def.consoles.at(0).alias);
        conf::recordConsolePty(def, "/dev/pts/7");
        CPPUNIT_ASSERT_EQUAL(std::string("/dev/pts/7"), def.serials[0].ptyPath);
        CPPUNIT_ASSERT_EQUAL(std::string("/dev/pts/7"), def.consoles[0].ptyPath);
        std::string xml = conf::formatDomain(def, {.id = 3});
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml,
                                        "<serial type='pty' tty='/dev/pts/7'>\n"
                                        "      <source path='/dev/pts/7'/>\n"));
        conf::validate(def);
    }

    void liveXmlParsesBackToItself() {
        conf::DomainDef def = container();
        conf::recordConsolePty(def, "/dev/pts/12");
        std::string live = conf::formatDomain(def, {.id = 5});
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<domain type='lxc' id='5'>"));
        CPPUNIT_ASSERT_MESSAGE(live, has(live,
                                         "<console type='pty' tty='/dev/pts/12'>\n"
                                         "      <source path='/dev/pts/12'/>\n"
                                         "      <target type='lxc' port='0'/>\n"
                                         "      <alias name='console0'/>\n"
                                         "    </console>"));
        conf::DomainDef back = conf::loadDomain(live, {.filename = "live.xml"});
        CPPUNIT_ASSERT_EQUAL(live, conf::formatDomain(back, {.id = 5}));
        // without an id it is a definition: no alias is made up
        std::string inactive = conf::formatDomain(container());
        CPPUNIT_ASSERT_MESSAGE(inactive, !has(inactive, "fs0") && !has(inactive, "console0"));
    }

    void storedDefinitionDropsWhatOnlyARunningDomainHas() {
        const conf::DomainDef original = container();
        conf::DomainDef def = original;
        conf::recordConsolePty(def, "/dev/pts/12");
        conf::DomainDef live = conf::loadDomain(conf::formatDomain(def, {.id = 5}));
        CPPUNIT_ASSERT(!(live == original));
        conf::dropLiveState(live);
        CPPUNIT_ASSERT(live == original);  // only the user alias is left
        CPPUNIT_ASSERT_EQUAL(std::string("ua-data"), live.filesystems[1].alias);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(LiveStateTest);
