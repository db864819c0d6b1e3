// SPDX-License-Identifier: GPL-3.0-or-later
// ConfigStore: what it stores reads back as the definition it was given (issue 14 finding 12),
// and a config that no longer parses can still be removed.
#include <cppunit/extensions/HelperMacros.h>

#include "conf/domain.h"
#include "conf/xml_util.h"
#include "cvirt/error.h"
#include "state/config_seal.h"
#include "state/config_store.h"
#include "support/test_util.h"
#include "util/file.h"
#include "util/uuid.h"

using namespace cvirt;
namespace fs = std::filesystem;

class ConfigStoreTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConfigStoreTest);
    CPPUNIT_TEST(refusesWhatWouldNotReadBack);
    CPPUNIT_TEST(removesAnUnreadableConfig);
    CPPUNIT_TEST(refusesANameItsSocketCannotHold);
    CPPUNIT_TEST(aSealNamesTheDigestOfWhatFollows);
    CPPUNIT_TEST(aSealedConfigIsTrustedAnEditedOneChecked);
    CPPUNIT_TEST_SUITE_END();

    testenv::TempDir* dir_ = nullptr;
    state::ConfigStore store() {
        return state::ConfigStore(state::driverPaths(state::DriverKind::Lxc, dir_->path()));
    }
    conf::DomainDef domain(const std::string& name) {
        conf::DomainDef def = conf::loadDomain(
            "<domain type='lxc'><name>" + name +
            "</name><memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh</init>"
            "</os></domain>");
        return def;
    }

public:
    void setUp() override { dir_ = new testenv::TempDir; }
    void tearDown() override { delete dir_; }

    void refusesWhatWouldNotReadBack() {
        state::ConfigStore s = store();
        conf::DomainDef def = domain("big");
        def.memory.kib = conf::kMaxKiB + 1;  // what the parser rounded up to before the fix
        def.currentMemory = def.memory;
        try {
            s.save(def);
            CPPUNIT_FAIL("a config that does not read back was stored");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::XmlError);
            std::string what = e.what();
            CPPUNIT_ASSERT_MESSAGE(
                what, what.starts_with("domain 'big' would be stored as a configuration that "
                                       "does not read back as defined: "));
            CPPUNIT_ASSERT_MESSAGE(what, what.find("numerical overflow") != std::string::npos);
        }
        CPPUNIT_ASSERT(!s.exists("big"));
        def.memory.kib = def.currentMemory->kib = conf::kMaxKiB;
        s.save(def);
        CPPUNIT_ASSERT(*s.load("big") == def);
    }

    void removesAnUnreadableConfig() {
        state::ConfigStore s = store();
        conf::DomainDef def = domain("broken");
        s.save(def);
        s.setAutostart("broken", true);
        fs::path file = s.paths().configDir / "broken.xml";
        std::string xml = testenv::readText(file);
        size_t at = xml.find("65536</memory>");
        CPPUNIT_ASSERT(at != std::string::npos);
        xml.replace(at, 5, std::to_string(conf::kMaxKiB + 1));
        util::writeFileAtomic(file, xml, 0600);
        CPPUNIT_ASSERT_THROW(s.load("broken"), Error);
        s.remove("broken");
        CPPUNIT_ASSERT(!s.exists("broken"));
        CPPUNIT_ASSERT(!s.autostart("broken"));
        CPPUNIT_ASSERT(!s.nameForUuid(util::formatUuid(*def.uuid)));
        CPPUNIT_ASSERT(fs::is_empty(s.paths().uuidDir));
    }

    // Issue 14 finding 16: a name that defined but could never start (the control socket's
    // path is longer than sun_path holds).
    void refusesANameItsSocketCannotHold() {
        state::ConfigStore s = store();
        std::string dir = s.paths().runDir.string() + "/";
        size_t fits = 107 - dir.size() - 5;  // NAME.sock
        conf::DomainDef def = conf::loadDomain(
            "<domain type='qemu'><name>" + std::string(fits + 1, 'v') +
            "</name><memory unit='MiB'>64</memory><os><type>hvm</type><kernel>/k</kernel>"
            "</os></domain>");
        try {
            s.save(def);
            CPPUNIT_FAIL("a name whose socket path is 108 bytes was stored");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("domain name '" + def.name +
                                             "' is too long for this connection: its control "
                                             "socket '" +
                                             dir + def.name +
                                             ".sock' would be 108 bytes (at "
                                             "most 107)"),
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT(!s.exists(def.name));
        def.name.pop_back();
        s.save(def);
        CPPUNIT_ASSERT(s.exists(def.name));
    }

    void aSealNamesTheDigestOfWhatFollows() {
        std::string xml = "<domain type='lxc'>\n  <name>a</name>\n</domain>\n";
        std::string sealed = state::sealConfig("a", xml);
        CPPUNIT_ASSERT_MESSAGE(sealed, sealed.starts_with("<!-- cvirt config "));
        CPPUNIT_ASSERT_MESSAGE(sealed, testenv::has(sealed, "'cvirsh edit a'"));
        CPPUNIT_ASSERT(sealed.ends_with("-->\n" + xml));
        CPPUNIT_ASSERT(state::sealHolds(sealed));
        CPPUNIT_ASSERT_EQUAL(xml, std::string(state::withoutSeal(sealed)));
        // one byte changed after the seal, or in the digest itself: not intact
        std::string edited = sealed;
        edited[edited.size() - 3] = 'X';
        CPPUNIT_ASSERT(!state::sealHolds(edited));
        edited = sealed;
        edited[std::string_view("<!-- cvirt config ").size()] ^= 1;
        CPPUNIT_ASSERT(!state::sealHolds(edited));
        // no seal (written before seals, or by hand): the whole text, not intact
        CPPUNIT_ASSERT(!state::sealHolds(xml));
        CPPUNIT_ASSERT_EQUAL(xml, std::string(state::withoutSeal(xml)));
        std::string other = "<!-- mine -->\n" + xml;
        CPPUNIT_ASSERT(!state::sealHolds(other));
        CPPUNIT_ASSERT_EQUAL(other, std::string(state::withoutSeal(other)));
        // a name a one-line comment cannot hold is not written into it
        for (std::string name : {"a--b", "a-", "a\nb"}) {
            sealed = state::sealConfig(name, xml);
            CPPUNIT_ASSERT_MESSAGE(name, testenv::has(sealed, "'cvirsh edit NAME'"));
            CPPUNIT_ASSERT_MESSAGE(name, state::sealHolds(sealed));
        }
    }

    // Start reads a config cvirt sealed without the schema pass; a hand edit (or a seal
    // copied onto other text) is checked against the schema, and errors name lines as on disk.
    void aSealedConfigIsTrustedAnEditedOneChecked() {
        state::ConfigStore s = store();
        conf::DomainDef def = domain("web");
        s.save(def);
        fs::path file = s.paths().configDir / "web.xml";
        std::string sealed = testenv::readText(file);
        std::optional<state::ConfigStore::Stored> stored = s.read("web");
        CPPUNIT_ASSERT(stored && stored->intact);
        CPPUNIT_ASSERT_EQUAL(sealed, stored->text);
        CPPUNIT_ASSERT_EQUAL(conf::formatDomain(def), *s.readXml("web"));  // no seal shown
        CPPUNIT_ASSERT(*s.load("web") == def);

        // an element the schema does not know, added by hand: refused, naming file and line
        std::string edited = sealed;
        size_t at = edited.find("<os>");
        CPPUNIT_ASSERT(at != std::string::npos);
        edited.insert(at, "<bogus/>\n  ");
        util::writeFileAtomic(file, edited, 0600);
        CPPUNIT_ASSERT(!s.read("web")->intact);
        try {
            s.load("web");
            CPPUNIT_FAIL("a hand-edited config with an unknown element loaded");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::XmlError);
            std::string what = e.what();
            size_t line = 1 + std::count(edited.begin(), edited.begin() + at, '\n');
            CPPUNIT_ASSERT_MESSAGE(
                what, what.starts_with(file.string() + ":" + std::to_string(line) + ": "));
            CPPUNIT_ASSERT_MESSAGE(what, testenv::has(what, "bogus"));
        }
        // the same text under a seal of its own is what cvirt wrote: no schema pass
        util::writeFileAtomic(file, state::sealConfig("web", edited.substr(edited.find('\n') + 1)),
                              0600);
        CPPUNIT_ASSERT(s.read("web")->intact);
        CPPUNIT_ASSERT(*s.load("web") == def);  // the builder ignores what it does not know

        // a valid hand edit is taken as edited
        edited = sealed;
        at = edited.find("65536</memory>");
        CPPUNIT_ASSERT(at != std::string::npos);
        edited.replace(at, 5, "32768");
        util::writeFileAtomic(file, edited, 0600);
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), s.load("web")->memory.kib);
        // an unsealed config (written before seals) is checked too
        util::writeFileAtomic(file, conf::formatDomain(def), 0600);
        CPPUNIT_ASSERT(!s.read("web")->intact);
        CPPUNIT_ASSERT(*s.load("web") == def);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ConfigStoreTest);
