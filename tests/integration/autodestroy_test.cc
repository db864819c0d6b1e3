// SPDX-License-Identifier: GPL-3.0-or-later
// start --autodestroy with libvirt's meaning (VIR_DOMAIN_START_AUTODESTROY), through the
// public API: the domain goes when the connection that started it is closed (the close
// returns once it is gone) or when that connection's process dies, SIGKILL included
// (api/autodestroy.h); other connections and domains started without it are untouched.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

class AutodestroyTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(AutodestroyTest);
    CPPUNIT_TEST(closingTheConnectionDestroys);
    CPPUNIT_TEST(lastReferenceCloses);
    CPPUNIT_TEST(transientGoesAway);
    CPPUNIT_TEST(killedProcessDestroys);
    CPPUNIT_TEST_SUITE_END();

    void define(const std::string& name) {
        conn_->define(containerXml(name, {.initargs = {"-c", "sleep 1000"}}), name + ".xml");
    }
    DomainSummary info(const std::string& name) { return conn_->lookup(name).summary(); }

public:
    void closingTheConnectionDestroys() {
        define("cvirt-test-ad");
        define("cvirt-test-ad-keep");
        {
            Connection other = Connection::open(dir_->embedUri());
            other.lookup("cvirt-test-ad").start(false, true);
            other.lookup("cvirt-test-ad-keep").start();
            CPPUNIT_ASSERT(info("cvirt-test-ad").state == DomainState::Running);
            // a reboot keeps the mark: the same controller runs it again
            other.lookup("cvirt-test-ad").reboot();
            CPPUNIT_ASSERT(info("cvirt-test-ad").state == DomainState::Running);
        }
        // the close returned once it was destroyed: no wait here
        DomainSummary gone = info("cvirt-test-ad");
        CPPUNIT_ASSERT(gone.state == DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(2, gone.reason);  // VIR_DOMAIN_SHUTOFF_DESTROYED
        CPPUNIT_ASSERT(info("cvirt-test-ad-keep").state == DomainState::Running);
        // still defined, and starts again as any domain
        conn_->lookup("cvirt-test-ad").start();
        CPPUNIT_ASSERT(info("cvirt-test-ad").state == DomainState::Running);
    }

    void lastReferenceCloses() {
        define("cvirt-test-ad-ref");
        std::optional<Domain> kept;
        {
            Connection other = Connection::open(dir_->embedUri());
            kept = other.lookup("cvirt-test-ad-ref");
            kept->start(false, true);
        }
        // a Domain object holds its connection open, as a virDomainPtr does
        CPPUNIT_ASSERT(info("cvirt-test-ad-ref").state == DomainState::Running);
        kept.reset();
        CPPUNIT_ASSERT(info("cvirt-test-ad-ref").state == DomainState::Shutoff);
    }

    void transientGoesAway() {
        {
            Connection other = Connection::open(dir_->embedUri());
            other.create(containerXml("cvirt-test-ad-tr", {.initargs = {"-c", "sleep 1000"}}),
                         "tr.xml", true);
            CPPUNIT_ASSERT(conn_->find("cvirt-test-ad-tr"));
        }
        CPPUNIT_ASSERT(!conn_->find("cvirt-test-ad-tr"));
    }

    void killedProcessDestroys() {
        define("cvirt-test-ad-kill");
        int ready[2];
        CPPUNIT_ASSERT(::pipe2(ready, O_CLOEXEC) == 0);
        pid_t pid = forkChild();
        CPPUNIT_ASSERT(pid >= 0);
        if (pid == 0) {
            ::close(ready[0]);
            try {
                Connection own = Connection::open(dir_->embedUri());
                own.lookup("cvirt-test-ad-kill").start(false, true);
                [[maybe_unused]] ssize_t w = ::write(ready[1], "s", 1);
                for (;;)
                    ::pause();  // until killed: no destructor runs
            } catch (...) {
            }
            _exit(1);
        }
        ::close(ready[1]);
        char c = 0;
        CPPUNIT_ASSERT_EQUAL(ssize_t(1), ::read(ready[0], &c, 1));
        ::close(ready[0]);
        CPPUNIT_ASSERT(info("cvirt-test-ad-kill").state == DomainState::Running);
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        // the kernel closed its end of the pipe: the controller destroys the domain
        CPPUNIT_ASSERT(waitUntil([&] {
            DomainSummary i = info("cvirt-test-ad-kill");
            return i.state == DomainState::Shutoff && i.reason == 2;
        }));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(AutodestroyTest);
