// SPDX-License-Identifier: GPL-3.0-or-later
// The hot-plug commands' grammar (attach-disk, detach-disk, change-media, attach-device,
// detach-device, update-device): cvirsh one-shot against an embed root holding a container
// 'test', and the same words through virsh's test driver when virsh is installed, wherever
// the two can agree (the words are parsed before any domain is touched).
#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <fstream>

#include "support/test_util.h"
#include "virsh_compare.h"

using namespace cvirt::testenv;

namespace {
const char* kXml =
    "<domain type='lxc'><name>test</name><memory unit='MiB'>64</memory>"
    "<os><type>exe</type><init>/bin/sh</init></os><devices><filesystem type='mount'>"
    "<source dir='/tmp'/><target dir='/'/></filesystem></devices></domain>";
}  // namespace

class DevicesGrammarTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DevicesGrammarTest);
    CPPUNIT_TEST(attachDiskPrintsVirshXml);
    CPPUNIT_TEST(missingAndBadOptions);
    CPPUNIT_TEST(changeMediaModesExclude);
    CPPUNIT_TEST(configChangesOfAStoppedContainer);
    CPPUNIT_TEST_SUITE_END();

    TempDir* dir_ = nullptr;

    RunResult sh(std::vector<std::string> args) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv);
    }
    void same(const std::vector<std::string>& args, int status, const std::string& out,
              const std::string& err) {
        expectLikeVirsh(dir_->embedUri(), args, status, out, err);
    }
    std::string file(const std::string& name, const std::string& text) {
        std::string p = (dir_->path() / name).string();
        std::ofstream(p) << text;
        return p;
    }

public:
    void setUp() override {
        dir_ = new TempDir;
        RunResult r = sh({"define", file("test.xml", kXml)});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    }
    void tearDown() override { delete dir_; }

    void attachDiskPrintsVirshXml() {
        same({"attach-disk", "test", "/tmp/x.img", "vdb", "--driver", "qemu", "--subdriver", "raw",
              "--mode", "readonly", "--targetbus", "virtio", "--print-xml"},
             0,
             "<disk type='file'>\n  <driver name='qemu' type='raw'/>\n"
             "  <source file='/tmp/x.img'/>\n  <target dev='vdb' bus='virtio'/>\n"
             "  <readonly/>\n</disk>\n\n",
             "");
        same({"attach-disk", "--domain", "test", "--source=/tmp/c.iso", "--target", "hdc", "--type",
              "cdrom", "--print-xml"},
             0,
             "<disk type='file' device='cdrom'>\n  <source file='/tmp/c.iso'/>\n"
             "  <target dev='hdc'/>\n</disk>\n\n",
             "");
    }
    void missingAndBadOptions() {
        same({"attach-disk", "test", "/tmp/x.img", "vdb", "--mode", "foo", "--print-xml"}, 1, "\n",
             "error: No support for foo in command 'attach-disk'\n");
        same({"detach-disk", "test"}, 1, "",
             "error: command 'detach-disk' requires <target> option\n");
        same({"change-media", "test"}, 1, "",
             "error: command 'change-media' requires <path> option\n");
    }
    void changeMediaModesExclude() {
        same({"change-media", "test", "hdc", "--eject", "--insert"}, 1, "\n",
             "error: Options --eject and --insert are mutually exclusive\n");
        same({"change-media", "test", "hdc", "--insert", "--update"}, 1, "\n",
             "error: Options --insert and --update are mutually exclusive\n");
        same({"change-media", "test", "hdc", "--eject", "--update"}, 1, "\n",
             "error: Options --eject and --update are mutually exclusive\n");
        // a container has no removable media
        RunResult r = sh({"change-media", "test", "hdc", "--eject", "--config"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err,
                               has(r.err, "No disk found whose source path or target is hdc"));
    }
    // The stored definition of a stopped container: attach, refuse a second, detach.
    void configChangesOfAStoppedContainer() {
        std::string fs = file("fs.xml",
                              "<filesystem type='mount'><source dir='/srv'/>"
                              "<target dir='/data'/><readonly/></filesystem>");
        RunResult r = sh({"attach-device", "test", fs, "--config"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Device attached successfully\n\n"), r.out);
        CPPUNIT_ASSERT(has(sh({"dumpxml", "test", "--inactive"}).out, "/data"));
        r = sh({"attach-device", "test", fs, "--config"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "filesystem target /data already exists"));
        r = sh({"update-device", "test", fs, "--config"});
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "persistent update of device is not supported"));
        r = sh({"detach-device", "--domain=test", "--file=" + fs, "--persistent"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);  // --persistent: the live one too, and it is not running
        r = sh({"detach-device", "test", fs});  // current: the stored definition
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Device detached successfully\n\n"), r.out);
        CPPUNIT_ASSERT(!has(sh({"dumpxml", "test"}).out, "/data"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DevicesGrammarTest);
