// SPDX-License-Identifier: GPL-3.0-or-later
// Every invalid document is refused with exactly the message in <case>.err, naming file,
// line and element where known. CVIRT_TEST_REGENERATE=1 rewrites the .err files.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "support/test_util.h"

using namespace cvirt;
namespace fs = std::filesystem;

class BadCatalogueTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BadCatalogueTest);
    CPPUNIT_TEST(everyCaseFailsWithItsMessage);
    CPPUNIT_TEST_SUITE_END();

    void everyCaseFailsWithItsMessage() {
        auto dir = testenv::sourceDir() / "tests/data/domain/bad";
        auto cases = testenv::filesIn(dir, ".xml");
        CPPUNIT_ASSERT_MESSAGE("at least 30 invalid documents", cases.size() >= 30);
        bool regenerate = std::getenv("CVIRT_TEST_REGENERATE") != nullptr;
        for (const auto& f : cases) {
            std::string name = f.filename().string();
            fs::path errFile = f;
            errFile.replace_extension(".err");
            std::string got;
            auto start = std::chrono::steady_clock::now();
            try {
                conf::loadDomain(testenv::readText(f), {.filename = name});
                CPPUNIT_FAIL(name + " was accepted");
            } catch (const Error& e) {
                got = std::string(e.what()) + "\n";
                CPPUNIT_ASSERT_MESSAGE(name, e.code() == ErrorCode::XmlError);
            }
            // Hostile documents are refused quickly: nothing is expanded.
            CPPUNIT_ASSERT_MESSAGE(
                name + " took too long",
                std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
            if (regenerate) std::ofstream(errFile) << got;
            CPPUNIT_ASSERT_MESSAGE(name + " has no .err file", fs::exists(errFile));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, testenv::readText(errFile), got);
        }
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(BadCatalogueTest);
