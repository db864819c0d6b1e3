// SPDX-License-Identifier: GPL-3.0-or-later
// Domain ids: one counter per root for containers and VMs alike (issue 17: on cvirt:/// a
// container and a VM got the same id and `destroy 4` killed the container), atomic under
// concurrent starts in other processes and threads.
#include <cppunit/extensions/HelperMacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <thread>

#include "state/domain_ids.h"
#include "support/test_util.h"
#include "util/file.h"

using namespace cvirt;
namespace fs = std::filesystem;

class DomainIdsTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DomainIdsTest);
    CPPUNIT_TEST(bothKindsShareOneCounter);
    CPPUNIT_TEST(continuesAfterTheDriversOwnCounters);
    CPPUNIT_TEST(concurrentProcessesAndThreadsNeverShareAnId);
    CPPUNIT_TEST_SUITE_END();

public:
    void bothKindsShareOneCounter() {
        testenv::TempDir dir;
        auto lxc = state::driverPaths(state::DriverKind::Lxc, dir.path());
        auto qemu = state::driverPaths(state::DriverKind::Qemu, dir.path());
        CPPUNIT_ASSERT(state::runBase(lxc) == state::runBase(qemu));
        CPPUNIT_ASSERT(state::runBase(lxc) == dir.path() / "run/cvirt");
        CPPUNIT_ASSERT_EQUAL(1, state::allocateDomainId(state::runBase(lxc)));
        CPPUNIT_ASSERT_EQUAL(2, state::allocateDomainId(state::runBase(qemu)));
        CPPUNIT_ASSERT_EQUAL(3, state::allocateDomainId(state::runBase(lxc)));
        CPPUNIT_ASSERT_EQUAL(std::string("4\n"),
                             testenv::readText(dir.path() / "run/cvirt/next-id"));
    }

    // A root whose drivers counted on their own (before the counter was shared) goes on past
    // the larger count, so no id still running is given again.
    void continuesAfterTheDriversOwnCounters() {
        testenv::TempDir dir;
        fs::path base = dir.path() / "run/cvirt";
        util::makeDirs(base / "lxc", 0755);
        util::makeDirs(base / "qemu", 0755);
        util::writeFileReplace(base / "lxc/next-id", "5\n", 0644);
        util::writeFileReplace(base / "qemu/next-id", "9\n", 0644);
        CPPUNIT_ASSERT_EQUAL(9, state::allocateDomainId(base));
        CPPUNIT_ASSERT_EQUAL(10, state::allocateDomainId(base));
    }

    // Four processes of four threads each take ids at once: every id is given exactly once.
    void concurrentProcessesAndThreadsNeverShareAnId() {
        testenv::TempDir dir;
        fs::path base = dir.path() / "run/cvirt";
        constexpr int kProcs = 4, kThreads = 4, kEach = 25;
        int fds[2];
        CPPUNIT_ASSERT_EQUAL(0, ::pipe(fds));
        std::vector<pid_t> kids;
        for (int p = 0; p < kProcs; ++p) {
            pid_t pid = ::fork();
            CPPUNIT_ASSERT(pid >= 0);
            if (pid == 0) {
                ::close(fds[0]);
                std::vector<std::thread> threads;
                for (int t = 0; t < kThreads; ++t)
                    threads.emplace_back([&] {
                        for (int i = 0; i < kEach; ++i) {
                            int id = state::allocateDomainId(base);
                            if (::write(fds[1], &id, sizeof id) != sizeof id) ::_exit(2);
                        }
                    });
                for (auto& t : threads)
                    t.join();
                ::_exit(0);
            }
            kids.push_back(pid);
        }
        ::close(fds[1]);
        std::vector<int> ids;
        int id = 0;
        while (::read(fds[0], &id, sizeof id) == sizeof id)
            ids.push_back(id);
        ::close(fds[0]);
        for (pid_t pid : kids) {
            int status = 0;
            CPPUNIT_ASSERT_EQUAL(pid, ::waitpid(pid, &status, 0));
            CPPUNIT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        const int total = kProcs * kThreads * kEach;
        CPPUNIT_ASSERT_EQUAL(size_t(total), ids.size());
        std::set<int> distinct(ids.begin(), ids.end());
        CPPUNIT_ASSERT_EQUAL(size_t(total), distinct.size());
        CPPUNIT_ASSERT_EQUAL(1, *distinct.begin());
        CPPUNIT_ASSERT_EQUAL(total, *distinct.rbegin());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DomainIdsTest);
