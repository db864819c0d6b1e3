// SPDX-License-Identifier: GPL-3.0-or-later
// Base fixture for tests that drive cvirsh as a separate process, the way an operator or a
// script does: a fresh embed root per test, every running domain destroyed afterwards.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "support/container_util.h"
#include "support/test_util.h"

namespace cvirt::testenv {

class ShellFixture : public CppUnit::TestFixture {
public:
    void setUp() override { dir_ = new TempDir; }
    void tearDown() override {
        std::istringstream names(sh({"list", "--name"}).out);
        for (std::string name; std::getline(names, name);)
            if (!name.empty()) sh({"destroy", name});
        delete dir_;
    }

protected:
    RunResult sh(std::vector<std::string> args, const std::string& input = {}) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv, input);
    }
    // Writes the domain's XML next to the root and defines it; returns the file.
    std::string define(const std::string& name, const CtOptions& o) {
        std::string file = (dir_->path() / (name + ".xml")).string();
        std::ofstream(file) << containerXml(name, o);
        RunResult r = sh({"define", file});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        return file;
    }
    // Runs and requires success; returns stdout.
    std::string ok(std::vector<std::string> args) {
        RunResult r = sh(std::move(args));
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        return r.out;
    }

    TempDir* dir_ = nullptr;
};

}  // namespace cvirt::testenv
