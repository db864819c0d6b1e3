// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/layers.h"

#include <cppunit/extensions/HelperMacros.h>

#include "cvirt/error.h"
#include "support/test_util.h"
#include "util/file.h"

using namespace cvirt;
using namespace cvirt::storage;

class LayersTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(LayersTest);
    CPPUNIT_TEST(plainDirIsItsOwnWritableLayer);
    CPPUNIT_TEST(cloneOfCloneStacksLowers);
    CPPUNIT_TEST(brokenChainsAreRefused);
    CPPUNIT_TEST(dependantsAreTheClonesStandingOnIt);
    CPPUNIT_TEST(optionsRefuseSeparators);
    CPPUNIT_TEST_SUITE_END();

    // POOL/name with the layer record of a clone of `source`.
    static void makeClone(const fs::path& pool, const std::string& name,
                          const std::string& source) {
        util::makeDirs(pool / name);
        util::makeDirs(cloneLayerDir(pool, name) / "upper");
        util::makeDirs(cloneLayerDir(pool, name) / "work");
        util::writeFileAtomic(cloneLayerDir(pool, name) / "source", source + "\n");
    }

    void plainDirIsItsOwnWritableLayer() {
        testenv::TempDir d;
        util::makeDirs(d.path() / "base");
        CPPUNIT_ASSERT(!cloneOverlay(d.path() / "base"));
        CPPUNIT_ASSERT_EQUAL(d.path() / "base", writableLayer(d.path() / "base"));
        CPPUNIT_ASSERT(!cloneOverlay("/nonexistent/x"));
    }
    void cloneOfCloneStacksLowers() {
        testenv::TempDir d;
        fs::path p = d.path();
        util::makeDirs(p / "base");
        makeClone(p, "mid", "base");
        makeClone(p, "top", "mid");
        auto o = cloneOverlay(p / "top/");
        CPPUNIT_ASSERT(o);
        CPPUNIT_ASSERT_EQUAL(size_t(2), o->lowers.size());
        CPPUNIT_ASSERT_EQUAL(cloneLayerDir(p, "mid") / "upper", o->lowers[0]);
        CPPUNIT_ASSERT_EQUAL(p / "base", o->lowers[1]);
        CPPUNIT_ASSERT_EQUAL(cloneLayerDir(p, "top") / "upper", o->upper);
        CPPUNIT_ASSERT_EQUAL(cloneLayerDir(p, "top") / "upper", writableLayer(p / "top"));
        CPPUNIT_ASSERT_EQUAL("lowerdir=" + (cloneLayerDir(p, "mid") / "upper").string() + ":" +
                                 (p / "base").string() + ",upperdir=" + o->upper.string() +
                                 ",workdir=" + o->work.string(),
                             overlayOptions(*o));
    }
    void brokenChainsAreRefused() {
        testenv::TempDir d;
        fs::path p = d.path();
        makeClone(p, "a", "b");
        makeClone(p, "b", "a");
        CPPUNIT_ASSERT_THROW(cloneOverlay(p / "a"), Error);
        makeClone(p, "c", "gone");
        CPPUNIT_ASSERT_THROW(cloneOverlay(p / "c"), Error);
        makeClone(p, "e", "../etc");
        CPPUNIT_ASSERT_THROW(cloneOverlay(p / "e"), Error);
    }
    void dependantsAreTheClonesStandingOnIt() {
        testenv::TempDir d;
        fs::path p = d.path();
        util::makeDirs(p / "base");
        makeClone(p, "c2", "base");
        makeClone(p, "c1", "base");
        makeClone(p, "d", "c1");
        // a layer whose volume never got in place (a killed clone) is no dependant
        util::makeDirs(cloneLayerDir(p, "orphan") / "upper");
        util::writeFileAtomic(cloneLayerDir(p, "orphan") / "source", "base\n");
        CPPUNIT_ASSERT(cloneDependants(p / "base") == std::vector<std::string>({"c1", "c2"}));
        CPPUNIT_ASSERT(cloneDependants(p / "c1") == std::vector<std::string>({"d"}));
        CPPUNIT_ASSERT(cloneDependants(p / "d").empty());
    }
    void optionsRefuseSeparators() {
        Overlay o{{"/a:b"}, "/u", "/w"};
        CPPUNIT_ASSERT_THROW(overlayOptions(o), Error);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(LayersTest);
