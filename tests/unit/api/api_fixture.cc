// SPDX-License-Identifier: GPL-3.0-or-later
#include "api_fixture.h"

#include "conf/domain.h"
#include "state/config_store.h"
#include "util/file.h"

namespace cvirt::fake {

std::string containerXml(const std::string& name, const std::string& devices) {
    return "<domain type='lxc'><name>" + name +
           "</name><memory unit='MiB'>64</memory><os><type>exe</type><init>/bin/sh</init></os>"
           "<devices><filesystem type='mount'><source dir='/srv/" +
           name + "'/><target dir='/'/></filesystem>" + devices + "</devices></domain>";
}

std::string vmXml(const std::string& name) {
    return "<domain type='qemu'><name>" + name +
           "</name><memory unit='MiB'>64</memory><os><type>hvm</type>"
           "<kernel>/boot/vmlinuz</kernel></os></domain>";
}

std::string eventsOf(EventStream& events, const std::string& domain) {
    std::string out;
    for (auto batch = events.wait(0); !batch.empty(); batch = events.wait(0))
        for (const auto& e : batch)
            if (e.domain == domain) out += (out.empty() ? "" : " ") + e.event + "/" + e.detail;
    return out;
}

void checkError(const std::function<void()>& stmt, ErrorCode code, const std::string& text,
                const CppUnit::SourceLine& line) {
    try {
        stmt();
    } catch (const Error& e) {
        CppUnit::assertEquals(text, std::string(e.what()), line, "the error");
        CppUnit::assertEquals(static_cast<int>(code), static_cast<int>(e.code()), line,
                              "the code of '" + text + "'");
        return;
    }
    CppUnit::Asserter::fail(CppUnit::Message("no error", "expected: " + text), line);
}

void ApiFixture::setUp() {
    dir_ = std::make_unique<testenv::TempDir>();
    host_ = std::make_unique<FakeHost>();
}

void ApiFixture::tearDown() {
    host_.reset();  // its processes first, then the files that name them
    dir_.reset();
}

Call ApiFixture::onlyCall(const std::string& method) const {
    std::vector<Call> calls = host_->calls(method);
    CPPUNIT_ASSERT_EQUAL_MESSAGE("calls of " + method, size_t(1), calls.size());
    return calls[0];
}

Connection ApiFixture::open(const std::string& driver) const {
    return Connection::open(dir_->embedUri(driver));
}

Domain ApiFixture::startContainer(Connection& c, const std::string& name,
                                  const std::string& devices) {
    Domain d = c.define(containerXml(name, devices), name + ".xml");
    d.start();
    return d;
}

state::DriverPaths ApiFixture::paths(state::DriverKind kind) const {
    return state::driverPaths(kind, dir_->path());
}

std::string ApiFixture::stateFiles(const std::string& name, state::DriverKind kind) const {
    std::string out;
    for (const char* ext : {"owner", "pid", "sock", "paused", "xml"})
        if (std::filesystem::exists(paths(kind).runDir / (name + "." + ext)))
            out += (out.empty() ? "" : " ") + std::string(ext);
    return out;
}

conf::DomainDef ApiFixture::stored(const std::string& name) const {
    auto def = state::ConfigStore(paths()).load(name);
    CPPUNIT_ASSERT_MESSAGE("no stored definition of '" + name + "'", def);
    return *def;
}

std::string ApiFixture::liveText(const std::string& name) const {
    return util::readFile(paths().runDir / (name + ".xml"));
}

conf::DomainDef ApiFixture::live(const std::string& name) const {
    return conf::parseDomain(liveText(name), {.filename = name, .validateSchema = false});
}

void ApiFixture::checkStopped(const Domain& d, int reason, const CppUnit::SourceLine& line) const {
    DomainSummary s = d.summary();
    CppUnit::assertEquals(std::string("shut off"), std::string(stateName(s.state)), line,
                          "the state of '" + d.name() + "'");
    CppUnit::assertEquals(reason, s.reason, line, "the shut-off reason of '" + d.name() + "'");
    StateAndReason st = d.state();  // virDomainGetState's path says the same
    CppUnit::assertEquals(true, st.state == s.state && st.reason == s.reason, line,
                          "state() of '" + d.name() + "' against its summary");
    CppUnit::assertEquals(std::string(""), stateFiles(d.name()), line,
                          "the state files of '" + d.name() + "'");
}

std::string ApiFixture::strayFiles() const {
    std::string out;
    for (const auto& dir : {paths().runDir, paths().configDir}) {
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator(dir, ec))
            if (e.is_regular_file() && e.path().filename().string()[0] == '.')
                out += e.path().string() + " ";
    }
    return out;
}

}  // namespace cvirt::fake
