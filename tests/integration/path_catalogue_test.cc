// SPDX-License-Identifier: GPL-3.0-or-later
// The path catalogue: every value from domain or network XML (or a command line) that becomes
// part of a host path, tried with values that would leave where it belongs ("../", "/",
// a leading '.'), and the state files tried through planted symbolic links. Each must be
// refused with a virsh-style error naming it, and nothing may appear outside the embed root.
// docs/RELIABILITY.md lists the same catalogue.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>

#include "support/container_util.h"
#include "support/shell_fixture.h"
#include "support/test_util.h"

using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

namespace {

struct Entry {
    std::string value;    // the XML value and where it goes on the host
    std::string command;  // define | net-define | start
    std::string xml;      // with EVIL where the value goes
    std::string refusal;  // a fragment of the error
};

const std::string kNs = "<lxc:namespace>";

std::string domainWith(const std::string& name, const std::string& extra,
                       const std::string& devices, const std::string& namespaces = "") {
    return containerXml(name, {.initargs = {"-c", "sleep 1000"},
                               .extra = extra,
                               .devices = devices,
                               .namespaces = namespaces});
}

std::vector<Entry> catalogue() {
    std::vector<Entry> c;
    for (const std::string evil : {"../evil", "a/evil", ".evil"})
        c.push_back({"domain name '" + evil +
                         "' -> etc/cvirt/lxc/NAME.xml, run/cvirt/lxc/NAME.{pid,sock,xml,...}, "
                         "var/log/cvirt/lxc/NAME.log, the cgroup NAME.libvirt-lxc",
                     "define", domainWith(evil, "", ""), "invalid name '" + evil + "'"});
    c.push_back({"network name -> etc/cvirt/network/NAME.xml, run/cvirt/network/NAME.*",
                 "net-define", "<network><name>../evil</name><bridge name='cvtcat0'/></network>",
                 "<name>"});
    c.push_back({"network bridge name -> netlink, /sys/class/net/NAME", "net-define",
                 "<network><name>cat</name><bridge name='../evil'/></network>", "<bridge>"});
    c.push_back({"interface source bridge -> netlink, /sys/class/net/NAME/brif", "define",
                 domainWith("cvirt-test-cat1", "",
                            "<interface type='bridge'><source bridge='../evil'/></interface>"),
                 "source bridge '../evil' is no device name"});
    c.push_back({"interface target dev -> netlink, /sys/class/net/NAME", "define",
                 domainWith("cvirt-test-cat2", "",
                            "<interface type='bridge'><source bridge='cvtcat0'/>"
                            "<target dev='a/evil'/></interface>"),
                 "target dev 'a/evil' is no device name"});
    c.push_back({"filesystem target -> ROOT/TARGET (resolved inside the root)", "define",
                 domainWith("cvirt-test-cat3", "",
                            "<filesystem type='mount'><source dir='/tmp'/>"
                            "<target dir='/../../evil'/></filesystem>"),
                 "filesystem target '/../../evil' must not contain '..'"});
    c.push_back({"hostdev source -> /dev/PATH (a node made in the container's /dev)", "define",
                 domainWith("cvirt-test-cat4", "",
                            "<hostdev mode='capabilities' type='misc'><source>"
                            "<char>/dev/../evil</char></source></hostdev>"),
                 "is not a device under /dev"});
    c.push_back({"cgroup partition -> /sys/fs/cgroup/*/PARTITION/NAME", "define",
                 domainWith("cvirt-test-cat5",
                            "<resource><partition>/machine/../../evil</partition></resource>", ""),
                 "outside the cgroup hierarchy"});
    c.push_back(
        {"lxc:sharenet type='name' -> run/cvirt/lxc/NAME.pid", "define",
         domainWith("cvirt-test-cat6", "", "", "<lxc:sharenet type='name' value='../evil'/>"),
         "domain name '../evil' must not contain '/'"});
    c.push_back(
        {"lxc:shareuts type='netns' -> /run/netns/NAME", "define",
         domainWith("cvirt-test-cat7", "", "", "<lxc:shareuts type='netns' value='../../evil'/>"),
         "netns name '../../evil' must not contain '/'"});
    c.push_back(
        {"lxc:shareipc type='pid' -> /proc/PID/ns/ipc", "define",
         domainWith("cvirt-test-cat8", "", "", "<lxc:shareipc type='pid' value='1/../../evil'/>"),
         "pid '1/../../evil' is not a process id"});
    return c;
}

// Every file under `dir` whose name mentions "evil", but the inputs.
std::vector<std::string> evilFiles(const fs::path& dir) {
    std::vector<std::string> found;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find("evil") != std::string::npos &&
            e.path().parent_path().filename() != "in")
            found.push_back(e.path().string());
    return found;
}

}  // namespace

class PathCatalogueTest : public ShellFixture {
    CPPUNIT_TEST_SUITE(PathCatalogueTest);
    CPPUNIT_TEST(valuesThatWouldLeaveAreRefused);
    CPPUNIT_TEST(namesOnTheCommandLineStayInTheStateDir);
    CPPUNIT_TEST(linksPlantedInTheStateDirAreReplacedNotFollowed);
    CPPUNIT_TEST_SUITE_END();

public:
    void valuesThatWouldLeaveAreRefused() {
        fs::path in = dir_->path() / "in";
        fs::create_directories(in);
        int n = 0;
        for (const auto& e : catalogue()) {
            fs::path file = in / ("entry" + std::to_string(++n) + ".xml");
            std::ofstream(file) << e.xml;
            RunResult r = sh({e.command, file.string()});
            CPPUNIT_ASSERT_MESSAGE(e.value + " was accepted", r.status != 0);
            CPPUNIT_ASSERT_MESSAGE(e.value + ": " + r.err, r.err.rfind("error: ", 0) == 0);
            CPPUNIT_ASSERT_MESSAGE(e.value + ": " + r.err,
                                   r.err.find(e.refusal) != std::string::npos);
            std::cout << "  refused: " << e.value << std::endl;
        }
        CPPUNIT_ASSERT_EQUAL(std::string("\n"),
                             ok({"list", "--all", "--name"}));  // virsh's blank line
        auto found = evilFiles(dir_->path());
        CPPUNIT_ASSERT_MESSAGE(found.empty() ? "" : found.front(), found.empty());
        std::cout << "path catalogue: " << n << " values refused" << std::endl;
    }

    // Names typed by an operator or a script reach the same paths through lookups.
    void namesOnTheCommandLineStayInTheStateDir() {
        // a file that a name with "../" would reach from the state directories
        fs::path bait = dir_->path() / "etc/cvirt/evil.xml";
        fs::create_directories(bait.parent_path());
        std::ofstream(bait) << containerXml("evil");
        for (const std::vector<std::string>& cmd : {std::vector<std::string>{"dumpxml", "../evil"},
                                                    {"dominfo", "../evil"},
                                                    {"start", "../evil"},
                                                    {"undefine", "../evil"},
                                                    {"net-dumpxml", "../evil"},
                                                    {"net-start", "../evil"},
                                                    {"console", "../evil"}}) {
            RunResult r = sh(cmd);
            CPPUNIT_ASSERT_MESSAGE(cmd[0] + " accepted '../evil'", r.status != 0);
            CPPUNIT_ASSERT_MESSAGE(cmd[0] + ": " + r.err, r.err.rfind("error: ", 0) == 0);
        }
        CPPUNIT_ASSERT(fs::exists(bait));  // undefine did not reach it
    }

    // A link planted where a state or config file goes (by someone with write access to the
    // state directories) is replaced by the atomic write, never written through.
    void linksPlantedInTheStateDirAreReplacedNotFollowed() {
        fs::path outside = dir_->path() / "outside";
        fs::create_directories(outside);
        fs::path config = dir_->path() / "etc/cvirt/lxc/cvirt-test-cat.xml";
        fs::path pid = dir_->path() / "run/cvirt/lxc/cvirt-test-cat.pid";
        fs::path live = dir_->path() / "run/cvirt/lxc/cvirt-test-cat.xml";
        fs::create_directories(config.parent_path());
        fs::create_directories(pid.parent_path());
        // the config's link leads to nothing (a link to a file would be read as the
        // domain's existing config, and refused as malformed)
        fs::create_symlink(outside / "config", config);
        for (const auto& [link, target] :
             {std::pair{pid, outside / "pid"}, std::pair{live, outside / "live"}}) {
            std::ofstream(target) << "untouched\n";
            fs::create_symlink(target, link);
        }
        define("cvirt-test-cat", {.initargs = {"-c", "sleep 1000"}});
        CPPUNIT_ASSERT(!fs::is_symlink(config));
        // the planted live files are not the domain's: it is shut off, and starts
        ok({"start", "cvirt-test-cat"});
        CPPUNIT_ASSERT(!fs::is_symlink(pid) && !fs::is_symlink(live));
        ok({"destroy", "cvirt-test-cat"});
        ok({"undefine", "cvirt-test-cat"});
        CPPUNIT_ASSERT(!fs::exists(outside / "config"));
        for (const char* f : {"pid", "live"})
            CPPUNIT_ASSERT_EQUAL_MESSAGE(f, std::string("untouched\n"), readText(outside / f));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(PathCatalogueTest);
