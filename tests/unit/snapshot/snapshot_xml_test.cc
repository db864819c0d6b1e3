// SPDX-License-Identifier: GPL-3.0-or-later
// Snapshot XML: every good case round-trips (format(parse(x)) == x, parse(format(d)) == d),
// every bad case fails with the exact message in its .err (CVIRT_TEST_REGENERATE=1 rewrites
// them), a create request refuses what the driver fills in, and the tree helpers.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <fstream>

#include "cvirt/error.h"
#include "snapshot/snapshot_def.h"
#include "snapshot/snapshot_store.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::snapshot;
namespace fs = std::filesystem;

class SnapshotXmlTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(SnapshotXmlTest);
    CPPUNIT_TEST(goodCasesRoundTrip);
    CPPUNIT_TEST(badCasesNameTheFault);
    CPPUNIT_TEST(requestsLeaveDriverFieldsAlone);
    CPPUNIT_TEST(everyEnumValueHasAName);
    CPPUNIT_TEST(tree);
    CPPUNIT_TEST_SUITE_END();

    fs::path data() const { return testenv::sourceDir() / "tests/data/snapshot"; }

public:
    void goodCasesRoundTrip() {
        auto files = testenv::filesIn(data() / "good", ".xml");
        CPPUNIT_ASSERT(!files.empty());
        for (const fs::path& f : files) {
            std::string text = testenv::readText(f);
            SnapshotDef def = parseSnapshot(text, {.filename = f.filename().string()});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(f.string(), text, formatSnapshot(def));
            CPPUNIT_ASSERT_MESSAGE(f.string(), parseSnapshot(formatSnapshot(def)) == def);
        }
        SnapshotDef c = parseSnapshot(testenv::readText(data() / "good/container.xml"));
        CPPUNIT_ASSERT(c.state == SnapState::Running);
        CPPUNIT_ASSERT(c.memory == Location::No);
        CPPUNIT_ASSERT_EQUAL(size_t(2), c.disks.size());
        CPPUNIT_ASSERT(c.disks[1].snapshot == Location::No);
        CPPUNIT_ASSERT(testenv::has(c.domainXml, "<name>web</name>"));
        SnapshotDef e = parseSnapshot(testenv::readText(data() / "good/external.xml"));
        CPPUNIT_ASSERT_EQUAL(std::string("/var/lib/cvirt/images/vm.disk-only"),
                             e.disks[0].sourceFile);
    }

    void badCasesNameTheFault() {
        auto files = testenv::filesIn(data() / "bad", ".xml");
        CPPUNIT_ASSERT(!files.empty());
        for (const fs::path& f : files) {
            std::string message;
            try {
                parseSnapshot(testenv::readText(f), {.filename = f.filename().string()});
            } catch (const Error& e) {
                message = e.what();
            }
            CPPUNIT_ASSERT_MESSAGE(f.string() + " was accepted", !message.empty());
            fs::path err = f;
            err.replace_extension(".err");
            if (std::getenv("CVIRT_TEST_REGENERATE")) std::ofstream(err) << message << "\n";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(f.string(), testenv::readText(err), message + "\n");
        }
    }

    void requestsLeaveDriverFieldsAlone() {
        for (const char* part : {"<state>running</state>", "<creationTime>1</creationTime>",
                                 "<parent><name>p</name></parent>", "<active>1</active>"}) {
            std::string xml =
                std::string("<domainsnapshot><name>s</name>") + part + "</domainsnapshot>";
            CPPUNIT_ASSERT_NO_THROW(parseSnapshot(xml));
            CPPUNIT_ASSERT_THROW_MESSAGE(part, parseSnapshot(xml, {.request = true}), Error);
        }
        SnapshotDef def = parseSnapshot("<domainsnapshot/>", {.request = true});
        CPPUNIT_ASSERT(def.name.empty());
    }

    void everyEnumValueHasAName() {
        for (size_t i = 0; i < kSnapStateNames.size(); ++i)
            CPPUNIT_ASSERT(!kSnapStateNames.names[i].empty());
        for (size_t i = 0; i < kLocationNames.size(); ++i)
            CPPUNIT_ASSERT(kLocationNames.find(kLocationNames.names[i]) ==
                           static_cast<Location>(i));
    }

    void tree() {
        std::vector<SnapshotDef> all(5);
        const char* names[] = {"a", "b", "c", "d", "e"};
        const char* parents[] = {"", "a", "b", "a", ""};
        for (int i = 0; i < 5; ++i) {
            all[i].name = names[i];
            all[i].parent = parents[i];
        }
        CPPUNIT_ASSERT((childrenOf(all, "a") == std::vector<std::string>{"b", "d"}));
        CPPUNIT_ASSERT((descendantsOf(all, "a") == std::vector<std::string>{"b", "c", "d"}));
        CPPUNIT_ASSERT(descendantsOf(all, "e").empty());
        CPPUNIT_ASSERT_THROW(checkSnapshotName(".hidden"), Error);
        CPPUNIT_ASSERT_THROW(checkSnapshotName(""), Error);
        CPPUNIT_ASSERT_NO_THROW(checkSnapshotName("before upgrade"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SnapshotXmlTest);
