// SPDX-License-Identifier: GPL-3.0-or-later
// A domain's interfaces against the fake backend (driver/api/hotplug.cc, interfaces.cc):
// attach, detach and domif-setlink live (the backend, then the live XML) or --config (the
// stored definition only), and the guest's addresses passed through.
#include "api_fixture.h"

using namespace cvirt;
using namespace cvirt::fake;

namespace {

// The container's own interface, and one to attach.
const std::string kOwn =
    "<interface type='ethernet'><mac address='52:54:00:00:00:01'/><target dev='vweb0'/>"
    "</interface>";
const std::string kNew =
    "<interface type='ethernet'><mac address='52:54:00:00:00:10'/></interface>";

}  // namespace

class InterfacesTest : public ApiFixture {
    CPPUNIT_TEST_SUITE(InterfacesTest);
    CPPUNIT_TEST(attachLiveRecordsTheNamesTheBackendMade);
    CPPUNIT_TEST(attachConfigOnlyPersists);
    CPPUNIT_TEST(aFailedAttachRecordsNothing);
    CPPUNIT_TEST(anInvalidAttachNeverReachesTheBackend);
    CPPUNIT_TEST(detachLiveRemovesItFromTheLiveXml);
    CPPUNIT_TEST(detachConfigOnlyPersists);
    CPPUNIT_TEST(aFailedDetachKeepsTheLiveXml);
    CPPUNIT_TEST(setLinkLiveAndConfig);
    CPPUNIT_TEST(setLinkNeedsAHostEndAndAKnownInterface);
    CPPUNIT_TEST(addressesPassThrough);
    CPPUNIT_TEST_SUITE_END();

public:
    void attachLiveRecordsTheNamesTheBackendMade() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        d.attachInterface(kNew, {.live = true});
        Call attach = onlyCall("attachInterface");
        const conf::Interface& given = attach.defs.at(0).interfaces.at(0);
        CPPUNIT_ASSERT_EQUAL(std::string("52:54:00:00:00:10"), given.mac);
        CPPUNIT_ASSERT_EQUAL(std::string(""), given.targetDev);  // the backend names it
        auto running = live("web").interfaces;
        CPPUNIT_ASSERT_EQUAL(size_t(1), running.size());
        CPPUNIT_ASSERT_EQUAL(std::string("fake1-0"), running[0].targetDev);
        CPPUNIT_ASSERT_EQUAL(std::string("eth0"), running[0].guestDev);
        CPPUNIT_ASSERT_EQUAL(std::string("fake1-0"), d.interfaces().at(0).hostDev);
        CPPUNIT_ASSERT(stored("web").interfaces.empty());
        CPPUNIT_ASSERT(d.interfaces(true).empty());
    }

    void attachConfigOnlyPersists() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::string liveBefore = liveText("web");
        d.attachInterface(kNew, {.config = true});
        Domain stopped = c.define(containerXml("db"), "db.xml");
        stopped.attachInterface(kNew);  // current: the config of a stopped domain
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("attachInterface"));
        CPPUNIT_ASSERT_EQUAL(std::string("52:54:00:00:00:10"), stored("web").interfaces.at(0).mac);
        CPPUNIT_ASSERT_EQUAL(std::string("52:54:00:00:00:10"), stored("db").interfaces.at(0).mac);
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
    }

    void aFailedAttachRecordsNothing() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::string liveBefore = liveText("web");
        host().failNext("attachInterface",
                        Error(ErrorCode::OperationInvalid, "no interface can be attached live"));
        ASSERT_ERROR(ErrorCode::OperationInvalid, "no interface can be attached live",
                     d.attachInterface(kNew, {.live = true, .config = true}));
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
        CPPUNIT_ASSERT(stored("web").interfaces.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("detachInterface"));
    }

    void anInvalidAttachNeverReachesTheBackend() {
        Connection c = open();
        Domain d = startContainer(c, "web", kOwn);
        std::string sameMac =
            "<interface type='ethernet'><mac address='52:54:00:00:00:01'/></interface>";
        CPPUNIT_ASSERT_THROW(d.attachInterface(sameMac, {.live = true}), Error);
        ASSERT_ERROR(ErrorCode::ConfigUnsupported,
                     "disk.xml: only an <interface> device can be attached",
                     d.attachInterface("<filesystem type='mount'><source dir='/srv'/>"
                                       "<target dir='/srv'/></filesystem>",
                                       {.live = true}, "disk.xml"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("attachInterface"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), live("web").interfaces.size());
    }

    void detachLiveRemovesItFromTheLiveXml() {
        Connection c = open();
        Domain d = startContainer(c, "web", kOwn);
        d.detachInterface("vweb0", {.live = true});
        Call detach = onlyCall("detachInterface");
        CPPUNIT_ASSERT_EQUAL(std::string("52:54:00:00:00:01"), detach.iface->mac);
        CPPUNIT_ASSERT(live("web").interfaces.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), stored("web").interfaces.size());
        ASSERT_ERROR(ErrorCode::InvalidArg, "no interface 'vweb0' in domain 'web'",
                     d.detachInterface("vweb0", {.live = true}));
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("detachInterface"));
    }

    void detachConfigOnlyPersists() {
        Connection c = open();
        Domain d = startContainer(c, "web", kOwn);
        d.detachInterface("52:54:00:00:00:01", {.config = true});
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("detachInterface"));
        CPPUNIT_ASSERT(stored("web").interfaces.empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), live("web").interfaces.size());
    }

    void aFailedDetachKeepsTheLiveXml() {
        Connection c = open();
        Domain d = startContainer(c, "web", kOwn);
        std::string liveBefore = liveText("web");
        host().failNext("detachInterface", Error(ErrorCode::SystemError, "cannot delete 'vweb0'"));
        ASSERT_ERROR(ErrorCode::SystemError, "cannot delete 'vweb0'",
                     d.detachInterface("vweb0", {.live = true, .config = true}));
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), stored("web").interfaces.size());
        CPPUNIT_ASSERT_EQUAL(std::string(""), strayFiles());
    }

    void setLinkLiveAndConfig() {
        Connection c = open();
        Domain d = startContainer(c, "web", kOwn);
        d.setInterfaceLink("vweb0", false, {.live = true});
        Call link = onlyCall("setInterfaceLink");
        CPPUNIT_ASSERT_EQUAL(std::string("vweb0"), link.iface->targetDev);
        CPPUNIT_ASSERT(!link.flag);
        CPPUNIT_ASSERT(live("web").interfaces.at(0).link == conf::LinkState::Down);
        CPPUNIT_ASSERT(!stored("web").interfaces.at(0).link);
        CPPUNIT_ASSERT_EQUAL(std::string("down"), d.interfaces().at(0).linkState);

        d.setInterfaceLink("52:54:00:00:00:01", false, {.config = true});
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("setInterfaceLink"));
        CPPUNIT_ASSERT(stored("web").interfaces.at(0).link == conf::LinkState::Down);

        std::string liveBefore = liveText("web");
        host().failNext("setInterfaceLink", Error(ErrorCode::SystemError, "cannot set 'vweb0' up"));
        ASSERT_ERROR(ErrorCode::SystemError, "cannot set 'vweb0' up",
                     d.setInterfaceLink("vweb0", true, {.live = true}));
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
    }

    void setLinkNeedsAHostEndAndAKnownInterface() {
        Connection c = open();
        Domain d = startContainer(c, "web", kNew);
        ASSERT_ERROR(ErrorCode::ConfigUnsupported,
                     "interface '52:54:00:00:00:10' has no host end to switch",
                     d.setInterfaceLink("52:54:00:00:00:10", false, {.live = true}));
        ASSERT_ERROR(ErrorCode::InvalidArg, "interface 'nope' not found in domain 'web'",
                     d.setInterfaceLink("nope", false, {.live = true}));
        ASSERT_ERROR(ErrorCode::InvalidArg, "interface 'nope' not found in domain 'web'",
                     d.setInterfaceLink("nope", false, {.config = true}));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("setInterfaceLink"));
    }

    void addressesPassThrough() {
        Connection c = open();
        Domain d = startContainer(c, "web", kOwn);
        host().addresses = {{"eth0", "52:54:00:00:00:01", "ipv4", "192.0.2.5", 24}};
        auto got = d.interfaceAddresses();
        CPPUNIT_ASSERT_EQUAL(size_t(1), got.size());
        CPPUNIT_ASSERT_EQUAL(std::string("192.0.2.5"), got[0].address);
        CPPUNIT_ASSERT_EQUAL(24u, got[0].prefix);
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("interfaceAddresses"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(InterfacesTest);
