// SPDX-License-Identifier: GPL-3.0-or-later
// cvirsh at a terminal: prompt, Tab completion of commands and domain names, history.
#include <cppunit/extensions/HelperMacros.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/test_util.h"

using namespace cvirt::testenv;

class InteractiveTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(InteractiveTest);
    CPPUNIT_TEST(completionAndHistory);
    CPPUNIT_TEST(historyCappedAsVirsh);
    CPPUNIT_TEST(badHistorySize);
    CPPUNIT_TEST(pipedCommands);
    CPPUNIT_TEST_SUITE_END();

    int master_ = -1;
    pid_t pid_ = -1;
    std::string seen_;

    void spawn(const TempDir& dir, const char* histsize = nullptr) {
        pid_ = ::forkpty(&master_, nullptr, nullptr, nullptr);
        if (pid_ == 0) {
            ::setenv("HOME", dir.path().c_str(), 1);
            ::unsetenv("XDG_CACHE_HOME");
            ::setenv("TERM", "dumb", 1);
            if (histsize) ::setenv("CVIRSH_HISTSIZE", histsize, 1);
            if (::chdir(dir.path().c_str()) < 0) _exit(126);
            std::string bin = (binDir() / "cvirsh").string(), uri = dir.embedUri();
            ::execl(bin.c_str(), bin.c_str(), "-c", uri.c_str(), nullptr);
            _exit(127);
        }
    }
    // Reads until `text` appears in the output (or 5 s pass).
    bool waitFor(const std::string& text) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (seen_.find(text) == std::string::npos) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            pollfd p{master_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            char buf[1024];
            ssize_t n = ::read(master_, buf, sizeof buf);
            if (n <= 0) return false;
            seen_.append(buf, static_cast<size_t>(n));
        }
        return true;
    }
    void type(const std::string& s) {
        CPPUNIT_ASSERT(::write(master_, s.data(), s.size()) == (ssize_t)s.size());
    }

public:
    void completionAndHistory() {
        TempDir dir;
        std::string xml = (dir.path() / "web.xml").string();
        std::ofstream(xml) << "<domain type='lxc'><name>webserver</name><memory>1024</memory>"
                              "<os><type>exe</type><init>/bin/sh</init></os></domain>";
        spawn(dir);
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("cvirsh # "));
        type("define " + xml + "\n");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("Domain 'webserver' defined"));
        seen_.clear();
        // "domin<Tab>" completes the command, "web<Tab>" the domain name
        type("domin\t");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("dominfo "));
        type("web\t");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("webserver"));
        type("\n");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("Name:           webserver"));
        // a file name where the command reads a file, after the domain
        seen_.clear();
        type("attach-device webserver we\t");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("web.xml"));
        type("\x15");  // ^U: the line is dropped
        // option completion
        seen_.clear();
        type("list --al\t");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("--all"));
        type("\n");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor(" -    webserver   shut off"));
        // errors do not end the session
        seen_.clear();
        type("dominfo nope\n");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("error: failed to get domain 'nope'"));
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("cvirsh # "));
        type("quit\n");
        int st = 0;
        ::waitpid(pid_, &st, 0);
        ::close(master_);
        CPPUNIT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        std::string history = readText(dir.path() / ".cache/cvirsh/history");
        CPPUNIT_ASSERT_MESSAGE(history, history.find("dominfo webserver") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(history, history.find("list --all") != std::string::npos);
    }
    // At most $CVIRSH_HISTSIZE lines are kept, the newest.
    void historyCappedAsVirsh() {
        TempDir dir;
        spawn(dir, "2");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("cvirsh # "));
        for (const char* line : {"uri\n", "hostname\n", "version\n"}) {
            seen_.clear();
            type(line);
            CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("cvirsh # "));
        }
        type("quit\n");
        int st = 0;
        ::waitpid(pid_, &st, 0);
        ::close(master_);
        CPPUNIT_ASSERT_EQUAL(std::string("version\nquit\n"),
                             readText(dir.path() / ".cache/cvirsh/history"));
    }
    void badHistorySize() {
        TempDir dir;
        spawn(dir, "lots");
        CPPUNIT_ASSERT_MESSAGE(seen_, waitFor("error: Bad $CVIRSH_HISTSIZE value."));
        int st = 0;
        ::waitpid(pid_, &st, 0);
        ::close(master_);
        CPPUNIT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 1);
    }
    void pipedCommands() {
        TempDir dir;
        RunResult r = run({(binDir() / "cvirsh").string(), "-c", dir.embedUri()},
                          "uri\nlist --all --name\nquit\nuri\n");
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        // uri, an empty list (each with its closing blank line), nothing after quit
        CPPUNIT_ASSERT_EQUAL(dir.embedUri() + "\n\n\n", r.out);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(InteractiveTest);
