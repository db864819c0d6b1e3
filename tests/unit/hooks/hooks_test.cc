// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "cvirt/error.h"
#include "hooks/hooks.h"
#include "state/uri.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::hooks;
namespace fs = std::filesystem;

class HooksTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(HooksTest);
    CPPUNIT_TEST(scriptPerDriver);
    CPPUNIT_TEST(absentOrNotExecutableRunsNothing);
    CPPUNIT_TEST(argumentsAndStdin);
    CPPUNIT_TEST(failureInLibvirtsWords);
    CPPUNIT_TEST(timeoutKillsTheHook);
    CPPUNIT_TEST(runLoggedNeverThrows);
    CPPUNIT_TEST_SUITE_END();

    testenv::TempDir* dir_ = nullptr;

    state::DriverPaths lxc() const {
        return state::driverPaths(state::DriverKind::Lxc, dir_->path());
    }
    fs::path install(const std::string& body, unsigned mode = 0755) {
        fs::path script = dir_->path() / "etc/cvirt/hooks/lxc";
        fs::create_directories(script.parent_path());
        std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
        ::chmod(script.c_str(), mode);
        return script;
    }
    std::string failure(const Hooks& h, Op op, SubOp sub) {
        try {
            h.run("dom", op, sub, "<domain/>");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::HookFailed);
            return e.what();
        }
        CPPUNIT_FAIL("the hook did not fail");
        return {};
    }

public:
    void setUp() override { dir_ = new testenv::TempDir; }
    void tearDown() override { delete dir_; }

    void scriptPerDriver() {
        CPPUNIT_ASSERT_EQUAL(dir_->path() / "etc/cvirt/hooks/lxc", Hooks(lxc(), 30).script());
        CPPUNIT_ASSERT_EQUAL(
            dir_->path() / "etc/cvirt/hooks/qemu",
            Hooks(state::driverPaths(state::DriverKind::Qemu, dir_->path()), 30).script());
        CPPUNIT_ASSERT_EQUAL(fs::path("/etc/cvirt/hooks/lxc"),
                             Hooks(state::driverPaths(state::DriverKind::Lxc, ""), 30).script());
        CPPUNIT_ASSERT_EQUAL(std::string("reconnect"), std::string(opName(Op::Reconnect)));
        CPPUNIT_ASSERT_EQUAL(std::string("end"), std::string(subOpName(SubOp::End)));
    }
    void absentOrNotExecutableRunsNothing() {
        Hooks h(lxc(), 30);
        CPPUNIT_ASSERT(!h.present());
        h.run("dom", Op::Prepare, SubOp::Begin, "<domain/>");  // nothing to run: no error
        install("exit 1", 0644);
        CPPUNIT_ASSERT(!h.present());
        h.run("dom", Op::Prepare, SubOp::Begin, "<domain/>");
        fs::remove(h.script());
        fs::create_directory(h.script());  // a directory is no script either
        CPPUNIT_ASSERT(!h.present());
    }
    void argumentsAndStdin() {
        fs::path record = dir_->path() / "record";
        install("echo \"$# $1 $2 $3 $4\" >> " + record.string() + "; cat >> " + record.string() +
                "; echo; echo ignored output");
        Hooks h(lxc(), 30);
        CPPUNIT_ASSERT(h.present());
        h.run("web1", Op::Prepare, SubOp::Begin, "<domain><name>web1</name></domain>");
        h.run("web1", Op::Release, SubOp::End, "<x/>");
        CPPUNIT_ASSERT_EQUAL(
            std::string("4 web1 prepare begin -\n<domain><name>web1</name></domain>"
                        "4 web1 release end -\n<x/>"),
            testenv::readText(record));
    }
    void failureInLibvirtsWords() {
        fs::path script = install("echo partial; echo '  nope ' >&2; exit 1");
        Hooks h(lxc(), 30);
        CPPUNIT_ASSERT_EQUAL("Hook script execution failed: internal error: Child process (" +
                                 script.string() +
                                 " dom prepare begin -) unexpected exit status 1: nope",
                             failure(h, Op::Prepare, SubOp::Begin));
        install("exit 2");  // nothing on stderr: nothing after the status
        CPPUNIT_ASSERT_EQUAL("Hook script execution failed: internal error: Child process (" +
                                 script.string() + " dom stopped end -) unexpected exit status 2",
                             failure(h, Op::Stopped, SubOp::End));
        install("kill -KILL $$");
        CPPUNIT_ASSERT_EQUAL("Hook script execution failed: internal error: Child process (" +
                                 script.string() + " dom start begin -) fatal signal 9",
                             failure(h, Op::Start, SubOp::Begin));
    }
    void timeoutKillsTheHook() {
        fs::path script = install("echo waiting >&2; sleep 60");
        Hooks h(lxc(), 1);
        auto t0 = std::chrono::steady_clock::now();
        std::string msg = failure(h, Op::Prepare, SubOp::Begin);
        auto took = std::chrono::steady_clock::now() - t0;
        CPPUNIT_ASSERT(took < std::chrono::seconds(4));
        CPPUNIT_ASSERT_EQUAL("Hook script execution failed: internal error: Child process (" +
                                 script.string() +
                                 " dom prepare begin -) killed after 1 s (hook_timeout): waiting",
                             msg);
    }
    void runLoggedNeverThrows() {
        install("exit 1");
        Hooks(lxc(), 30).runLogged("dom", Op::Stopped, SubOp::End, "<domain/>");
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(HooksTest);
