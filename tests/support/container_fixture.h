// SPDX-License-Identifier: GPL-3.0-or-later
// Base fixture for integration tests: a fresh embed root and connection per test, every
// domain still running and every network still active destroyed afterwards, and helpers to run
// commands and wait.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <thread>

#include "cvirt/connection.h"
#include "support/container_util.h"
#include "support/test_util.h"

namespace cvirt::testenv {

class ContainerFixture : public CppUnit::TestFixture {
public:
    void setUp() override {
        dir_ = new TempDir;
        conn_ = Connection::open(dir_->embedUri());
    }
    void tearDown() override {
        for (const auto& s : conn_->list({})) {
            try {
                conn_->lookup(s.name).destroy();
            } catch (...) {
            }
        }
        for (const auto& n : conn_->listNetworks(true, false)) {
            try {
                conn_->lookupNetwork(n.name).destroy();
            } catch (...) {
            }
        }
        conn_.reset();
        delete dir_;
    }

protected:
    std::filesystem::path runDir() const { return dir_->path() / "run/cvirt/lxc"; }
    // Runs argv inside `d`; fails the test unless it exits 0. Returns stdout+stderr.
    std::string run(Domain& d, const std::vector<std::string>& argv) {
        Captured c = execCapture(d, argv);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(c.out, 0, c.status);
        return c.out;
    }
    // Polls `done` every 10 ms for up to 30 s (the emulated VM lane is slow); true if it held.
    static bool waitUntil(const std::function<bool()>& done) {
        for (int i = 0; i < 3000; ++i) {
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return done();
    }

    TempDir* dir_ = nullptr;
    std::optional<Connection> conn_;
};

}  // namespace cvirt::testenv
