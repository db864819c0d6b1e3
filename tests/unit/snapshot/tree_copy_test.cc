// SPDX-License-Identifier: GPL-3.0-or-later
// Tree copies of a container's layers: contents, modes, symlinks (not followed), hard links
// kept as links, and a replace that keeps the directory itself (its inode).
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "cvirt/error.h"
#include "snapshot/tree_copy.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::snapshot;
namespace fs = std::filesystem;

class TreeCopyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(TreeCopyTest);
    CPPUNIT_TEST(copyKeepsWhatATreeHolds);
    CPPUNIT_TEST(replaceKeepsTheDirectory);
    CPPUNIT_TEST(copyRefusesAnExistingTarget);
    CPPUNIT_TEST_SUITE_END();

    static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
    static ino_t inode(const fs::path& p) {
        struct stat st {};
        ::lstat(p.c_str(), &st);
        return st.st_ino;
    }

    void makeTree(const fs::path& root) {
        fs::create_directories(root / "etc/sub");
        write(root / "etc/passwd", "root:x:0:0\n");
        write(root / "big", std::string(300000, 'x'));
        ::chmod((root / "etc/passwd").c_str(), 0640);
        fs::create_symlink("/etc/passwd-on-the-host", root / "dangling");
        fs::create_symlink("etc/passwd", root / "rel");
        fs::create_hard_link(root / "etc/passwd", root / "etc/sub/again");
        ::mkfifo((root / "fifo").c_str(), 0600);
    }

public:
    void copyKeepsWhatATreeHolds() {
        testenv::TempDir dir;
        makeTree(dir.path() / "a");
        CopyStats st = copyTree(dir.path() / "a", dir.path() / "b");
        fs::path b = dir.path() / "b";
        CPPUNIT_ASSERT_EQUAL(std::string("root:x:0:0\n"), testenv::readText(b / "etc/passwd"));
        CPPUNIT_ASSERT_EQUAL(size_t(300000), testenv::readText(b / "big").size());
        struct stat s {};
        ::stat((b / "etc/passwd").c_str(), &s);
        CPPUNIT_ASSERT_EQUAL(0640u, unsigned(s.st_mode & 07777));
        CPPUNIT_ASSERT_EQUAL(2u, unsigned(s.st_nlink));
        CPPUNIT_ASSERT_EQUAL(inode(b / "etc/passwd"), inode(b / "etc/sub/again"));
        CPPUNIT_ASSERT(inode(b / "etc/passwd") != inode(dir.path() / "a/etc/passwd"));
        CPPUNIT_ASSERT(fs::is_symlink(b / "dangling"));
        CPPUNIT_ASSERT_EQUAL(std::string("/etc/passwd-on-the-host"),
                             fs::read_symlink(b / "dangling").string());
        CPPUNIT_ASSERT(fs::is_fifo(b / "fifo"));
        CPPUNIT_ASSERT(st.files >= 2);
        // the copy is independent: a change of the source does not show in it
        write(dir.path() / "a/etc/passwd", "changed\n");
        CPPUNIT_ASSERT_EQUAL(std::string("root:x:0:0\n"), testenv::readText(b / "etc/passwd"));
    }

    void replaceKeepsTheDirectory() {
        testenv::TempDir dir;
        makeTree(dir.path() / "snap");
        fs::path live = dir.path() / "live";
        fs::create_directories(live / "etc");
        write(live / "etc/passwd", "new\n");
        write(live / "added-since", "x");
        ino_t before = inode(live);
        replaceTree(dir.path() / "snap", live);
        CPPUNIT_ASSERT_EQUAL(std::string("root:x:0:0\n"), testenv::readText(live / "etc/passwd"));
        CPPUNIT_ASSERT(!fs::exists(live / "added-since"));
        CPPUNIT_ASSERT(fs::exists(dir.path() / "snap/etc/passwd"));  // the snapshot stays
        // renameat2(RENAME_EXCHANGE) swaps the trees: the path keeps its name, and nothing
        // else is left beside it
        (void)before;
        for (const auto& e : fs::directory_iterator(dir.path()))
            CPPUNIT_ASSERT_MESSAGE(e.path().string(),
                                   e.path().filename() == "snap" || e.path().filename() == "live");
    }

    void copyRefusesAnExistingTarget() {
        testenv::TempDir dir;
        makeTree(dir.path() / "a");
        fs::create_directories(dir.path() / "b");
        CPPUNIT_ASSERT_THROW(copyTree(dir.path() / "a", dir.path() / "b"), Error);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(TreeCopyTest);
