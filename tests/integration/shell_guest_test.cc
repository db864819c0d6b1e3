// SPDX-License-Identifier: GPL-3.0-or-later
// virsh's commands on a domain's definition and guest, run as an operator types them on a real
// container: domhostname, desc and metadata (live and persistent), domrename.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>

#include "cvirt/connection.h"
#include "support/shell_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

class ShellGuestTest : public ShellFixture {
    CPPUNIT_TEST_SUITE(ShellGuestTest);
    CPPUNIT_TEST(hostnameIsTheContainers);
    CPPUNIT_TEST(metadataLiveAndPersistent);
    CPPUNIT_TEST(renameInactiveOnly);
    CPPUNIT_TEST(startPausedIsFrozen);
    CPPUNIT_TEST(gracefulDestroy);
    CPPUNIT_TEST_SUITE_END();

    // The freezer state of the cgroup init is in: v2 cgroup.events, v1 freezer.state.
    static std::string freezerOf(int pid) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
        for (std::string line; std::getline(in, line);) {
            size_t a = line.find(':'), b = line.find(':', a + 1);
            std::string ctrl = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
            if (ctrl.empty()) {
                std::ifstream ev("/sys/fs/cgroup" + path + "/cgroup.events");
                for (std::string e; std::getline(ev, e);)
                    if (e.rfind("frozen ", 0) == 0) return e == "frozen 1" ? "FROZEN" : "THAWED";
            }
            if (ctrl == "freezer") {
                std::string state;
                std::ifstream("/sys/fs/cgroup/freezer" + path + "/freezer.state") >> state;
                return state;
            }
        }
        return "?";
    }
    int initPid(const std::string& name) {
        return Connection::open(dir_->embedUri()).lookup(name).initPid();
    }

public:
    void hostnameIsTheContainers() {
        define("cvirt-test-host", {.initargs = {"-c", "sleep 1000"}});
        RunResult r = sh({"domhostname", "cvirt-test-host"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: failed to get hostname\nerror: Requested "
                                         "operation is not valid: domain is not running\n"),
                             r.err);
        ok({"start", "cvirt-test-host"});
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-host\n\n"),
                             ok({"domhostname", "cvirt-test-host"}));
        // changed inside: the namespace's name now, not the one cvirt set
        ok({"exec", "cvirt-test-host", "--", "hostname", "renamed-inside"});
        CPPUNIT_ASSERT_EQUAL(std::string("renamed-inside\n\n"),
                             ok({"domhostname", "cvirt-test-host"}));
        // one console, named by its alias
        r = sh({"console", "cvirt-test-host", "--devname", "console1"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: internal error: cannot find console device 'console1'\n"), r.err);
        r = sh({"console", "cvirt-test-host", "--devname", "console0", "--safe"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: unsupported flags (0x2) in function "
                                         "lxcDomainOpenConsole\n"),
                             r.err);
        r = sh({"domtime", "cvirt-test-host"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: this function is not supported by the "
                                         "connection driver: virDomainGetTime\n"),
                             r.err);
    }

    void metadataLiveAndPersistent() {
        // another program's element in the document defined: kept as it was
        std::string file = (dir_->path() / "meta.xml").string();
        std::string xml = containerXml("cvirt-test-meta", {.initargs = {"-c", "sleep 1000"}});
        xml.insert(xml.find("</domain>"),
                   "<metadata><app:info xmlns:app='http://example.org/app' v='1'>"
                   "<app:item>x</app:item></app:info></metadata>");
        std::ofstream(file) << xml;
        ok({"define", file});
        const std::string element = "<info v=\"1\">\n  <item>x</item>\n</info>\n\n";
        CPPUNIT_ASSERT_EQUAL(element,
                             ok({"metadata", "cvirt-test-meta", "http://example.org/app"}));
        ok({"start", "cvirt-test-meta"});
        // a live change reaches the live XML only; the other namespace stays
        ok({"metadata", "cvirt-test-meta", "http://example.org/ops", "--key", "ops", "--set",
            "<owner name='alice'/>", "--live"});
        CPPUNIT_ASSERT_EQUAL(std::string("<owner name=\"alice\"/>\n\n"),
                             ok({"metadata", "cvirt-test-meta", "http://example.org/ops"}));
        RunResult r = sh({"metadata", "cvirt-test-meta", "http://example.org/ops", "--config"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: metadata not found: Requested metadata element is not present\n"),
            r.err);
        CPPUNIT_ASSERT_EQUAL(element,
                             ok({"metadata", "cvirt-test-meta", "http://example.org/app"}));
        std::string live = ok({"dumpxml", "cvirt-test-meta", "--xpath", "//metadata/*"});
        CPPUNIT_ASSERT_MESSAGE(live, live.find("<ops:owner xmlns:ops=\"http://example.org/ops\" "
                                               "name=\"alice\"/>") != std::string::npos);
        // both, then a restart: the persistent one comes back
        ok({"desc", "cvirt-test-meta", "--live", "--config", "--new-desc", "web", "server"});
        ok({"desc", "cvirt-test-meta", "--title", "--config", "--new-desc", "Web"});
        ok({"destroy", "cvirt-test-meta"});
        ok({"start", "cvirt-test-meta"});
        CPPUNIT_ASSERT_EQUAL(std::string("web server\n"), ok({"desc", "cvirt-test-meta"}));
        CPPUNIT_ASSERT_EQUAL(std::string("Web\n"), ok({"desc", "cvirt-test-meta", "--title"}));
        r = sh({"metadata", "cvirt-test-meta", "http://example.org/ops"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(element,
                             ok({"metadata", "cvirt-test-meta", "http://example.org/app"}));
        // removal leaves the other program's element
        ok({"metadata", "cvirt-test-meta", "http://example.org/app", "--remove", "--config"});
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), ok({"dumpxml", "cvirt-test-meta", "--inactive",
                                                    "--xpath", "//metadata/*"}));
    }

    void renameInactiveOnly() {
        define("cvirt-test-old", {.initargs = {"-c", "sleep 1000"}});
        define("cvirt-test-other", {.initargs = {"-c", "sleep 1000"}});
        ok({"autostart", "cvirt-test-old"});
        std::string uuid = ok({"domuuid", "cvirt-test-old"});
        ok({"start", "cvirt-test-old"});
        RunResult r = sh({"domrename", "cvirt-test-old", "cvirt-test-new"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Requested operation is not valid: cannot rename active domain\n"),
            r.err);
        ok({"destroy", "cvirt-test-old"});
        r = sh({"domrename", "cvirt-test-old", "cvirt-test-other"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: Requested operation is not valid: domain with "
                                         "name 'cvirt-test-other' already exists\n"),
                             r.err);
        CPPUNIT_ASSERT_EQUAL(std::string("Domain successfully renamed\n\n"),
                             ok({"domrename", "cvirt-test-old", "cvirt-test-new"}));
        // the old name is gone everywhere; the new one has the uuid and the autostart mark
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-new\ncvirt-test-other\n\n"),
                             ok({"list", "--all", "--name"}));
        CPPUNIT_ASSERT_EQUAL(1, sh({"dominfo", "cvirt-test-old"}).status);
        CPPUNIT_ASSERT_EQUAL(uuid, ok({"domuuid", "cvirt-test-new"}));
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-new\n\n"),
                             ok({"list", "--all", "--name", "--autostart"}));
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-new\n\n"),
                             ok({"domname", uuid.substr(0, 36)}));
        CPPUNIT_ASSERT(!std::filesystem::exists(dir_->path() / "etc/cvirt/lxc/cvirt-test-old.xml"));
        ok({"start", "cvirt-test-new"});
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-new\n\n"),
                             ok({"exec", "cvirt-test-new", "--", "hostname"}) + "\n");
    }

    void startPausedIsFrozen() {
        // init counts into a file: frozen, the count stands still
        std::string keep = (dir_->path() / "keep").string();
        std::filesystem::create_directories(keep);
        define("cvirt-test-paused",
               {.initargs = {"-c", "i=0; while :; do i=$((i+1)); echo $i > /keep/n; done"},
                .devices = "<filesystem type='mount'><source dir='" + keep +
                           "'/><target dir='/keep'/></filesystem>"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'cvirt-test-paused' started\n\n"),
                             ok({"start", "--paused", "cvirt-test-paused"}));
        CPPUNIT_ASSERT_EQUAL(std::string("paused (user)\n\n"),
                             ok({"domstate", "--reason", "cvirt-test-paused"}));
        CPPUNIT_ASSERT_EQUAL(std::string("FROZEN"), freezerOf(initPid("cvirt-test-paused")));
        // a read between the shell's truncate and write sees nothing: read again
        auto count = [&] {
            std::string n;
            for (int i = 0; i < 50 && n.empty(); ++i) {
                std::ifstream(keep + "/n") >> n;
                if (n.empty()) ::usleep(10 * 1000);
            }
            return n;
        };
        std::string before = count();
        ::usleep(300 * 1000);
        CPPUNIT_ASSERT_EQUAL(before, count());
        ok({"resume", "cvirt-test-paused"});
        CPPUNIT_ASSERT_EQUAL(std::string("THAWED"), freezerOf(initPid("cvirt-test-paused")));
        for (int i = 0; i < 500 && count() == before; ++i)
            ::usleep(20 * 1000);
        CPPUNIT_ASSERT(count() != before);
    }

    void gracefulDestroy() {
        // an init that ends on SIGTERM: gone, and nothing left running
        define("cvirt-test-term",
               {.initargs = {"-c", "trap 'exit 0' TERM; while :; do sleep 1; done"}});
        ok({"start", "cvirt-test-term"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'cvirt-test-term' destroyed\n\n"),
                             ok({"destroy", "--graceful", "cvirt-test-term"}));
        CPPUNIT_ASSERT_EQUAL(std::string("shut off\n\n"), ok({"domstate", "cvirt-test-term"}));
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), ok({"list", "--name"}));
        // one that ignores it (pid 1 without a handler): refused, still running, no SIGKILL
        define("cvirt-test-deaf", {.initargs = {"-c", "exec sleep 1000"}});
        ok({"start", "cvirt-test-deaf"});
        int pid = initPid("cvirt-test-deaf");
        RunResult r = sh({"destroy", "--graceful", "cvirt-test-deaf"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Failed to destroy domain 'cvirt-test-deaf'\n"
                        "error: Failed to terminate process " +
                        std::to_string(pid) + " with SIGTERM: Device or resource busy\n"),
            r.err);
        CPPUNIT_ASSERT_EQUAL(std::string("running\n\n"), ok({"domstate", "cvirt-test-deaf"}));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ShellGuestTest);
