// SPDX-License-Identifier: GPL-3.0-or-later
// The skeleton every call on one domain shares (driver/api/domain_op.cc) against the fake
// backend: a name no driver holds is "failed to get domain" to every call, and what a dead
// controller left is repaired explicitly (Backend::cleanupAfterCrash once, the state files
// removed, the domain shut off as crashed) by a call on the domain or by list, never by a read
// of the state layer.
#include <filesystem>

#include "api_fixture.h"
#include "state/runtime_state.h"
#include "util/process_ref.h"

using namespace cvirt;
using namespace cvirt::fake;

class DomainOpTest : public ApiFixture {
    CPPUNIT_TEST_SUITE(DomainOpTest);
    CPPUNIT_TEST(everyCallOnAMissingDomainSaysNoDomain);
    CPPUNIT_TEST(lookupOfAMissingKeySaysNoDomain);
    CPPUNIT_TEST(readsOfTheStateLayerNeverCleanUp);
    CPPUNIT_TEST(aCallOnTheDomainRepairsItOnce);
    CPPUNIT_TEST(listRepairsEachStaleDomainOnce);
    CPPUNIT_TEST(destroyAfterTheControllerDiedCleansUp);
    CPPUNIT_TEST(aTransientDomainWhoseControllerDiedIsGone);
    CPPUNIT_TEST(startAfterTheControllerDiedStartsAfresh);
    CPPUNIT_TEST(aControllerStillAtWorkIsLeftAlone);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyCallOnAMissingDomainSaysNoDomain() {
        Connection c = open();
        Domain d = c.define(containerXml("gone"), "gone.xml");
        d.undefine();
        const std::string text = "failed to get domain 'gone'";
        const auto code = ErrorCode::NoDomain;
        ASSERT_ERROR(code, text, d.info());
        ASSERT_ERROR(code, text, d.summary());
        ASSERT_ERROR(code, text, d.xml());
        ASSERT_ERROR(code, text, d.xml(true));
        ASSERT_ERROR(code, text, d.undefine());
        ASSERT_ERROR(code, text, d.setAutostart(true));
        ASSERT_ERROR(code, text, d.autostart());
        ASSERT_ERROR(code, text, d.start());
        ASSERT_ERROR(code, text, d.destroy());
        ASSERT_ERROR(code, text, d.shutdown());
        ASSERT_ERROR(code, text, d.reboot());
        ASSERT_ERROR(code, text, d.suspend());
        ASSERT_ERROR(code, text, d.resume());
        ASSERT_ERROR(code, text, d.openConsole());
        ASSERT_ERROR(code, text, d.tuning());
        ASSERT_ERROR(code, text, d.tune({.memoryKiB = 1024}));
        ASSERT_ERROR(code, text, d.stats());
        ASSERT_ERROR(code, text, d.interfaces());
        ASSERT_ERROR(code, text, d.interfaceAddresses());
        ASSERT_ERROR(code, text,
                     d.attachInterface("<interface type='ethernet'><mac "
                                       "address='52:54:00:00:00:10'/></interface>"));
        ASSERT_ERROR(code, text, d.detachInterface("52:54:00:00:00:10"));
        ASSERT_ERROR(code, text, d.setInterfaceLink("52:54:00:00:00:10", true));
        ASSERT_ERROR(code, text, d.initPid());
        ASSERT_ERROR(code, text, d.exec({"/bin/true"}));
        ASSERT_ERROR(code, text, d.qemuMonitorCommand("{}"));
        CPPUNIT_ASSERT(host().callsFor("gone").empty());
    }

    void lookupOfAMissingKeySaysNoDomain() {
        Connection c = open();
        open("qemu").define(vmXml("vm"), "vm.xml");
        for (const char* key :
             {"nope", "42", "c7a5fdbd-edaf-9455-926a-d65c16db1809", "../etc", "vm"})
            ASSERT_ERROR(ErrorCode::NoDomain, "failed to get domain '" + std::string(key) + "'",
                         c.lookup(key));
        CPPUNIT_ASSERT(!c.find("vm"));  // another driver's domain
    }

    void readsOfTheStateLayerNeverCleanUp() {
        Connection c = open();
        startContainer(c, "web");
        util::ProcessRef guest = util::ProcessRef::of(host().guestPid("web"));
        host().killController("web");
        state::RuntimeState runtime(paths());
        CPPUNIT_ASSERT(!runtime.find("web"));
        CPPUNIT_ASSERT(runtime.isStale("web"));
        state::RuntimeState::Scan scan = runtime.scan();
        CPPUNIT_ASSERT(scan.running.empty());
        CPPUNIT_ASSERT(scan.stale == std::vector<std::string>{"web"});
        CPPUNIT_ASSERT(runtime.runningNames().empty());
        CPPUNIT_ASSERT(!runtime.liveXml("web"));
        CPPUNIT_ASSERT_EQUAL(0, runtime.shutoffReason("web"));
        // nor do the connection's lookups, which make no call on the domain
        CPPUNIT_ASSERT(c.find("web"));
        CPPUNIT_ASSERT_EQUAL(std::string("web"), c.lookup("web").name());
        CPPUNIT_ASSERT(c.domainNames() == std::vector<std::string>{"web"});
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("cleanupAfterCrash"));
        CPPUNIT_ASSERT_EQUAL(std::string("owner pid xml"), stateFiles("web"));
        CPPUNIT_ASSERT(guest.alive());
    }

    void aCallOnTheDomainRepairsItOnce() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        EventStream events = c.events();
        std::string liveXml = liveText("web");
        pid_t controller = host().controllerPid("web");
        util::ProcessRef guest = util::ProcessRef::of(host().guestPid("web"));
        host().killController("web");
        ASSERT_STOPPED(d, kShutoffCrashed);
        Call cleanup = onlyCall("cleanupAfterCrash");
        CPPUNIT_ASSERT_EQUAL(std::string("web"), cleanup.domain);
        CPPUNIT_ASSERT_EQUAL(liveXml, cleanup.stale->liveXml.value_or(""));
        CPPUNIT_ASSERT_EQUAL(controller, cleanup.stale->owner->controller);
        CPPUNIT_ASSERT(guest.waitGone(5000));  // the guest that outlived its controller is killed
        CPPUNIT_ASSERT_EQUAL(std::string("stopped/crashed"), eventsOf(events, "web"));
        d.info();
        d.summary();
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("cleanupAfterCrash"));
    }

    void listRepairsEachStaleDomainOnce() {
        Connection c = open();
        for (const char* name : {"a", "b", "c"})
            startContainer(c, name);
        host().killController("a");
        host().killController("c");
        auto all = c.list({.active = true, .inactive = true});
        auto cleanups = host().calls("cleanupAfterCrash");
        CPPUNIT_ASSERT_EQUAL(size_t(2), cleanups.size());
        CPPUNIT_ASSERT_EQUAL(std::string("a"), cleanups[0].domain);
        CPPUNIT_ASSERT_EQUAL(std::string("c"), cleanups[1].domain);
        CPPUNIT_ASSERT_EQUAL(size_t(3), all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("b"), all[0].name);  // running first
        CPPUNIT_ASSERT(all[0].state == DomainState::Running);
        for (size_t i : {1, 2}) {
            CPPUNIT_ASSERT(all[i].state == DomainState::Shutoff);
            CPPUNIT_ASSERT_EQUAL(int(kShutoffCrashed), all[i].reason);
        }
        CPPUNIT_ASSERT_EQUAL(std::string(""), stateFiles("a") + stateFiles("c"));
        CPPUNIT_ASSERT_EQUAL(std::string("owner pid xml"), stateFiles("b"));
        c.list({.active = true, .inactive = true});
        CPPUNIT_ASSERT_EQUAL(size_t(2), host().count("cleanupAfterCrash"));
    }

    // Repaired as the call begins, the domain no longer runs: destroy finds nothing to stop.
    void destroyAfterTheControllerDiedCleansUp() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        host().killController("web");
        ASSERT_ERROR(ErrorCode::OperationInvalid, "domain 'web' is not running", d.destroy());
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("destroy"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("cleanupAfterCrash"));
        ASSERT_STOPPED(d, kShutoffCrashed);
    }

    void aTransientDomainWhoseControllerDiedIsGone() {
        Connection c = open();
        Domain d = c.create(containerXml("tmp"), "tmp.xml");
        host().killController("tmp");
        CPPUNIT_ASSERT(!c.find("tmp"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("cleanupAfterCrash"));
        ASSERT_ERROR(ErrorCode::NoDomain, "failed to get domain 'tmp'", d.summary());
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("cleanupAfterCrash"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), stateFiles("tmp"));
        CPPUNIT_ASSERT(c.list({.active = true, .inactive = true}).empty());
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("cleanupAfterCrash"));
    }

    void startAfterTheControllerDiedStartsAfresh() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        host().killController("web");
        d.start();
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("cleanupAfterCrash"));
        CPPUNIT_ASSERT_EQUAL(size_t(2), host().count("start"));
        CPPUNIT_ASSERT_EQUAL(2, d.summary().id.value_or(0));
        CPPUNIT_ASSERT_EQUAL(std::string("owner pid xml"), stateFiles("web"));
    }

    // A controller that removed the live XML and runs on (tearing the domain down) is neither
    // running nor stale: nobody cleans up after it.
    void aControllerStillAtWorkIsLeftAlone() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::filesystem::remove(paths().runDir / "web.xml");
        state::RuntimeState runtime(paths());
        CPPUNIT_ASSERT(!runtime.isStale("web"));
        CPPUNIT_ASSERT(runtime.scan().stale.empty() && runtime.scan().running.empty());
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        c.list({.active = true, .inactive = true});
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("cleanupAfterCrash"));
        CPPUNIT_ASSERT_EQUAL(std::string("owner pid"), stateFiles("web"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(DomainOpTest);
