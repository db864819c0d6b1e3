// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "util/child.h"

using namespace cvirt::util;

namespace {

// A child that waits for a signal, or ends with `code` at once.
Child spawn(int code = -1) {
    pid_t pid = ::fork();
    if (pid == 0) {
        if (code >= 0) _exit(code);
        for (;;)
            ::pause();
    }
    return Child(pid);
}

// The pid names a process, running or a zombie nobody reaped.
bool exists(pid_t pid) {
    return std::ifstream("/proc/" + std::to_string(pid) + "/stat").good();
}

bool readableWithin(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
}

}  // namespace

class ChildTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ChildTest);
    CPPUNIT_TEST(waitGivesTheStatus);
    CPPUNIT_TEST(pidfdSaysWhenItEnded);
    CPPUNIT_TEST(destructorKillsAndReaps);
    CPPUNIT_TEST(moveHandsItOver);
    CPPUNIT_TEST(emptyDoesNothing);
    CPPUNIT_TEST_SUITE_END();

public:
    void waitGivesTheStatus() {
        Child c = spawn(3);
        auto status = c.wait();
        CPPUNIT_ASSERT(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 3);
        CPPUNIT_ASSERT(!c);
        CPPUNIT_ASSERT_EQUAL(-1, c.pid());
        CPPUNIT_ASSERT_EQUAL(-1, c.pidfd());
    }

    void pidfdSaysWhenItEnded() {
        Child c = spawn();
        CPPUNIT_ASSERT(c.pidfd() >= 0);
        CPPUNIT_ASSERT(!readableWithin(c.pidfd(), 0));
        CPPUNIT_ASSERT(c.signal(SIGTERM));
        CPPUNIT_ASSERT(readableWithin(c.pidfd(), 5000));
        auto status = c.wait();
        CPPUNIT_ASSERT(status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGTERM);
    }

    void destructorKillsAndReaps() {
        pid_t pid;
        {
            Child c = spawn();
            pid = c.pid();
            CPPUNIT_ASSERT(exists(pid));
        }
        CPPUNIT_ASSERT(!exists(pid));  // neither running nor a zombie
    }

    void moveHandsItOver() {
        Child a = spawn();
        pid_t pid = a.pid();
        Child b = std::move(a);
        CPPUNIT_ASSERT(!a);
        CPPUNIT_ASSERT_EQUAL(pid, b.pid());
        Child c = spawn();
        pid_t replaced = c.pid();
        c = std::move(b);  // the child c held is killed and reaped
        CPPUNIT_ASSERT(!exists(replaced));
        CPPUNIT_ASSERT_EQUAL(pid, c.pid());
        CPPUNIT_ASSERT(exists(pid));
        c.reset();
        CPPUNIT_ASSERT(!exists(pid));
    }

    void emptyDoesNothing() {
        Child c;
        CPPUNIT_ASSERT(!c.signal(SIGKILL));
        CPPUNIT_ASSERT(!c.wait());
        c.reset();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ChildTest);
