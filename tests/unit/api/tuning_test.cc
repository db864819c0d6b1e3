// SPDX-License-Identifier: GPL-3.0-or-later
// Domain::tune and Domain::tuning (driver/api/tuning.cc) against the fake backend: which
// definition a change goes to, what the backend is asked, and that a failure anywhere leaves
// the stored config and the live XML as they were.
#include <unistd.h>

#include "api_fixture.h"
#include "util/file.h"

using namespace cvirt;
using namespace cvirt::fake;

namespace {

uint64_t currentKiB(const conf::DomainDef& def) {
    return def.currentMemory ? def.currentMemory->kib : def.memory.kib;
}

}  // namespace

class TuningTest : public ApiFixture {
    CPPUNIT_TEST_SUITE(TuningTest);
    CPPUNIT_TEST(aLiveChangeAsksTheBackendWithBeforeAndAfter);
    CPPUNIT_TEST(currentMeansLiveOnARunningDomain);
    CPPUNIT_TEST(aConfigChangeOnlyPersists);
    CPPUNIT_TEST(aStoppedDomainChangesItsConfig);
    CPPUNIT_TEST(bothChangesBoth);
    CPPUNIT_TEST(aBackendFailureChangesNothing);
    CPPUNIT_TEST(aFailureAfterTheBackendPutsItBack);
    CPPUNIT_TEST(refusedChangesNeverReachTheBackend);
    CPPUNIT_TEST(aTransientDomainHasNoConfig);
    CPPUNIT_TEST_SUITE_END();

public:
    void aLiveChangeAsksTheBackendWithBeforeAndAfter() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        conf::DomainDef before = live("web");
        d.tune({.memoryKiB = 32768, .cpuShares = 512}, {.live = true});
        Call change = onlyCall("changeResources");
        CPPUNIT_ASSERT_EQUAL(1, change.id);
        CPPUNIT_ASSERT(change.defs.at(0) == before);
        const conf::DomainDef& after = change.defs.at(1);
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(after));
        CPPUNIT_ASSERT_EQUAL(uint64_t(512), after.cputune.shares.value_or(0));
        // the live XML is the definition the backend was given, with the id kept
        CPPUNIT_ASSERT(live("web") == after);
        CPPUNIT_ASSERT(testenv::has(liveText("web"), "id='1'"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), currentKiB(stored("web")));
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), d.tuning({.live = true}).memoryKiB.value_or(0));
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), d.tuning({.config = true}).memoryKiB.value_or(0));
        CPPUNIT_ASSERT_EQUAL(std::string(""), strayFiles());
    }

    void currentMeansLiveOnARunningDomain() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        d.tune({.memoryKiB = 32768});
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("changeResources"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(live("web")));
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), currentKiB(stored("web")));
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), d.tuning().memoryKiB.value_or(0));
    }

    void aConfigChangeOnlyPersists() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::string liveBefore = liveText("web");
        d.tune({.memoryKiB = 32768}, {.config = true});
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("changeResources"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(stored("web")));
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
    }

    void aStoppedDomainChangesItsConfig() {
        Connection c = open();
        Domain d = c.define(containerXml("web"), "web.xml");
        d.tune({.memoryKiB = 32768});
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(stored("web")));
        CPPUNIT_ASSERT(host().callsFor("web").empty());
        CPPUNIT_ASSERT_EQUAL(std::string(""), stateFiles("web"));
    }

    void bothChangesBoth() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        d.tune({.memoryKiB = 32768}, {.live = true, .config = true});
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("changeResources"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(live("web")));
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(stored("web")));
    }

    void aBackendFailureChangesNothing() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::string liveBefore = liveText("web");
        std::string storedBefore = util::readFile(paths().configDir / "web.xml");
        host().failNext("changeResources",
                        Error(ErrorCode::SystemError, "cannot write 'memory.max'", EBUSY));
        ASSERT_ERROR(ErrorCode::SystemError, "cannot write 'memory.max': Device or resource busy",
                     d.tune({.memoryKiB = 32768}, {.live = true, .config = true}));
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("changeResources"));  // nothing to undo
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
        CPPUNIT_ASSERT_EQUAL(storedBefore, util::readFile(paths().configDir / "web.xml"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), strayFiles());
    }

    // The live record cannot be replaced once the backend changed the domain (a directory
    // stands where it goes: refused to root as well): the change is put back, the config
    // written ahead is written back as it was, the staged live XML dropped.
    void aFailureAfterTheBackendPutsItBack() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::filesystem::path record = paths().runDir / "web.xml";
        std::string liveBefore = liveText("web");
        std::filesystem::path config = paths().configDir / "web.xml";
        std::string storedBefore = util::readFile(config);
        host().onNext("changeResources", [&] {
            // the config is written ahead of the change
            CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(stored("web")));
            std::filesystem::rename(record, record.string() + ".aside");
            std::filesystem::create_directories(record / "in-the-way");
        });
        try {
            d.tune({.memoryKiB = 32768}, {.live = true, .config = true});
            CPPUNIT_FAIL("the live record was replaced by a directory, and the change went on");
        } catch (const Error& e) {
            CPPUNIT_ASSERT(e.code() == ErrorCode::SystemError);
            CPPUNIT_ASSERT_EQUAL(EISDIR, e.sysErrno());
        }
        auto changes = host().calls("changeResources");
        CPPUNIT_ASSERT_EQUAL(size_t(2), changes.size());
        CPPUNIT_ASSERT(changes[1].defs.at(0) == changes[0].defs.at(1));  // reversed
        CPPUNIT_ASSERT(changes[1].defs.at(1) == changes[0].defs.at(0));
        CPPUNIT_ASSERT_EQUAL(storedBefore, util::readFile(config));
        std::filesystem::remove_all(record);
        std::filesystem::rename(record.string() + ".aside", record);
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
        CPPUNIT_ASSERT_EQUAL(std::string(""), strayFiles());
    }

    void refusedChangesNeverReachTheBackend() {
        Connection c = open();
        Domain d = startContainer(c, "web");
        std::string liveBefore = liveText("web");
        ASSERT_ERROR(ErrorCode::OperationInvalid,
                     "cannot resize the maximum memory on an active domain",
                     d.tune({.maxMemoryKiB = 131072}, {.live = true}));
        ASSERT_ERROR(ErrorCode::InvalidArg, "cannot set memory higher than max memory (65536 KiB)",
                     d.tune({.memoryKiB = 131072}, {.live = true, .config = true}));
        ASSERT_ERROR(ErrorCode::InvalidArg, "--live and --config cannot be read together",
                     d.tuning({.live = true, .config = true}));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("changeResources"));
        CPPUNIT_ASSERT_EQUAL(liveBefore, liveText("web"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(65536), currentKiB(stored("web")));
    }

    void aTransientDomainHasNoConfig() {
        Connection c = open();
        Domain d = c.create(containerXml("tmp"), "tmp.xml");
        ASSERT_ERROR(ErrorCode::OperationInvalid,
                     "transient domains do not have any persistent config",
                     d.tune({.memoryKiB = 32768}, {.config = true}));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("changeResources"));
        d.tune({.memoryKiB = 32768});  // current: the live one
        CPPUNIT_ASSERT_EQUAL(size_t(1), host().count("changeResources"));
        CPPUNIT_ASSERT_EQUAL(uint64_t(32768), currentKiB(live("tmp")));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(TuningTest);
