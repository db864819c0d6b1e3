// SPDX-License-Identifier: GPL-3.0-or-later
// The device filter's allow list (docs/XML.md, "device filter"): the standard container set
// `c 1:3 1:5 1:7 1:8 1:9 5:0 5:1 5:2 136:*`, then each storage or misc <hostdev> with full
// access, then each block <filesystem> read-only or read-write; and the v1 devices.allow
// line of a rule.
#include <cppunit/extensions/HelperMacros.h>

#include <cerrno>
#include <fstream>

#include "cgroup/devices.h"
#include "cvirt/error.h"
#include "support/test_util.h"

using namespace cvirt;
using cgroup::DeviceRule;

namespace {

const std::vector<std::string> kStandard = {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
                                            "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm",
                                            "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm"};

std::vector<std::string> lines(const std::vector<DeviceRule>& rules) {
    std::vector<std::string> out;
    for (const auto& r : rules)
        out.push_back(cgroup::v1Line(r));
    return out;
}

// Stands in for stat(2): /dev/sdb1 is block 8:17, anything else char 10:200.
DeviceRule fakeDevice(const std::string& path) {
    return path == "/dev/sdb1" ? DeviceRule{'b', 8, 17, "rwm"} : DeviceRule{'c', 10, 200, "rwm"};
}

conf::Filesystem filesystem(conf::FsType type, std::string source, bool readonly) {
    conf::Filesystem fs;
    fs.type = type;
    fs.source = std::move(source);
    fs.target = "/mnt";
    fs.readonly = readonly;
    return fs;
}

// The rules added after the standard set.
std::vector<std::string> extra(const conf::DomainDef& def,
                               DeviceRule (*statDevice)(const std::string&) = fakeDevice) {
    auto all = lines(cgroup::deviceRules(def, statDevice));
    CPPUNIT_ASSERT(all.size() >= kStandard.size());
    CPPUNIT_ASSERT(std::vector<std::string>(all.begin(), all.begin() + kStandard.size()) ==
                   kStandard);
    return {all.begin() + kStandard.size(), all.end()};
}

// What deviceRules throws for a container with these hostdevs, found on the host.
Error refusal(std::vector<conf::Hostdev> hostdevs) {
    conf::DomainDef d;
    d.hostdevs = std::move(hostdevs);
    try {
        cgroup::deviceRules(d);
    } catch (const Error& e) {
        return e;
    }
    CPPUNIT_FAIL("'" + d.hostdevs[0].source + "' became a device rule");
    return Error(ErrorCode::Internal, "unreachable");
}

}  // namespace

class DevicesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DevicesTest);
    CPPUNIT_TEST(aPlainContainerGetsTheStandardSet);
    CPPUNIT_TEST(storageAndMiscHostdevsAreAllowedFully);
    CPPUNIT_TEST(blockFilesystemsAreReadOrReadWrite);
    CPPUNIT_TEST(otherFilesystemsAddNothing);
    CPPUNIT_TEST(hostdevsAreStattedOnTheHost);
    CPPUNIT_TEST(aHostdevThatIsNoDeviceIsRefused);
    CPPUNIT_TEST(v1LinesWriteWildcardsAsStars);
    CPPUNIT_TEST_SUITE_END();

public:
    void aPlainContainerGetsTheStandardSet() {
        conf::DomainDef d;
        CPPUNIT_ASSERT(extra(d).empty());
        // pts as a whole (136:*): the console pty and every pty made inside
        DeviceRule pts = cgroup::deviceRules(d).back();
        CPPUNIT_ASSERT(pts == (DeviceRule{'c', 136, -1, "rwm"}));
    }

    void storageAndMiscHostdevsAreAllowedFully() {
        conf::DomainDef d;
        d.hostdevs = {{conf::HostdevCapsType::Storage, "/dev/sdb1"},
                      {conf::HostdevCapsType::Net, "eth3"},  // moved, not a node: no rule
                      {conf::HostdevCapsType::Misc, "/dev/net/tun"}};
        CPPUNIT_ASSERT(extra(d) == (std::vector<std::string>{"b 8:17 rwm", "c 10:200 rwm"}));
    }

    void blockFilesystemsAreReadOrReadWrite() {
        // as <readonly/> says, and never 'm': no node is made from it inside
        conf::DomainDef d;
        d.filesystems = {filesystem(conf::FsType::Block, "/dev/sdb1", true),
                         filesystem(conf::FsType::Block, "/dev/sdb1", false)};
        CPPUNIT_ASSERT(extra(d) == (std::vector<std::string>{"b 8:17 r", "b 8:17 rw"}));
    }

    void otherFilesystemsAddNothing() {
        conf::DomainDef d;
        d.filesystems = {filesystem(conf::FsType::Mount, "/srv/data", false),
                         filesystem(conf::FsType::Bind, "/srv/bind", true),
                         filesystem(conf::FsType::Ram, "", false),
                         // the controller asks for the rules of the def with its image's
                         // device in (lxc/controller/image_devices.h): a block filesystem
                         filesystem(conf::FsType::File, "/srv/image.raw", false)};
        CPPUNIT_ASSERT(extra(d).empty());
    }

    void hostdevsAreStattedOnTheHost() {
        // without a stand-in, the host's node gives type and numbers (/dev/null is c 1:3)
        conf::DomainDef d;
        d.hostdevs = {{conf::HostdevCapsType::Misc, "/dev/null"}};
        CPPUNIT_ASSERT(extra(d, nullptr) == (std::vector<std::string>{"c 1:3 rwm"}));
    }

    void aHostdevThatIsNoDeviceIsRefused() {
        testenv::TempDir dir;
        std::string file = (dir.path() / "plain").string();
        std::ofstream(file) << "not a device\n";
        std::string missing = (dir.path() / "missing").string();
        Error notNode = refusal({{conf::HostdevCapsType::Misc, file}});
        CPPUNIT_ASSERT(notNode.code() == ErrorCode::ConfigUnsupported);
        CPPUNIT_ASSERT_EQUAL("'" + file + "' is not a device node", std::string(notNode.what()));
        Error gone = refusal({{conf::HostdevCapsType::Storage, missing}});
        CPPUNIT_ASSERT(gone.code() == ErrorCode::SystemError);
        CPPUNIT_ASSERT_EQUAL(ENOENT, gone.sysErrno());
        CPPUNIT_ASSERT(testenv::has(gone.what(), "cannot find device '" + missing + "'"));
    }

    void v1LinesWriteWildcardsAsStars() {
        CPPUNIT_ASSERT_EQUAL(std::string("c 1:3 rwm"), cgroup::v1Line({'c', 1, 3, "rwm"}));
        CPPUNIT_ASSERT_EQUAL(std::string("c 136:* rwm"), cgroup::v1Line({'c', 136, -1, "rwm"}));
        CPPUNIT_ASSERT_EQUAL(std::string("b *:* m"), cgroup::v1Line({'b', -1, -1, "m"}));
        CPPUNIT_ASSERT_EQUAL(std::string("b 259:0 r"), cgroup::v1Line({'b', 259, 0, "r"}));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(DevicesTest);
