// SPDX-License-Identifier: GPL-3.0-or-later
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
    CPPUNIT_TEST(rawImageRoot);
    CPPUNIT_TEST(qcow2ImageRoot);
    CPPUNIT_TEST(failedStartReleasesTheImage);
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

    // An ext4 image of the busybox root with /marker saying `what`; "" when mkfs.ext4
    // cannot fill one from a directory (-d).
    std::string makeRootImage(const std::string& what) {
        fs::path tree = dir_->path() / ("tree-" + what);
        std::string img = (dir_->path() / (what + ".img")).string();
        std::string cmd = "cp -a '" + rootfsDir() + "' '" + tree.string() + "' && echo " + what +
                          " > '" + tree.string() + "/marker' && truncate -s 64M '" + img +
                          "' && mkfs.ext4 -q -F -d '" + tree.string() + "' '" + img +
                          "' >/dev/null 2>&1 && echo ok";
        return shell(cmd) == "ok" ? img : "";
    }
    // makeRootImage for a loop device; "" (the case skipped, saying why) when there is none.
    std::string loopRootImage(const std::string& what) {
        if (!have("mkfs.ext4") || !have("losetup") || !fs::exists("/dev/loop-control")) {
            skipCase("needs mkfs.ext4, losetup and /dev/loop-control");
            return "";
        }
        std::string img = makeRootImage(what);
        if (img.empty()) skipCase("needs mkfs.ext4 -d (e2fsprogs 1.43 or later)");
        return img;
    }
    static std::string imageRootXml(const std::string& name, const std::string& driver,
                                    const std::string& img, const std::string& more = "") {
        return containerXml(
            name, {.initargs = {"-c", "sleep 1000"},
                   .devices = "<filesystem type='file' accessmode='passthrough'>" + driver +
                              "<source file='" + img + "'/><target dir='/'/></filesystem>" + more,
                   .rootfs = false});
    }
    // The device the container's root is on, from its /proc/mounts.
    std::string rootDevice(Domain& d) {
        std::string line = run(d, {"sh", "-c", "grep ' / ' /proc/mounts | head -n 1"});
        CPPUNIT_ASSERT_MESSAGE(line, has(line, " / ext4 "));
        return line.substr(0, line.find(' '));
    }
    bool noLoopOn(const std::string& img) {
        return waitUntil([&] { return shell("losetup -j '" + img + "'").empty(); });
    }

public:
    // <filesystem type='file'> as the root, raw: a loop device the controller attaches and
    // lets go of when the domain stops.
    void rawImageRoot() {
        std::string img = loopRootImage("raw");
        if (img.empty()) return;
        Domain d = conn_->define(
            imageRootXml("cvirt-test-rawroot", "<driver type='loop' format='raw'/>", img), "x.xml");
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("raw\n"), run(d, {"cat", "/marker"}));
        std::string dev = rootDevice(d);
        CPPUNIT_ASSERT_MESSAGE(dev, dev.rfind("/dev/loop", 0) == 0);
        CPPUNIT_ASSERT_MESSAGE(shell("losetup -j '" + img + "'"),
                               has(shell("losetup -j '" + img + "'"), dev + ":"));
        // the live XML still names the image, not the device
        CPPUNIT_ASSERT(has(d.xml(), "<source file='" + img + "'/>"));
        run(d, {"sh", "-c", "echo written > /inside && sync"});
        // a reboot mounts it again under the device filter it set up
        int before = d.initPid();
        d.reboot();
        CPPUNIT_ASSERT(waitUntil([&] {
            return d.initPid() != before && execCapture(d, {"cat", "/inside"}).status == 0;
        }));
        CPPUNIT_ASSERT_EQUAL(std::string("written\n"), run(d, {"cat", "/inside"}));
        d.destroy();
        CPPUNIT_ASSERT_MESSAGE(shell("losetup -a"), noLoopOn(img));
        assertNoState("cvirt-test-rawroot");
        CPPUNIT_ASSERT(!fs::exists(dir_->path() / "run/cvirt/lxc/cvirt-test-rawroot.root"));
        // nothing of it reached the host's mount table
        CPPUNIT_ASSERT_EQUAL(std::string(), shell("grep cvirt-test-rawroot /proc/self/mounts"));
    }
    // qcow2: qemu-nbd on /dev/nbdN (format given, as libvirt wants), stopped with the domain.
    void qcow2ImageRoot() {
        shell("modprobe nbd 2>/dev/null");
        if (!fs::exists("/sys/module/nbd") || !have("qemu-img") || !have("qemu-nbd")) {
            skipCase("needs the nbd kernel module (this kernel has none), qemu-img and qemu-nbd");
            return;
        }
        std::string raw = makeRootImage("qcow2");
        if (raw.empty()) {
            skipCase("needs mkfs.ext4 -d (e2fsprogs 1.43 or later)");
            return;
        }
        std::string img = (dir_->path() / "root.qcow2").string();
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), shell("qemu-img convert -f raw -O qcow2 '" + raw +
                                                      "' '" + img + "' && echo ok"));
        Domain d = conn_->define(
            imageRootXml("cvirt-test-qcowroot", "<driver type='nbd' format='qcow2'/>", img),
            "x.xml");
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("qcow2\n"), run(d, {"cat", "/marker"}));
        std::string dev = rootDevice(d);
        CPPUNIT_ASSERT_MESSAGE(dev, dev.rfind("/dev/nbd", 0) == 0);
        std::string pidFile = "/sys/block/" + dev.substr(5) + "/pid";
        CPPUNIT_ASSERT(fs::exists(pidFile));
        run(d, {"sh", "-c", "echo written > /inside && sync"});
        d.destroy();
        CPPUNIT_ASSERT(waitUntil([&] { return !fs::exists(pidFile); }));
        for (const auto& p : fs::directory_iterator("/proc")) {  // no qemu-nbd of it is left
            std::string cmdline = procText(p.path() / "cmdline");
            CPPUNIT_ASSERT_MESSAGE(cmdline, !(has(cmdline, "qemu-nbd") && has(cmdline, img)));
        }
        assertNoState("cvirt-test-qcowroot");
        // nor its mount point or qemu-nbd's socket
        CPPUNIT_ASSERT_EQUAL(std::string(),
                             shell("ls '" + (dir_->path() / "run/cvirt/lxc").string() +
                                   "' | grep -E 'cvirt-test-qcowroot[.](root|nbd)'"));
        // what the container wrote went into the image
        CPPUNIT_ASSERT(has(shell("qemu-img check '" + img + "' 2>&1"), "No errors"));
        // a format the loop driver cannot read is refused before anything is attached
        conn_->define(
            imageRootXml("cvirt-test-qcowroot", "<driver type='loop' format='qcow2'/>", img),
            "x.xml");
        try {
            d.start();
            CPPUNIT_FAIL("started");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "fs format 'qcow2' of '" + img +
                                                               "' is not supported by driver "
                                                               "type 'loop' (use type='nbd')"));
        }
        assertNoState("cvirt-test-qcowroot");
    }
    // A start that fails after the image was attached lets go of it.
    void failedStartReleasesTheImage() {
        std::string img = loopRootImage("failed");
        if (img.empty()) return;
        Domain d =
            conn_->define(imageRootXml("cvirt-test-badroot", "", img,
                                       "<filesystem type='bind'><source dir='/nonexistent/cvirt'/>"
                                       "<target dir='/data'/></filesystem>"),
                          "x.xml");
        try {
            d.start();
            CPPUNIT_FAIL("started");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(),
                                   has(e.what(), "cannot bind mount '/nonexistent/cvirt'"));
        }
        CPPUNIT_ASSERT_MESSAGE(shell("losetup -a"), noLoopOn(img));
        assertNoState("cvirt-test-badroot");
        CPPUNIT_ASSERT(!fs::exists(dir_->path() / "run/cvirt/lxc/cvirt-test-badroot.root"));
        // nor does an image that is not there leave anything
        Domain e = conn_->define(
            imageRootXml("cvirt-test-noimage", "", (dir_->path() / "missing.img").string()),
            "x.xml");
        CPPUNIT_ASSERT_THROW(e.start(), Error);
        assertNoState("cvirt-test-noimage");
    }
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
        // the controller let go of the loop device, the container's mount went with it
        CPPUNIT_ASSERT_MESSAGE(shell("losetup -a"), noLoopOn(img));
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
    // On a private copy of the root: the directories exist for a moment, and other tests copy
    // the shared root meanwhile (make check runs them in parallel).
    void failedStartRemovesTheTargetsItMade() {
        const std::string root = (dir_->path() / "made-root").string();
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             shell("cp -a '" + rootfsDir() + "' '" + root + "' 2>&1"));
        std::string deep = "/cvirt-test-deep";
        for (int i = 0; i < 1500; ++i)
            deep += "/d";
        Domain d = conn_->define(
            containerXml("cvirt-test-made",
                         {.devices = "<filesystem type='mount'><source dir='" + root +
                                     "'/><target dir='/'/></filesystem>"
                                     "<filesystem type='ram'><source usage='1024'/>"
                                     "<target dir='/cvirt-test-made/ram'/></filesystem>"
                                     "<filesystem type='ram'><source usage='1024'/>"
                                     "<target dir='/cvirt-test-made/ram/in/x'/></filesystem>"
                                     "<filesystem type='bind'><source dir='/tmp'/>"
                                     "<target dir='/cvirt-test-made/a/b'/></filesystem>"
                                     "<filesystem type='bind'><source dir='/nonexistent/cvirt'/>"
                                     "<target dir='" +
                                     deep + "'/></filesystem>",
                          .rootfs = false}),
            "x.xml");
        CPPUNIT_ASSERT_THROW(d.start(), Error);
        CPPUNIT_ASSERT(!fs::exists(root + "/cvirt-test-made"));
        CPPUNIT_ASSERT(!fs::exists(root + "/cvirt-test-deep"));
        assertNoState("cvirt-test-made");
        // what was there before a failed start stays
        CPPUNIT_ASSERT(fs::exists(root + "/tmp"));
        CPPUNIT_ASSERT(fs::exists(root + "/bin/sh"));
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
