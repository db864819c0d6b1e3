// SPDX-License-Identifier: GPL-3.0-or-later
// Calls that hand the backend a running domain's live definition (driver/api/lifecycle.cc):
// suspend and resume with their state checks, exec and the QMP monitor passed through.
#include "api_fixture.h"
#include "state/pid_file.h"
#include "util/file.h"

using namespace cvirt;
using namespace cvirt::fake;

class RunningDomainTest : public ApiFixture {
    CPPUNIT_TEST_SUITE(RunningDomainTest);
    CPPUNIT_TEST(suspendAndResumeGetTheLiveDefinition);
    CPPUNIT_TEST(listTakesTheIdFromThePidFileOrTheLiveXml);
    CPPUNIT_TEST(suspendTwiceAndResumeOfARunningDomainAreRefused);
    CPPUNIT_TEST(aFailedSuspendPassesTheErrorThrough);
    CPPUNIT_TEST(execPassesThrough);
    CPPUNIT_TEST(monitorPassesThrough);
    CPPUNIT_TEST_SUITE_END();

    // A running container whose live definition differs from its stored one (a live setmem).
    Domain startChanged(Connection& c) {
        Domain d = startContainer(c, "web");
        d.tune({.memoryKiB = 32768}, {.live = true});
        CPPUNIT_ASSERT(!(live("web") == stored("web")));
        return d;
    }

public:
    void suspendAndResumeGetTheLiveDefinition() {
        Connection c = open();
        Domain d = startChanged(c);
        EventStream events = c.events();
        d.suspend();
        Call suspend = onlyCall("suspend");
        CPPUNIT_ASSERT(suspend.defs.at(0) == live("web"));
        CPPUNIT_ASSERT_EQUAL(1, suspend.id);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Paused);
        CPPUNIT_ASSERT(d.state().state == DomainState::Paused);
        CPPUNIT_ASSERT_EQUAL(1, d.state().reason);  // VIR_DOMAIN_PAUSED_USER
        // a listing tells it from the run directory's entries, the same
        CPPUNIT_ASSERT(c.list({}).at(0).state == DomainState::Paused);
        CPPUNIT_ASSERT_EQUAL(1, c.list({}).at(0).reason);
        d.resume();
        Call resume = onlyCall("resume");
        CPPUNIT_ASSERT(resume.defs.at(0) == live("web"));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT(d.state().state == DomainState::Running);
        CPPUNIT_ASSERT(c.list({}).at(0).state == DomainState::Running);
        CPPUNIT_ASSERT_EQUAL(1, *c.list({}).at(0).id);
        CPPUNIT_ASSERT_EQUAL(std::string("suspended/paused resumed/unpaused"),
                             eventsOf(events, "web"));
    }

    // A listing reads the id from the pid file; one an older controller wrote has none, and
    // the live XML's head is read for it.
    void listTakesTheIdFromThePidFileOrTheLiveXml() {
        Connection c = open();
        startContainer(c, "a");
        startContainer(c, "b");
        auto pidFile = state::entryPath(paths().runDir, "b", ".pid");
        auto pids = state::parsePidFile(util::readFile(pidFile));
        CPPUNIT_ASSERT_EQUAL(2, pids->id);
        pids->id = 0;
        util::writeFileReplace(pidFile, state::formatPidFile(*pids), 0644);
        auto listed = c.list({});
        CPPUNIT_ASSERT_EQUAL(size_t(2), listed.size());
        CPPUNIT_ASSERT_EQUAL(1, *listed.at(0).id);
        CPPUNIT_ASSERT_EQUAL(2, *listed.at(1).id);
        CPPUNIT_ASSERT_EQUAL(std::string("b"), listed.at(1).name);
    }

    void suspendTwiceAndResumeOfARunningDomainAreRefused() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        ASSERT_ERROR(ErrorCode::OperationInvalid, "domain 'web' is not paused", d.resume());
        d.suspend();
        ASSERT_ERROR(ErrorCode::OperationInvalid, "domain 'web' is already paused", d.suspend());
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("suspend"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("resume"));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Paused);
    }

    void aFailedSuspendPassesTheErrorThrough() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        host().failNext("suspend", Error(ErrorCode::SystemError, "cannot freeze 'web'", EBUSY));
        try {
            d.suspend();
            CPPUNIT_FAIL("the suspend did not fail");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::SystemError);
            CPPUNIT_ASSERT_EQUAL(EBUSY, e.sysErrno());
            CPPUNIT_ASSERT_EQUAL(std::string("cannot freeze 'web': Device or resource busy"),
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
    }

    void execPassesThrough() {
        Connection c = open();
        Domain d = startChanged(c);
        host().execStatus = 7;
        CPPUNIT_ASSERT_EQUAL(7, d.exec({"/bin/sh", "-c", "exit 7"}, {"TERM=dumb"}));
        Call exec = onlyCall("exec");
        CPPUNIT_ASSERT(exec.argv == std::vector<std::string>({"/bin/sh", "-c", "exit 7"}));
        CPPUNIT_ASSERT(exec.env == std::vector<std::string>({"TERM=dumb"}));
        CPPUNIT_ASSERT(exec.defs.at(0) == live("web"));
        host().failNext("exec", Error(ErrorCode::OperationFailed, "cannot run '/bin/sh'"));
        ASSERT_ERROR(ErrorCode::OperationFailed, "cannot run '/bin/sh'", d.exec({"/bin/sh"}));
    }

    void monitorPassesThrough() {
        Connection c = open("cvirt");
        Domain vm = c.define(vmXml("vm"), "vm.xml");
        vm.start();
        CPPUNIT_ASSERT_EQUAL(std::string("owner pid xml"),
                             stateFiles("vm", state::DriverKind::Qemu));
        host().monitorReply = "{\"return\":{\"status\":\"running\"}}";
        CPPUNIT_ASSERT_EQUAL(host().monitorReply,
                             vm.qemuMonitorCommand("{\"execute\":\"query-status\"}"));
        Call monitor = onlyCall("monitor");
        CPPUNIT_ASSERT_EQUAL(std::string("vm"), monitor.domain);
        CPPUNIT_ASSERT_EQUAL(std::string("{\"execute\":\"query-status\"}"), monitor.text);
        // HMP goes through human-monitor-command: its text back, or libvirt's error
        host().monitorReply = "{\"return\":\"VM status: running\\r\\n\"}";
        CPPUNIT_ASSERT_EQUAL(std::string("VM status: running\r\n"),
                             vm.qemuMonitorCommand("info status", true));
        CPPUNIT_ASSERT_EQUAL(std::string("{\"arguments\":{\"command-line\":\"info status\"},"
                                         "\"execute\":\"human-monitor-command\"}"),
                             host().calls("monitor").back().text);
        host().monitorReply = "{\"error\":{\"class\":\"GenericError\",\"desc\":\"no\"}}";
        ASSERT_ERROR(ErrorCode::Internal,
                     "internal error: unable to execute QEMU command 'human-monitor-command': no",
                     vm.qemuMonitorCommand("info status", true));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RunningDomainTest);
