// Filesystems inside real containers: images on loop devices, block devices, binds, ram,
// the host's root when none is given, and failures that leave nothing behind.
#include <cppunit/extensions/HelperMacros.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cvirt/connection.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

namespace {
bool have(const char* tool) {
    return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0;
}
}  // namespace

class FilesystemsTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(FilesystemsTest);
    CPPUNIT_TEST(imageOnLoopDevice);
    CPPUNIT_TEST(blockDevice);
    CPPUNIT_TEST(bindReadonlyAndRam);
    CPPUNIT_TEST(missingBindSourceFailsCleanly);
    CPPUNIT_TEST(failedStartRemovesTheTargetsItMade);
    CPPUNIT_TEST(noRootSharesHostRoot);
    CPPUNIT_TEST(execJoinsTheCgroup);
    CPPUNIT_TEST(initUserAndDir);
    CPPUNIT_TEST_SUITE_END();

    void assertNoState(const std::string& name) {
        for (const char* ext : {".xml", ".pid", ".sock"})
            CPPUNIT_ASSERT(!fs::exists(dir_->path() / "run/cvirt/lxc" / (name + ext)));
        CPPUNIT_ASSERT(shell("find /sys/fs/cgroup -maxdepth 3 -name '" + name + ".*'").empty());
    }
    std::string makeImage() {
        std::string img = (dir_->path() / "disk.img").string();
        std::string cmd = "truncate -s 8M " + img + " && mkfs.ext4 -q -F " + img + " && mkdir -p " +
                          dir_->path().string() + "/m";
        CPPUNIT_ASSERT(std::system(cmd.c_str()) == 0);
        return img;
    }

public:
    void imageOnLoopDevice() {
        if (!have("mkfs.ext4") || !fs::exists("/dev/loop-control")) {
            skipCase("needs mkfs.ext4 and /dev/loop-control");
            return;
        }
        std::string img = makeImage();
        Domain d = conn_->define(
            containerXml("cvirt-test-loop",
                         {.initargs = {"-c", "sleep 1000"},
                          .devices = "<filesystem type='file'><driver type='loop' format='raw'/>"
                                     "<source file='" +
                                     img + "'/><target dir='/mnt'/></filesystem>"}),
            "x.xml");
        d.start();
        CPPUNIT_ASSERT(run(d, {"sh", "-c", "grep ' /mnt ' /proc/mounts"}).find("ext4") !=
                       std::string::npos);
        run(d, {"sh", "-c", "echo hello > /mnt/file && sync"});
        d.destroy();
        // autoclear: the loop device went away with the container
        CPPUNIT_ASSERT_EQUAL(std::string(), shell("losetup -j " + img));
        CPPUNIT_ASSERT(
            std::system(
                ("debugfs -R 'cat /file' " + img + " 2>/dev/null | grep -q hello").c_str()) == 0 ||
            !have("debugfs"));
    }
    void blockDevice() {
        if (!have("mkfs.ext4") || !have("losetup")) {
            skipCase("needs mkfs.ext4 and losetup");
            return;
        }
        std::string img = makeImage();
        std::string dev = shell("losetup -f --show " + img);
        CPPUNIT_ASSERT_MESSAGE("losetup failed", dev.rfind("/dev/loop", 0) == 0);
        try {
            Domain d = conn_->define(
                containerXml("cvirt-test-block",
                             {.initargs = {"-c", "sleep 1000"},
                              .devices = "<filesystem type='block'><source dev='" + dev +
                                         "'/><target dir='/data'/><readonly/></filesystem>"}),
                "x.xml");
            d.start();
            CPPUNIT_ASSERT(run(d, {"sh", "-c", "grep ' /data ' /proc/mounts"}).find("ro") !=
                           std::string::npos);
            CPPUNIT_ASSERT(execCapture(d, {"touch", "/data/x"}).status != 0);
            d.destroy();
        } catch (...) {
            shell("losetup -d " + dev);
            throw;
        }
        shell("losetup -d " + dev);
    }
    void bindReadonlyAndRam() {
        fs::create_directories(dir_->path() / "share");
        { std::ofstream(dir_->path() / "share/hello") << "from the host\n"; }
        Domain d = conn_->define(
            containerXml("cvirt-test-bind",
                         {.initargs = {"-c", "sleep 1000"},
                          .devices = "<filesystem type='bind'><source dir='" +
                                     (dir_->path() / "share").string() +
                                     "'/><target dir='/srv/share'/><readonly/></filesystem>"
                                     "<filesystem type='ram'><source usage='4' units='MiB'/>"
                                     "<target dir='/scratch'/></filesystem>"}),
            "x.xml");
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("from the host\n"), run(d, {"cat", "/srv/share/hello"}));
        CPPUNIT_ASSERT(execCapture(d, {"touch", "/srv/share/x"}).status != 0);
        std::string df = run(d, {"sh", "-c", "grep ' /scratch ' /proc/mounts"});
        CPPUNIT_ASSERT_MESSAGE(df, df.find("tmpfs") != std::string::npos &&
                                       df.find("size=4096k") != std::string::npos);
    }
    void missingBindSourceFailsCleanly() {
        Domain d = conn_->define(
            containerXml("cvirt-test-nobind",
                         {.devices = "<filesystem type='bind'><source dir='/nonexistent/cvirt'/>"
                                     "<target dir='/data'/></filesystem>"}),
            "x.xml");
        try {
            d.start();
            CPPUNIT_FAIL("started");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(
                std::string("container init: cannot bind mount '/nonexistent/cvirt' on '" +
                            rootfsDir() + "/data': No such file or directory"),
                std::string(e.what()));
        }
        assertNoState("cvirt-test-nobind");
    }
    // Issue 14 finding 16: a failed start left the directories it made for mount targets in
    // the root (2,048 nested ones from one long target).
    void failedStartRemovesTheTargetsItMade() {
        std::string deep = "/cvirt-test-deep";
        for (int i = 0; i < 1500; ++i)
            deep += "/d";
        Domain d = conn_->define(
            containerXml("cvirt-test-made",
                         {.devices = "<filesystem type='ram'><source usage='1024'/>"
                                     "<target dir='/cvirt-test-made/ram'/></filesystem>"
                                     "<filesystem type='ram'><source usage='1024'/>"
                                     "<target dir='/cvirt-test-made/ram/in/x'/></filesystem>"
                                     "<filesystem type='bind'><source dir='/tmp'/>"
                                     "<target dir='/cvirt-test-made/a/b'/></filesystem>"
                                     "<filesystem type='bind'><source dir='/nonexistent/cvirt'/>"
                                     "<target dir='" +
                                     deep + "'/></filesystem>"}),
            "x.xml");
        CPPUNIT_ASSERT_THROW(d.start(), Error);
        CPPUNIT_ASSERT(!fs::exists(rootfsDir() + "/cvirt-test-made"));
        CPPUNIT_ASSERT(!fs::exists(rootfsDir() + "/cvirt-test-deep"));
        assertNoState("cvirt-test-made");
        // what was there before a failed start stays
        CPPUNIT_ASSERT(fs::exists(rootfsDir() + "/tmp"));
        CPPUNIT_ASSERT(fs::exists(rootfsDir() + "/bin/sh"));
    }
    void noRootSharesHostRoot() {
        Domain d = conn_->define(containerXml("cvirt-test-hostroot",
                                              {.initargs = {"-c", "sleep 1000"}, .rootfs = false}),
                                 "x.xml");
        d.start();
        // the host's files are there, but /proc and /dev are the container's own
        CPPUNIT_ASSERT_EQUAL(
            std::string("ok\n"),
            run(d, {"sh", "-c", "test -d " + dir_->path().string() + " && echo ok"}));
        // pid 1 is our init (the host's /bin/sh, dash, runs sleep as a child)
        std::string cmdline = run(d, {"cat", "/proc/1/cmdline"});
        CPPUNIT_ASSERT_MESSAGE(cmdline, cmdline.find("sleep") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("ptmx\n"), run(d, {"ls", "/dev/pts"}));
        d.destroy();
        // and nothing of that leaked into the host's mount table
        CPPUNIT_ASSERT(shell("grep -c devpts /proc/self/mounts") ==
                       shell("grep -c devpts /proc/1/mounts"));
    }
    void execJoinsTheCgroup() {
        Domain d = conn_->define(
            containerXml("cvirt-test-cgexec", {.initargs = {"-c", "sleep 1000"}}), "x.xml");
        d.start();
        std::string init = readText("/proc/" + std::to_string(d.initPid()) + "/cgroup");
        std::string mine = run(d, {"sh", "-c", "cat /proc/$$/cgroup"});
        // seen from inside, it sits at the root of the container's cgroup namespace in every
        // hierarchy, like init
        std::istringstream lines(mine);
        std::string line;
        while (std::getline(lines, line))
            CPPUNIT_ASSERT_MESSAGE(mine, line.size() >= 2 && line.substr(line.size() - 2) == ":/");
        CPPUNIT_ASSERT(init.find("cvirt-test-cgexec.cvirt-lxc") != std::string::npos);
    }
    void initUserAndDir() {
        Domain d = conn_->define(
            containerXml("cvirt-test-user",
                         {.init = "/bin/sh",
                          .initargs = {"-c", "id -u > /tmp/uid; pwd > /tmp/pwd; sleep 1000"},
                          .extra = ""}),
            "x.xml");
        // inituser/initdir go inside <os>: rebuild the XML with them
        std::string xml = d.xml(true);
        xml.replace(xml.find("</os>"), 5,
                    "<initdir>/tmp</initdir><inituser>nobody</inituser></os>");
        conn_->define(xml, "x.xml");
        d.start();
        waitUntil([&] { return execCapture(d, {"test", "-s", "/tmp/pwd"}).status == 0; });
        CPPUNIT_ASSERT_EQUAL(std::string("65534\n"), run(d, {"cat", "/tmp/uid"}));
        CPPUNIT_ASSERT_EQUAL(std::string("/tmp\n"), run(d, {"cat", "/tmp/pwd"}));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(FilesystemsTest);
