// virsh's commands on a domain's definition and guest, run as an operator types them on a real
// container: domhostname, desc and metadata (live and persistent), domrename.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>

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
    CPPUNIT_TEST_SUITE_END();

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
        CPPUNIT_ASSERT_EQUAL(std::string("web server\n\n"), ok({"desc", "cvirt-test-meta"}));
        CPPUNIT_ASSERT_EQUAL(std::string("Web\n\n"), ok({"desc", "cvirt-test-meta", "--title"}));
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
};

CPPUNIT_TEST_SUITE_REGISTRATION(ShellGuestTest);
