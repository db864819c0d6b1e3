// SPDX-License-Identifier: GPL-3.0-or-later
// What every test of the API against the fake backend starts from: an embed root whose
// connections get FakeBackends (fake_backend.h), domains defined in it, and a look at its
// state files from the side.
#pragma once

#include <cppunit/extensions/HelperMacros.h>

#include <functional>
#include <memory>
#include <string>

#include "conf/domain_def.h"
#include "cvirt/connection.h"
#include "fake_backend.h"
#include "state/uri.h"
#include "support/test_util.h"

namespace cvirt::fake {

// A container of 64 MiB with `devices` in its <devices>, and a VM.
std::string containerXml(const std::string& name, const std::string& devices = "");
std::string vmXml(const std::string& name);

// What has arrived on `events` about `domain`: "event/detail" each, space-separated.
std::string eventsOf(EventStream& events, const std::string& domain);

// Runs `stmt`; fails unless it throws an Error with `code` whose what() is `text`.
void checkError(const std::function<void()>& stmt, ErrorCode code, const std::string& text,
                const CppUnit::SourceLine& line);
#define ASSERT_ERROR(code, text, stmt) \
    ::cvirt::fake::checkError([&] { stmt; }, code, text, CPPUNIT_SOURCELINE())
// In an ApiFixture: the container reads shut off with `reason`, none of its state files left.
#define ASSERT_STOPPED(domain, reason) checkStopped(domain, reason, CPPUNIT_SOURCELINE())

class ApiFixture : public CppUnit::TestFixture {
public:
    void setUp() override;
    void tearDown() override;

protected:
    FakeHost& host() { return *host_; }
    // The one call of `method` the fakes took; fails unless there was exactly one.
    Call onlyCall(const std::string& method) const;
    // A connection to the root: driver "lxc", "qemu" or "cvirt" (both).
    Connection open(const std::string& driver = "lxc") const;
    // Defines a container and starts it.
    Domain startContainer(Connection& c, const std::string& name, const std::string& devices = "");

    state::DriverPaths paths(state::DriverKind kind = state::DriverKind::Lxc) const;
    // Which of the domain's state files exist in the run dir: "owner pid xml" (of .owner,
    // .pid, .sock, .paused, .xml), "" when none.
    std::string stateFiles(const std::string& name,
                           state::DriverKind kind = state::DriverKind::Lxc) const;
    // The stored definition and the live XML's text and definition, read from the side.
    conf::DomainDef stored(const std::string& name) const;
    std::string liveText(const std::string& name) const;
    conf::DomainDef live(const std::string& name) const;
    void checkStopped(const Domain& d, int reason, const CppUnit::SourceLine& line) const;
    // Temporary files a staged write left in the run or config dir ("" when none).
    std::string strayFiles() const;

private:
    std::unique_ptr<testenv::TempDir> dir_;
    std::unique_ptr<FakeHost> host_;
};

}  // namespace cvirt::fake
