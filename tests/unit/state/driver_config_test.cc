// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>

#include "cvirt/error.h"
#include "state/driver_config.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::state;

class DriverConfigTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DriverConfigTest);
    CPPUNIT_TEST(defaults);
    CPPUNIT_TEST(keysCommentsAndBlanks);
    CPPUNIT_TEST(unknownKey);
    CPPUNIT_TEST(badValues);
    CPPUNIT_TEST(logKeys);
    CPPUNIT_TEST(badLines);
    CPPUNIT_TEST(paths);
    CPPUNIT_TEST(loadFromRoot);
    CPPUNIT_TEST_SUITE_END();

    // The message of the Error that parsing `text` throws, which must have `code`.
    static std::string failure(const std::string& text, ErrorCode code) {
        try {
            parseDriverConfig(text, "/r/cvirt.conf");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), e.code() == code);
            return e.what();
        }
        CPPUNIT_FAIL("no error for: " + text);
        return {};
    }

    void defaults() {
        DriverConfig d = parseDriverConfig("", "x");
        CPPUNIT_ASSERT_EQUAL(30u, d.hookTimeoutSec);
        CPPUNIT_ASSERT_EQUAL(30u, d.shutdownTimeoutSec);
        CPPUNIT_ASSERT_EQUAL(1048576u, d.logMaxSize);
        CPPUNIT_ASSERT_EQUAL(3u, d.logMaxBackups);
        CPPUNIT_ASSERT(parseDriverConfig("# nothing set\n\n   \n", "x") == DriverConfig{});
    }
    void keysCommentsAndBlanks() {
        DriverConfig d = parseDriverConfig(
            "# cvirt settings\n\nhook_timeout = 5\n  shutdown_timeout=0   # never kill\r\n", "x");
        CPPUNIT_ASSERT_EQUAL(5u, d.hookTimeoutSec);
        CPPUNIT_ASSERT_EQUAL(0u, d.shutdownTimeoutSec);
        d = parseDriverConfig("shutdown_timeout = 86400", "x");  // no final newline, the maximum
        CPPUNIT_ASSERT_EQUAL(86400u, d.shutdownTimeoutSec);
        CPPUNIT_ASSERT_EQUAL(30u, d.hookTimeoutSec);
    }
    void unknownKey() {
        CPPUNIT_ASSERT_EQUAL(
            std::string("/r/cvirt.conf:2: unknown key 'hook_timout' (known: hook_timeout, "
                        "shutdown_timeout, log_max_size, log_max_backups)"),
            failure("# x\nhook_timout = 3\n", ErrorCode::ConfigUnsupported));
    }
    void badValues() {
        CPPUNIT_ASSERT_EQUAL(std::string("/r/cvirt.conf:1: key 'hook_timeout' needs a number of "
                                         "seconds from 0 to 86400, got 'soon'"),
                             failure("hook_timeout = soon", ErrorCode::InvalidArg));
        for (const char* bad : {"-1", "1.5", "", "86401", "99999999999", "3s", "0x10"}) {
            std::string msg =
                failure("\nshutdown_timeout = " + std::string(bad) + "\n", ErrorCode::InvalidArg);
            CPPUNIT_ASSERT_MESSAGE(msg, msg.find("/r/cvirt.conf:2: key 'shutdown_timeout'") == 0);
        }
    }
    void logKeys() {
        DriverConfig d = parseDriverConfig("log_max_size = 65536\nlog_max_backups = 0\n", "x");
        CPPUNIT_ASSERT_EQUAL(65536u, d.logMaxSize);
        CPPUNIT_ASSERT_EQUAL(0u, d.logMaxBackups);
        CPPUNIT_ASSERT_EQUAL(std::string("/r/cvirt.conf:1: key 'log_max_size' needs a number of "
                                         "bytes from 0 to 1073741824, got '2M'"),
                             failure("log_max_size = 2M", ErrorCode::InvalidArg));
        CPPUNIT_ASSERT_EQUAL(std::string("/r/cvirt.conf:1: key 'log_max_backups' needs a number "
                                         "of backups from 0 to 100, got '101'"),
                             failure("log_max_backups = 101", ErrorCode::InvalidArg));
    }
    void badLines() {
        CPPUNIT_ASSERT_EQUAL(std::string("/r/cvirt.conf:1: expected 'key = value', got "
                                         "'hook_timeout 5'"),
                             failure("hook_timeout 5\n", ErrorCode::InvalidArg));
        CPPUNIT_ASSERT_EQUAL(
            std::string("/r/cvirt.conf:3: key 'hook_timeout' is already set at line 1"),
            failure("hook_timeout = 1\nshutdown_timeout = 2\nhook_timeout = 3\n",
                    ErrorCode::InvalidArg));
    }
    void paths() {
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/cvirt/cvirt.conf"), driverConfigPath("").string());
        CPPUNIT_ASSERT_EQUAL(std::string("/tmp/r/etc/cvirt/cvirt.conf"),
                             driverConfigPath("/tmp/r").string());
    }
    void loadFromRoot() {
        testenv::TempDir d;
        CPPUNIT_ASSERT(loadDriverConfig(d.path()) == DriverConfig{});  // no file: defaults
        std::filesystem::create_directories(d.path() / "etc/cvirt");
        std::ofstream(d.path() / "etc/cvirt/cvirt.conf") << "hook_timeout = 7\nbogus = 1\n";
        try {
            loadDriverConfig(d.path());
            CPPUNIT_FAIL("expected an error");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL((d.path() / "etc/cvirt/cvirt.conf").string() +
                                     ":2: unknown key 'bogus' (known: hook_timeout, "
                                     "shutdown_timeout, log_max_size, log_max_backups)",
                                 std::string(e.what()));
        }
        std::ofstream(d.path() / "etc/cvirt/cvirt.conf") << "hook_timeout = 7\n";
        CPPUNIT_ASSERT_EQUAL(7u, loadDriverConfig(d.path()).hookTimeoutSec);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(DriverConfigTest);
