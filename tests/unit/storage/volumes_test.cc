// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/volumes.h"

#include <cppunit/extensions/HelperMacros.h>

#include "cvirt/error.h"
#include "storage/archive_path.h"
#include "storage/layers.h"
#include "support/test_util.h"
#include "util/file.h"

using namespace cvirt;
using namespace cvirt::storage;

class VolumesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(VolumesTest);
    CPPUNIT_TEST(rawAndDirVolumes);
    CPPUNIT_TEST(dirCloneIsAnOverlayChild);
    CPPUNIT_TEST(leftoversAreSwept);
    CPPUNIT_TEST(memberPathsStayInside);
    CPPUNIT_TEST(linksStayInside);
    CPPUNIT_TEST_SUITE_END();

    static PoolDef pool(const testenv::TempDir& d) {
        PoolDef p;
        p.name = "p";
        p.target = d.path().string();
        return p;
    }

    void rawAndDirVolumes() {
        testenv::TempDir d;
        PoolDef p = pool(d);
        VolDef raw;
        raw.name = "disk";
        raw.capacity = 1 << 20;
        createVolume(p, raw);
        VolDef dir;
        dir.name = "root";
        dir.format = VolFormat::Dir;
        createVolume(p, dir);
        CPPUNIT_ASSERT(volumeNames(p) == std::vector<std::string>({"disk", "root"}));
        auto info = volumeInfo(p, "disk");
        CPPUNIT_ASSERT(info && info->def.format == VolFormat::Raw);
        CPPUNIT_ASSERT_EQUAL(uint64_t(1) << 20, info->def.capacity);
        CPPUNIT_ASSERT_THROW(createVolume(p, raw), Error);  // the name is taken
        resizeVolume(p, "disk", 2 << 20, false);
        CPPUNIT_ASSERT_EQUAL(uint64_t(2) << 20, volumeInfo(p, "disk")->def.capacity);
        CPPUNIT_ASSERT_THROW(resizeVolume(p, "disk", 1, false), Error);  // shrink unasked
        util::writeFileAtomic(d.path() / "root" / "f", "x");
        wipeVolume(p, "root");
        CPPUNIT_ASSERT(!std::filesystem::exists(d.path() / "root" / "f"));
        deleteVolume(p, "disk");
        CPPUNIT_ASSERT(!volumeInfo(p, "disk"));
        CPPUNIT_ASSERT_THROW(deleteVolume(p, "disk"), Error);
    }
    void dirCloneIsAnOverlayChild() {
        testenv::TempDir d;
        PoolDef p = pool(d);
        VolDef dir;
        dir.name = "base";
        dir.format = VolFormat::Dir;
        createVolume(p, dir);
        cloneVolume(p, "base", "c1");
        cloneVolume(p, "c1", "c2");
        auto info = volumeInfo(p, "c1");
        CPPUNIT_ASSERT(info && info->clone);
        CPPUNIT_ASSERT_EQUAL((d.path() / "base").string(), info->def.backingPath);
        CPPUNIT_ASSERT(dependants(p, "base") == std::vector<std::string>({"c1"}));
        auto o = cloneOverlay(d.path() / "c2");
        CPPUNIT_ASSERT(o && o->lowers.size() == 2);
        try {
            deleteVolume(p, "c1");
            CPPUNIT_FAIL("a volume with clones was deleted");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(
                std::string("cannot delete volume 'c1': clones depend on it: 'c2'"),
                std::string(e.what()));
        }
        deleteVolume(p, "c2");
        deleteVolume(p, "c1");
        CPPUNIT_ASSERT(!std::filesystem::exists(cloneLayerDir(p.target, "c1")));
        CPPUNIT_ASSERT(volumeNames(p) == std::vector<std::string>({"base"}));
    }
    void leftoversAreSwept() {
        testenv::TempDir d;
        PoolDef p = pool(d);
        // a creation killed midway (pid 2^22+1 is above pid_max's default and unused) and
        // a clone's layers that never got their volume
        util::makeDirs(d.path() / ".x.tmp-4194305");
        util::makeDirs(cloneLayerDir(p.target, "gone") / "upper");
        util::makeDirs(d.path() / (".live.tmp-" + std::to_string(::getpid())));
        removeLeftovers(p);
        CPPUNIT_ASSERT(!std::filesystem::exists(d.path() / ".x.tmp-4194305"));
        CPPUNIT_ASSERT(!std::filesystem::exists(cloneLayerDir(p.target, "gone")));
        CPPUNIT_ASSERT(
            std::filesystem::exists(d.path() / (".live.tmp-" + std::to_string(::getpid()))));
        CPPUNIT_ASSERT(volumeNames(p).empty());
    }
    void memberPathsStayInside() {
        CPPUNIT_ASSERT(memberPath("./usr/bin/") == std::vector<std::string>({"usr", "bin"}));
        CPPUNIT_ASSERT(memberPath("./").empty());
        CPPUNIT_ASSERT_THROW(memberPath("/etc/passwd"), Error);
        CPPUNIT_ASSERT_THROW(memberPath("a/../../b"), Error);
        CPPUNIT_ASSERT_THROW(memberPath("a/.."), Error);
    }
    void linksStayInside() {
        CPPUNIT_ASSERT(linkStaysInside({"bin", "sh"}, "busybox"));
        CPPUNIT_ASSERT(linkStaysInside({"bin", "sh"}, "/bin/busybox"));
        CPPUNIT_ASSERT(linkStaysInside({"usr", "bin", "x"}, "../../bin/busybox"));
        CPPUNIT_ASSERT(!linkStaysInside({"usr", "bin", "x"}, "../../../etc"));
        CPPUNIT_ASSERT(!linkStaysInside({"l"}, ".."));
        CPPUNIT_ASSERT(!linkStaysInside({"l"}, "/../.."));
        CPPUNIT_ASSERT(!linkStaysInside({"l"}, ""));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(VolumesTest);
