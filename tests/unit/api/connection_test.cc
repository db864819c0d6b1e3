// SPDX-License-Identifier: GPL-3.0-or-later
// The define/lookup/list/undefine contract of the public API against an embed root.
#include <cppunit/extensions/HelperMacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cvirt/connection.h"
#include "state/config_seal.h"
#include "support/test_util.h"
#include "util/file.h"

using namespace cvirt;
namespace fs = std::filesystem;

namespace {
std::string domainXml(const std::string& name, const std::string& extra = "") {
    return "<domain type='lxc'><name>" + name + "</name>" + extra +
           "<memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh</init></os>"
           "<devices><filesystem type='mount'><source dir='/srv/" +
           name + "'/><target dir='/'/></filesystem></devices></domain>";
}
}  // namespace

class ConnectionTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConnectionTest);
    CPPUNIT_TEST(defineAndLookup);
    CPPUNIT_TEST(redefineKeepsUuid);
    CPPUNIT_TEST(duplicateUuidRejected);
    CPPUNIT_TEST(changedUuidRejected);
    CPPUNIT_TEST(undefineRemovesEverything);
    CPPUNIT_TEST(autostartLink);
    CPPUNIT_TEST(listOrderAndFields);
    CPPUNIT_TEST(wrongDriverRejected);
    CPPUNIT_TEST(badXmlLeavesNothing);
    CPPUNIT_TEST(whatDefineAcceptsReadsBack);
    CPPUNIT_TEST(concurrentDefinesNeverTear);
    CPPUNIT_TEST_SUITE_END();

    testenv::TempDir* dir_ = nullptr;
    Connection conn() { return Connection::open(dir_->embedUri()); }
    fs::path configDir() { return dir_->path() / "etc/cvirt/lxc"; }

public:
    void setUp() override { dir_ = new testenv::TempDir; }
    void tearDown() override { delete dir_; }

    void defineAndLookup() {
        Connection c = conn();
        Domain d = c.define(domainXml("web"), "web.xml");
        CPPUNIT_ASSERT_EQUAL(std::string("web"), d.name());
        DomainSummary s = d.summary();
        CPPUNIT_ASSERT(s.state == DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(size_t(36), s.uuid.size());
        CPPUNIT_ASSERT_EQUAL(std::string("web"), c.lookup(s.uuid).name());
        CPPUNIT_ASSERT_EQUAL(std::string("web"), c.lookup("web").name());
        CPPUNIT_ASSERT(fs::exists(configDir() / "web.xml"));
        CPPUNIT_ASSERT(!c.find("nope"));
        try {
            c.lookup("nope");
            CPPUNIT_FAIL("lookup of a missing domain");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::NoDomain);
            CPPUNIT_ASSERT_EQUAL(std::string("failed to get domain 'nope'"), std::string(e.what()));
        }
        DomainInfo info = d.info();
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), info.maxMemKiB);
        CPPUNIT_ASSERT_EQUAL(std::string("exe"), info.osType);
        // the stored file is the canonical XML, with the uuid made explicit
        CPPUNIT_ASSERT(d.xml(true).find("<uuid>" + s.uuid + "</uuid>") != std::string::npos);
    }
    void redefineKeepsUuid() {
        Connection c = conn();
        std::string uuid = c.define(domainXml("a"), "a.xml").summary().uuid;
        Domain d = c.define(domainXml("a", "<title>second</title>"), "a.xml");
        CPPUNIT_ASSERT_EQUAL(uuid, d.summary().uuid);
        CPPUNIT_ASSERT_EQUAL(std::string("second"), d.summary().title);
    }
    void duplicateUuidRejected() {
        Connection c = conn();
        std::string uuid = c.define(domainXml("a"), "a.xml").summary().uuid;
        try {
            c.define(domainXml("b", "<uuid>" + uuid + "</uuid>"), "b.xml");
            CPPUNIT_FAIL("duplicate uuid accepted");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::DomainExists);
            CPPUNIT_ASSERT_EQUAL("domain 'a' is already defined with uuid " + uuid,
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT(!fs::exists(configDir() / "b.xml"));
    }
    void changedUuidRejected() {
        Connection c = conn();
        std::string uuid = c.define(domainXml("a"), "a.xml").summary().uuid;
        CPPUNIT_ASSERT_THROW(
            c.define(domainXml("a", "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"), "a.xml"),
            Error);
        CPPUNIT_ASSERT_EQUAL(uuid, c.lookup("a").summary().uuid);
    }
    void undefineRemovesEverything() {
        Connection c = conn();
        Domain d = c.define(domainXml("gone"), "gone.xml");
        std::string uuid = d.summary().uuid;
        d.setAutostart(true);
        d.undefine();
        CPPUNIT_ASSERT(!c.find("gone"));
        CPPUNIT_ASSERT(!fs::exists(configDir() / "gone.xml"));
        CPPUNIT_ASSERT(!fs::exists(configDir() / "autostart/gone.xml"));
        CPPUNIT_ASSERT(!fs::exists(fs::symlink_status(configDir() / ".uuid" / uuid)));
        CPPUNIT_ASSERT_THROW(c.lookup(uuid), Error);
        // the uuid is free again
        c.define(domainXml("other", "<uuid>" + uuid + "</uuid>"), "other.xml");
    }
    void autostartLink() {
        Connection c = conn();
        Domain d = c.define(domainXml("auto"), "auto.xml");
        CPPUNIT_ASSERT(!d.autostart());
        d.setAutostart(true);
        CPPUNIT_ASSERT(d.autostart());
        CPPUNIT_ASSERT_EQUAL(std::string("../auto.xml"),
                             fs::read_symlink(configDir() / "autostart/auto.xml").string());
        d.setAutostart(false);
        CPPUNIT_ASSERT(!d.autostart());
    }
    void listOrderAndFields() {
        Connection c = conn();
        for (const char* n : {"zeta", "alpha", "mid"})
            c.define(domainXml(n, "<title>t-" + std::string(n) + "</title>"), "x.xml");
        CPPUNIT_ASSERT(c.list({}).empty());  // active only by default
        auto all = c.list({.active = true, .inactive = true, .needUuid = true, .needTitle = true});
        CPPUNIT_ASSERT_EQUAL(size_t(3), all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("alpha"), all[0].name);
        CPPUNIT_ASSERT_EQUAL(std::string("mid"), all[1].name);
        CPPUNIT_ASSERT_EQUAL(std::string("t-zeta"), all[2].title);
        CPPUNIT_ASSERT_EQUAL(size_t(36), all[2].uuid.size());
        auto plain = c.list({.active = true, .inactive = true});
        CPPUNIT_ASSERT(plain[0].uuid.empty() && plain[0].title.empty());
        CPPUNIT_ASSERT(std::vector<std::string>({"alpha", "mid", "zeta"}) == c.domainNames());
    }
    void wrongDriverRejected() {
        Connection c = conn();
        std::string vm =
            "<domain type='qemu'><name>vm</name><memory>65536</memory><os><type>hvm</type>"
            "<kernel>/boot/vmlinuz</kernel></os></domain>";
        try {
            c.define(vm, "vm.xml");
            CPPUNIT_FAIL("qemu domain accepted by lxc:///");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::ConfigUnsupported);
        }
        Connection both = Connection::open(dir_->embedUri("cvirt"));
        both.define(vm, "vm.xml");
        both.define(domainXml("ct"), "ct.xml");
        auto all = both.list({.active = true, .inactive = true});
        CPPUNIT_ASSERT_EQUAL(size_t(2), all.size());
        CPPUNIT_ASSERT_EQUAL(std::string("lxc"), all[0].type);
        CPPUNIT_ASSERT_EQUAL(std::string("qemu"), all[1].type);
        // one name, one domain, across drivers
        CPPUNIT_ASSERT_THROW(both.define(domainXml("vm"), "vm2.xml"), Error);
    }
    void badXmlLeavesNothing() {
        Connection c = conn();
        CPPUNIT_ASSERT_THROW(c.define("<domain type='lxc'><name>x</name>", "bad.xml"), Error);
        CPPUNIT_ASSERT(c.list({.active = true, .inactive = true}).empty());
        CPPUNIT_ASSERT(!fs::exists(configDir() / "x.xml"));
    }
    // Issue 14 finding 12: <memory unit='b'>2^64-1</memory> defined, rounded up to a KiB count
    // the reader refused, and the domain could be neither started, undefined nor redefined.
    void whatDefineAcceptsReadsBack() {
        Connection c = conn();
        auto withMemory = [](const std::string& name, const std::string& memory) {
            return "<domain type='lxc'><name>" + name + "</name>" + memory +
                   "<os><type>exe</type><init>/bin/sh</init></os></domain>";
        };
        try {
            c.define(withMemory("huge", "<memory unit='b'>18446744073709551615</memory>"),
                     "huge.xml");
            CPPUNIT_FAIL("a size past 16 EiB - 1 KiB was defined");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("huge.xml:1: <memory>: numerical overflow: value "
                                             "'18446744073709551615' b is too large (at most "
                                             "18014398509481983 KiB)"),
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT(!fs::exists(configDir() / "huge.xml"));
        // the largest size accepted is stored in a form that reads back: info, redefine and
        // undefine all work on it
        std::string largest = withMemory("largest", "<memory>18014398509481983</memory>");
        Domain d = c.define(largest, "largest.xml");
        CPPUNIT_ASSERT_EQUAL(uint64_t(18014398509481983), d.info().maxMemKiB);
        c.define(largest, "largest.xml");
        d.undefine();
        CPPUNIT_ASSERT(!c.find("largest"));
    }
    // Two processes redefining one domain 200 times each: every read sees a whole document.
    void concurrentDefinesNeverTear() {
        std::string uri = dir_->embedUri();
        conn().define(domainXml("race"), "race.xml");
        pid_t kids[2];
        for (int k = 0; k < 2; ++k) {
            kids[k] = ::fork();
            if (kids[k] == 0) {
                int rc = 0;
                try {
                    Connection c = Connection::open(uri);
                    for (int i = 0; i < 200; ++i)
                        c.define(domainXml("race",
                                           "<title>" + std::to_string(k * 1000 + i) + "</title>"),
                                 "race.xml");
                } catch (...) {
                    rc = 1;
                }
                _exit(rc);
            }
        }
        fs::path file = configDir() / "race.xml";
        for (int i = 0; i < 300; ++i) {
            std::string text = util::readFile(file);
            CPPUNIT_ASSERT_MESSAGE(text, state::sealHolds(text));  // whole: its seal holds
            std::string_view xml = state::withoutSeal(text);
            CPPUNIT_ASSERT(xml.starts_with("<domain"));
            CPPUNIT_ASSERT(xml.find("</domain>") != std::string::npos);
        }
        for (pid_t p : kids) {
            int st = 0;
            ::waitpid(p, &st, 0);
            CPPUNIT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
        CPPUNIT_ASSERT_EQUAL(size_t(1), conn().list({.active = true, .inactive = true}).size());
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ConnectionTest);
