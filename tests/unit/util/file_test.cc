// SPDX-License-Identifier: GPL-3.0-or-later
#include <cppunit/extensions/HelperMacros.h>
#include <sys/stat.h>

#include "cvirt/error.h"
#include "support/test_util.h"
#include "util/file.h"

using namespace cvirt;
using namespace cvirt::util;

class FileTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(FileTest);
    CPPUNIT_TEST(atomicWriteReplaces);
    CPPUNIT_TEST(atomicWriteLeavesNoTemp);
    CPPUNIT_TEST(missingFileNamesPath);
    CPPUNIT_TEST(makeDirsNested);
    CPPUNIT_TEST(headReadsAtMostMax);
    CPPUNIT_TEST_SUITE_END();

    void atomicWriteReplaces() {
        testenv::TempDir d;
        auto p = d.path() / "a.xml";
        writeFileAtomic(p, "one");
        writeFileAtomic(p, "two", 0640);
        CPPUNIT_ASSERT_EQUAL(std::string("two"), readFile(p));
        struct stat st {};
        CPPUNIT_ASSERT_EQUAL(0, ::stat(p.c_str(), &st));
        CPPUNIT_ASSERT_EQUAL(0640u, static_cast<unsigned>(st.st_mode & 0777));
    }
    void atomicWriteLeavesNoTemp() {
        testenv::TempDir d;
        writeFileAtomic(d.path() / "x", "data");
        int n = 0;
        for (auto& e : std::filesystem::directory_iterator(d.path()))
            (void)e, ++n;
        CPPUNIT_ASSERT_EQUAL(1, n);
        // A write into a missing directory fails and leaves nothing.
        CPPUNIT_ASSERT_THROW(writeFileAtomic(d.path() / "no" / "x", "d"), Error);
    }
    void missingFileNamesPath() {
        try {
            readFile("/nonexistent/cvirt");
            CPPUNIT_FAIL("expected an error");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(
                std::string("cannot read '/nonexistent/cvirt': No such file or directory"),
                std::string(e.what()));
            CPPUNIT_ASSERT_EQUAL(ENOENT, e.sysErrno());
        }
        CPPUNIT_ASSERT(!readFileIfExists("/nonexistent/cvirt"));
    }
    void makeDirsNested() {
        testenv::TempDir d;
        makeDirs(d.path() / "a" / "b" / "c");
        CPPUNIT_ASSERT(std::filesystem::is_directory(d.path() / "a" / "b" / "c"));
        CPPUNIT_ASSERT(removeFile(d.path() / "nothing") == false);
    }
    void headReadsAtMostMax() {
        testenv::TempDir d;
        writeFileReplace(d.path() / "x", "<domain type='lxc' id='7'>");
        CPPUNIT_ASSERT_EQUAL(std::string("<domain"), *readFileHead(d.path() / "x", 7));
        CPPUNIT_ASSERT_EQUAL(std::string("<domain type='lxc' id='7'>"),
                             *readFileHead(d.path() / "x", 256));
        CPPUNIT_ASSERT(!readFileHead(d.path() / "missing", 256));
        CPPUNIT_ASSERT_THROW(readFileHead(d.path(), 1), Error);  // a directory: EISDIR
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(FileTest);
