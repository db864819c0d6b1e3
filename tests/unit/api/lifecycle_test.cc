// SPDX-License-Identifier: GPL-3.0-or-later
// driver/api/lifecycle.cc against the fake backend: start and create (lock, "already active",
// a fresh id, what a failed start leaves), destroy, shutdown, reboot and the console (the
// state they require, what the API does when the controller does not answer or dies).
#include <unistd.h>

#include "api_fixture.h"
#include "conf/domain.h"
#include "util/file.h"
#include "util/process_ref.h"

using namespace cvirt;
using namespace cvirt::fake;

class LifecycleTest : public ApiFixture {
    CPPUNIT_TEST_SUITE(LifecycleTest);
    CPPUNIT_TEST(startGivesTheStoredDefinitionAndAFreshId);
    CPPUNIT_TEST(startOfAnActiveDomainIsRefused);
    CPPUNIT_TEST(aFailedStartLeavesNothing);
    CPPUNIT_TEST(aConfigEditedByHandIsCheckedAtStart);
    CPPUNIT_TEST(aControllerDyingInStartIsCleanedUp);
    CPPUNIT_TEST(createRunsATransientDomain);
    CPPUNIT_TEST(callsOnAStoppedDomainAreRefused);
    CPPUNIT_TEST(destroyStopsTheDomain);
    CPPUNIT_TEST(destroyKillsAControllerThatDoesNotAnswer);
    CPPUNIT_TEST(destroyCleansUpAfterAControllerThatDiesMeanwhile);
    CPPUNIT_TEST(shutdownStopsTheDomain);
    CPPUNIT_TEST(aFailedShutdownPassesTheErrorThrough);
    CPPUNIT_TEST(aShutdownThatFailsAsTheGuestStopsSaysSo);
    CPPUNIT_TEST(rebootKeepsTheId);
    CPPUNIT_TEST(consoleIsTheBackendsStream);
    CPPUNIT_TEST_SUITE_END();

public:
    void startGivesTheStoredDefinitionAndAFreshId() {
        Connection c = open();
        Domain d = c.define(containerXml("web"), "web.xml");
        EventStream events = c.events();
        d.start();
        Call start = onlyCall("start");
        CPPUNIT_ASSERT(start.defs.at(0) == stored("web"));
        CPPUNIT_ASSERT_EQUAL(1, start.id);
        CPPUNIT_ASSERT_EQUAL(c.uri(), start.text);
        CPPUNIT_ASSERT(!start.flag);  // no autodestroy descriptor
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT(s.state == DomainState::Running);
        CPPUNIT_ASSERT_EQUAL(1, s.id.value_or(0));
        conf::DomainDef running = live("web");  // the stored one, with libvirt's aliases
        CPPUNIT_ASSERT_EQUAL(std::string("console0"), running.consoles.at(0).alias);
        conf::dropLiveState(running);
        CPPUNIT_ASSERT(running == stored("web"));
        CPPUNIT_ASSERT(testenv::has(liveText("web"), "<domain type='lxc' id='1'>"));
        CPPUNIT_ASSERT_EQUAL(std::string("owner pid xml"), stateFiles("web"));
        CPPUNIT_ASSERT_EQUAL(int(host().guestPid("web")), d.initPid());
        CPPUNIT_ASSERT_EQUAL(std::string("started/booted"), eventsOf(events, "web"));
        // the next start of the root gets the next id
        d.destroy();
        d.start(false, true);  // autodestroy: the controller gets the connection's descriptor
        CPPUNIT_ASSERT(host().calls("start").at(1).flag);
        CPPUNIT_ASSERT_EQUAL(2, host().calls("start").at(1).id);
        CPPUNIT_ASSERT_EQUAL(2, d.summary().id.value_or(0));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("cleanupAfterCrash"));
        d.destroy();  // a fake controller does not watch the descriptor: the close would wait
    }

    void startOfAnActiveDomainIsRefused() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        ASSERT_ERROR(ErrorCode::OperationInvalid, "domain 'web' is already active", d.start());
        ASSERT_ERROR(ErrorCode::OperationInvalid, "domain 'web' is already active",
                     c.create(containerXml("web"), "web.xml"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("start"));
        CPPUNIT_ASSERT_EQUAL(1, d.summary().id.value_or(0));
    }

    void aFailedStartLeavesNothing() {
        Connection c = open();
        Domain d = c.define(containerXml("web"), "web.xml");
        host().failNext("start", Error(ErrorCode::OperationFailed,
                                       "container init: cannot mount '/srv/web'", ENOENT));
        try {
            d.start();
            CPPUNIT_FAIL("the start did not fail");
        } catch (const Error& e) {  // as the controller reported it
            CPPUNIT_ASSERT(e.code() == ErrorCode::OperationFailed);
            CPPUNIT_ASSERT_EQUAL(ENOENT, e.sysErrno());
            CPPUNIT_ASSERT_EQUAL(
                std::string("container init: cannot mount '/srv/web': No such file or directory"),
                std::string(e.what()));
        }
        CPPUNIT_ASSERT_EQUAL(std::string(""), stateFiles("web"));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("cleanupAfterCrash"));
        d.start();  // nothing in the way
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
    }

    // Start trusts what cvirt sealed (no schema pass), never a config edited behind its back:
    // an element the schema does not know is refused before anything is made.
    void aConfigEditedByHandIsCheckedAtStart() {
        Connection c = open();
        Domain d = c.define(containerXml("web"), "web.xml");
        std::filesystem::path file = paths().configDir / "web.xml";
        std::string text = testenv::readText(file);
        size_t at = text.find("</domain>");
        CPPUNIT_ASSERT(at != std::string::npos);
        text.insert(at, "<bogus/>");
        util::writeFileAtomic(file, text, 0600);
        try {
            d.start();
            CPPUNIT_FAIL("a hand-edited config with an unknown element started");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::XmlError);
            std::string what = e.what();
            CPPUNIT_ASSERT_MESSAGE(what, what.starts_with(file.string() + ":"));
            CPPUNIT_ASSERT_MESSAGE(what, testenv::has(what, "bogus"));
        }
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("start"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), stateFiles("web"));
        // a valid hand edit starts, as edited
        text.erase(text.find("<bogus/>"), 8);
        text.replace(text.find("65536</memory>"), 5, "32768");
        util::writeFileAtomic(file, text, 0600);
        d.start();
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), onlyCall("start").defs.at(0).memory.kib);
        d.destroy();
    }

    // A controller killed after its record and pid file: the start's own repair removes what
    // it left (under the lock it holds), and the error is the controller's.
    void aControllerDyingInStartIsCleanedUp() {
        Connection c = open();
        Domain d = c.define(containerXml("web"), "web.xml");
        host().crashNext("start", Error(ErrorCode::OperationFailed, "controller exited"));
        ASSERT_ERROR(ErrorCode::OperationFailed, "controller exited", d.start());
        Call cleanup = onlyCall("cleanupAfterCrash");
        CPPUNIT_ASSERT_EQUAL(std::string("web"), cleanup.domain);
        CPPUNIT_ASSERT(cleanup.stale->owner);
        CPPUNIT_ASSERT_EQUAL(std::string("web"), cleanup.stale->owner->cgroupLeaf);
        CPPUNIT_ASSERT(!cleanup.stale->liveXml);  // it had not started the domain
        // the guest it left is killed (a child of ours: its pid stays its own until reaped)
        CPPUNIT_ASSERT(util::ProcessRef::of(host().guestPid("web")).waitGone(5000));
        ASSERT_STOPPED(d, 0);  // it never ran: no shut-off reason recorded
    }

    void createRunsATransientDomain() {
        Connection c = open();
        Domain d = c.create(containerXml("tmp"), "tmp.xml");
        Call start = onlyCall("start");
        CPPUNIT_ASSERT(start.defs.at(0).uuid);  // defaults applied before the start
        conf::DomainDef running = live("tmp");
        conf::dropLiveState(running);
        CPPUNIT_ASSERT(start.defs.at(0) == running);
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT(s.state == DomainState::Running);
        CPPUNIT_ASSERT(!s.persistent);
        CPPUNIT_ASSERT(!std::filesystem::exists(paths().configDir / "tmp.xml"));
        ASSERT_ERROR(ErrorCode::OperationInvalid, "domain 'tmp' is already active", d.start());
        d.destroy();
        ASSERT_ERROR(ErrorCode::NoDomain, "failed to get domain 'tmp'", c.lookup("tmp"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), stateFiles("tmp"));
    }

    // Every call that needs a running domain refuses a stopped one before the backend.
    void callsOnAStoppedDomainAreRefused() {
        Connection c = open();
        Domain d = c.define(containerXml("web"), "web.xml");
        const std::string notRunning = "domain 'web' is not running";
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.destroy());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.shutdown());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.reboot());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.openConsole());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.suspend());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.resume());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.initPid());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.exec({"/bin/true"}));
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.qemuMonitorCommand("{}"));
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.interfaceAddresses());
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning, d.tuning({.live = true}));
        ASSERT_ERROR(ErrorCode::OperationInvalid, notRunning,
                     d.tune({.memoryKiB = 1024}, {.live = true}));
        CPPUNIT_ASSERT(host().callsFor("web").empty());
    }

    void destroyStopsTheDomain() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        EventStream events = c.events();
        util::ProcessRef controller = util::ProcessRef::of(host().controllerPid("web"));
        util::ProcessRef guest = util::ProcessRef::of(host().guestPid("web"));
        d.destroy();
        Call destroy = onlyCall("destroy");
        CPPUNIT_ASSERT_EQUAL(1, destroy.id);
        ASSERT_STOPPED(d, kShutoffDestroyed);
        CPPUNIT_ASSERT(!controller.alive() && !guest.alive());
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("cleanupAfterCrash"));
        CPPUNIT_ASSERT_EQUAL(std::string("stopped/destroyed"), eventsOf(events, "web"));
    }

    // A controller that does not acknowledge is killed, and what it left is removed as a
    // destroy (not a crash).
    void destroyKillsAControllerThatDoesNotAnswer() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::string liveXml = liveText("web");
        util::ProcessRef controller = util::ProcessRef::of(host().controllerPid("web"));
        util::ProcessRef guest = util::ProcessRef::of(host().guestPid("web"));
        host().destroyUnanswered = true;
        d.destroy();
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("destroy"));
        CPPUNIT_ASSERT(!controller.alive());
        CPPUNIT_ASSERT(guest.waitGone(5000));
        Call cleanup = onlyCall("cleanupAfterCrash");
        CPPUNIT_ASSERT_EQUAL(std::string("web"), cleanup.domain);
        CPPUNIT_ASSERT_EQUAL(liveXml, cleanup.stale->liveXml.value_or(""));
        ASSERT_STOPPED(d, kShutoffDestroyed);
    }

    // The controller dies while it handles the request: the destroy succeeds once its
    // leftovers are gone, recorded as the crash it was.
    void destroyCleansUpAfterAControllerThatDiesMeanwhile() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        host().crashNext("destroy", Error(ErrorCode::OperationFailed, "connection closed"));
        d.destroy();
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("cleanupAfterCrash"));
        ASSERT_STOPPED(d, kShutoffCrashed);
    }

    void shutdownStopsTheDomain() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        d.shutdown();
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("shutdown"));
        ASSERT_STOPPED(d, kShutoffShutdown);
    }

    void aFailedShutdownPassesTheErrorThrough() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        host().failNext("shutdown", Error(ErrorCode::OperationFailed, "no answer from 'web'"));
        ASSERT_ERROR(ErrorCode::OperationFailed, "no answer from 'web'", d.shutdown());
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
    }

    void aShutdownThatFailsAsTheGuestStopsSaysSo() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        host().onNext("shutdown", [&] { host().killGuest("web"); });
        host().failNext("shutdown", Error(ErrorCode::OperationFailed, "connection closed"));
        ASSERT_ERROR(ErrorCode::OperationInvalid,
                     "domain 'web' is not running (it stopped while it was being shut down)",
                     d.shutdown());
    }

    void rebootKeepsTheId() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        int guest = d.initPid();
        d.reboot();
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("reboot"));
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT(s.state == DomainState::Running);
        CPPUNIT_ASSERT_EQUAL(1, s.id.value_or(0));
        CPPUNIT_ASSERT(d.initPid() != guest);
        CPPUNIT_ASSERT_EQUAL(int(host().guestPid("web")), d.initPid());
    }

    void consoleIsTheBackendsStream() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        int fd = d.openConsole(true);
        CPPUNIT_ASSERT(fd >= 0);
        char byte;
        CPPUNIT_ASSERT_EQUAL(ssize_t(0), ::read(fd, &byte, 1));  // the fake's hung up
        ::close(fd);
        CPPUNIT_ASSERT(host().calls("openConsole").at(0).flag);  // force
        host().failNext("openConsole",
                        Error(ErrorCode::OperationFailed, "the console of 'web' is in use"));
        ASSERT_ERROR(ErrorCode::OperationFailed, "the console of 'web' is in use", d.openConsole());
        CPPUNIT_ASSERT(!host().calls("openConsole").at(1).flag);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(LifecycleTest);
