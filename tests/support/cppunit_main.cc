// SPDX-License-Identifier: GPL-3.0-or-later
// Runs every registered CppUnit suite; prints "N passed, N failed, N skipped" for CI (a case
// that called testenv::skipCase counts as skipped, not passed).
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <iostream>

#include "support/test_util.h"

int main(int argc, char** argv) {
    if (auto missing = cvirt::testenv::missingPrerequisite()) return cvirt::testenv::skip(*missing);
    CppUnit::TestResult controller;
    CppUnit::TestResultCollector result;
    controller.addListener(&result);
    CppUnit::BriefTestProgressListener progress;
    controller.addListener(&progress);
    CppUnit::TestRunner runner;
    runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
    runner.run(controller, argc > 1 ? argv[1] : "");
    CppUnit::CompilerOutputter(&result, std::cerr).write();
    int failed = result.testFailuresTotal();
    int skipped = cvirt::testenv::casesSkipped();
    int passed = result.runTests() - failed - skipped;
    std::cout << (passed < 0 ? 0 : passed) << " passed, " << failed << " failed, " << skipped
              << " skipped\n";
    return result.wasSuccessful() ? 0 : 1;
}
