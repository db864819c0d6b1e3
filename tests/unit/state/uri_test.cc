// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>

#include "cvirt/error.h"
#include "state/uri.h"

using namespace cvirt;
using namespace cvirt::state;

class UriTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(UriTest);
    CPPUNIT_TEST(systemLayouts);
    CPPUNIT_TEST(embedRoot);
    CPPUNIT_TEST(bothDrivers);
    CPPUNIT_TEST(rejects);
    CPPUNIT_TEST(namesWithControlCharacters);
    CPPUNIT_TEST_SUITE_END();

    void systemLayouts() {
        auto u = parseUri("lxc:///system");
        CPPUNIT_ASSERT_EQUAL(std::string("lxc:///system"), u.text);
        CPPUNIT_ASSERT_EQUAL(size_t(1), u.drivers.size());
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/cvirt/lxc"), u.drivers[0].configDir.string());
        CPPUNIT_ASSERT_EQUAL(std::string("/run/cvirt/lxc"), u.drivers[0].runDir.string());
        CPPUNIT_ASSERT_EQUAL(std::string("/var/log/cvirt/lxc"), u.drivers[0].logDir.string());
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/cvirt/qemu"),
                             parseUri("qemu:///system").drivers[0].configDir.string());
        CPPUNIT_ASSERT_EQUAL(std::string("lxc:///system"), parseUri("lxc:///").text);
    }
    void embedRoot() {
        auto u = parseUri("lxc:///embed?root=/tmp/x/");
        CPPUNIT_ASSERT_EQUAL(std::string("lxc:///embed?root=/tmp/x/"), u.text);
        CPPUNIT_ASSERT_EQUAL(std::string("/tmp/x/etc/cvirt/lxc"), u.drivers[0].configDir.string());
        CPPUNIT_ASSERT_EQUAL(std::string("/tmp/x/run/cvirt/lxc/lock"),
                             u.drivers[0].lockDir.string());
    }
    void bothDrivers() {
        auto u = parseUri("cvirt:///embed?root=/r");
        CPPUNIT_ASSERT_EQUAL(size_t(2), u.drivers.size());
        CPPUNIT_ASSERT(u.drivers[0].kind == DriverKind::Lxc);
        CPPUNIT_ASSERT(u.drivers[1].kind == DriverKind::Qemu);
    }
    void expectError(const char* uri, const std::string& msg) {
        try {
            parseUri(uri);
            CPPUNIT_FAIL(std::string("accepted ") + uri);
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(msg, std::string(e.what()));
            CPPUNIT_ASSERT(e.code() == ErrorCode::InvalidArg);
        }
    }
    void rejects() {
        expectError("xen:///system",
                    "invalid connection URI 'xen:///system': unknown driver 'xen' (expected lxc, "
                    "qemu or cvirt)");
        expectError("lxc:///embed", "invalid connection URI 'lxc:///embed': embed needs root=DIR");
        expectError("lxc:///embed?root=rel",
                    "invalid connection URI 'lxc:///embed?root=rel': the embed root must be an "
                    "absolute path");
        expectError("lxc://host/system",
                    "invalid connection URI 'lxc://host/system': remote hosts are not supported");
        expectError("lxc",
                    "invalid connection URI 'lxc': expected DRIVER:///system or "
                    "DRIVER:///embed?root=DIR");
        expectError("lxc:///session",
                    "invalid connection URI 'lxc:///session': session connections are not "
                    "supported (use embed?root=DIR)");
    }
    // Issue 15: a name typed on the command line with a control character in it reached the
    // file system and the error message as it was.
    void namesWithControlCharacters() {
        for (std::string name : std::initializer_list<std::string>{
                 "a\nb", "a\tb", std::string("a\0b", 3), "a\x1b[2Jb", "a\x7f"}) {
            try {
                entryPath("/run/x", name, ".xml");
                CPPUNIT_FAIL("accepted a name with a control character");
            } catch (const Error& e) {
                CPPUNIT_ASSERT(e.code() == ErrorCode::InvalidArg);
                std::string what = e.what();
                for (char c : what)
                    CPPUNIT_ASSERT_MESSAGE(what, static_cast<unsigned char>(c) >= 0x20);
                CPPUNIT_ASSERT_MESSAGE(what, what.starts_with("invalid name 'a"));
            }
        }
        CPPUNIT_ASSERT_EQUAL(std::string("/run/x/a\u00e9.xml"),
                             entryPath("/run/x", "a\u00e9", ".xml").string());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(UriTest);
