// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd under load (issue 18): 50 python3-libvirt clients at once, each on its own connection
// running a define/start/info/destroy loop for 60 s. No call fails, the server holds no more
// descriptors afterwards than before, and every stored config is whole.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>

#include "support/server_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForLibvirtClients();
}

class RemoteLoadTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteLoadTest);
    CPPUNIT_TEST(fiftyClientsForAMinute);
    CPPUNIT_TEST_SUITE_END();

    static constexpr int kClients = 50;
    static constexpr int kSeconds = 60;

public:
    void fiftyClientsForAMinute() {
        size_t before = settledServerFds();
        fs::path xmls = dir_->path() / "load";
        fs::create_directories(xmls);
        for (int i = 0; i < kClients; ++i)
            std::ofstream(xmls / ("load-" + std::to_string(i) + ".xml")) << containerXml(
                "cvirt-test-load-" + std::to_string(i), {.initargs = {"-c", "sleep 1000"}});
        RunResult r = testenv::run(
            {"/usr/bin/python3", (sourceDir() / "tests/integration/remote/load_client.py").string(),
             sock().string(), xmls.string(), std::to_string(kClients), std::to_string(kSeconds)});
        std::string story = r.out + r.err;
        CPPUNIT_ASSERT_EQUAL_MESSAGE(story, 0, r.status);
        // every client got round its loop at least once
        for (int i = 0; i < kClients; ++i)
            CPPUNIT_ASSERT_MESSAGE(story, story.find("client " + std::to_string(i) + ": 0 loops") ==
                                              std::string::npos);
        // the clients have gone: the server holds what it held before they came
        CPPUNIT_ASSERT_MESSAGE("cvirtd's descriptors: " + std::to_string(before) + " before, " +
                                   std::to_string(serverFds()) + " after",
                               waitUntil([&] { return serverFds() == before; }));
        // each domain is defined once, shut off, and its stored config is whole
        auto all = conn_->list({.active = true, .inactive = true});
        CPPUNIT_ASSERT_EQUAL(size_t{kClients}, all.size());
        for (const auto& s : all) {
            CPPUNIT_ASSERT(s.state == DomainState::Shutoff);
            std::string xml = conn_->lookup(s.name).xml();
            CPPUNIT_ASSERT_MESSAGE(xml,
                                   xml.find("<name>" + s.name + "</name>") != std::string::npos);
        }
        // no write left half-done: atomic writes go through ".NAME.XXXXXX" beside NAME
        const std::regex temporary(R"(\..+\.[A-Za-z0-9]{6})");
        for (const auto& e : fs::recursive_directory_iterator(dir_->path()))
            CPPUNIT_ASSERT_MESSAGE(
                "a write left behind: " + e.path().string(),
                !e.is_regular_file() || !std::regex_match(e.path().filename().string(), temporary));
        std::cout << " ("
                  << story.substr(story.rfind("total:"))
                         .substr(0, story.size() - story.rfind("total:") - 1)
                  << ") " << std::flush;
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteLoadTest);
