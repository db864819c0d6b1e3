// SPDX-License-Identifier: GPL-3.0-or-later
// attach-device / detach-device on real running containers: a host directory bound in at
// once (read-only honoured), host devices whose node appears in /dev and whose numbers the
// device cgroup allows, then both gone again; --config together with the live change; and a
// refused change that leaves the live and stored definitions as they were.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>

#include "cvirt/connection.h"
#include "cvirt/error.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

class HotplugTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(HotplugTest);
    CPPUNIT_TEST(bindAppearsAndGoes);
    CPPUNIT_TEST(readonlyBindRefusesWrites);
    CPPUNIT_TEST(liveAndConfigTogether);
    CPPUNIT_TEST(miscHostdevIsAllowedThenDenied);
    CPPUNIT_TEST(storageHostdevOfALoopDevice);
    CPPUNIT_TEST(hostdevAndBindInAUserNamespace);
    CPPUNIT_TEST(refusedChangesLeaveBothDefinitions);
    CPPUNIT_TEST_SUITE_END();

    Domain startSleeper(const std::string& name, const std::string& extra = {}) {
        Domain d = conn_->define(
            containerXml(name, {.initargs = {"-c", "sleep 1000"}, .extra = extra}), name + ".xml");
        d.start();
        return d;
    }
    std::string share(const std::string& text) {
        fs::path dir = dir_->path() / "share";
        fs::create_directories(dir);
        std::ofstream(dir / "hello") << text;
        return dir.string();
    }
    static std::string bindXml(const std::string& source, const std::string& target,
                               bool readonly = false) {
        return "<filesystem type='mount'><source dir='" + source + "'/><target dir='" + target +
               "'/>" + (readonly ? "<readonly/>" : "") + "</filesystem>";
    }
    // The container's v1 device whitelist, or "" on a host without the v1 devices controller.
    std::string devicesList(const std::string& name) {
        return shell("cat $(find /sys/fs/cgroup/devices -type d -name '" + name +
                     ".cvirt-lxc*' 2>/dev/null | head -1)/devices.list 2>/dev/null");
    }

public:
    void bindAppearsAndGoes() {
        Domain d = startSleeper("cvirt-test-hpbind");
        std::string src = share("from the host\n");
        d.attachDevice(bindXml(src, "/mnt/new/share"));
        CPPUNIT_ASSERT_EQUAL(std::string("from the host\n"),
                             run(d, {"cat", "/mnt/new/share/hello"}));
        // written from inside, seen on the host
        run(d, {"sh", "-c", "echo back > /mnt/new/share/reply"});
        CPPUNIT_ASSERT_EQUAL(std::string("back\n"), readText(src + "/reply"));
        CPPUNIT_ASSERT(has(d.xml(), "/mnt/new/share"));
        CPPUNIT_ASSERT(!has(d.xml(true), "/mnt/new/share"));  // live only
        // a second attach at the same target is refused
        CPPUNIT_ASSERT_THROW(d.attachDevice(bindXml(src, "/mnt/new/share")), Error);

        d.detachDevice(bindXml(src, "/mnt/new/share"));
        CPPUNIT_ASSERT(execCapture(d, {"cat", "/mnt/new/share/hello"}).status != 0);
        CPPUNIT_ASSERT(!has(run(d, {"cat", "/proc/mounts"}), "/mnt/new/share"));
        CPPUNIT_ASSERT(!has(d.xml(), "/mnt/new/share"));
        try {
            d.detachDevice(bindXml(src, "/mnt/new/share"));
            CPPUNIT_FAIL("detached twice");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(
                std::string("no filesystem target /mnt/new/share in domain 'cvirt-test-hpbind'"),
                std::string(e.what()));
        }
    }
    void readonlyBindRefusesWrites() {
        Domain d = startSleeper("cvirt-test-hpro");
        std::string src = share("read me\n");
        d.attachDevice(bindXml(src, "/ro", true));
        CPPUNIT_ASSERT_EQUAL(std::string("read me\n"), run(d, {"cat", "/ro/hello"}));
        Captured w = execCapture(d, {"sh", "-c", "echo x > /ro/hello"});
        CPPUNIT_ASSERT(w.status != 0);
        CPPUNIT_ASSERT_MESSAGE(w.out, has(w.out, "Read-only file system"));
        CPPUNIT_ASSERT_EQUAL(std::string("read me\n"), readText(src + "/hello"));
        // the host's own mount stayed writable
        std::ofstream(src + "/hello") << "changed\n";
        CPPUNIT_ASSERT_EQUAL(std::string("changed\n"), run(d, {"cat", "/ro/hello"}));
        CPPUNIT_ASSERT(has(d.xml(), "<readonly"));
        d.detachDevice(bindXml(src, "/ro", true));
        CPPUNIT_ASSERT(!has(run(d, {"cat", "/proc/mounts"}), " /ro "));
    }
    void liveAndConfigTogether() {
        Domain d = startSleeper("cvirt-test-hpboth");
        std::string src = share("both\n");
        d.attachDevice(bindXml(src, "/both"), {.live = true, .config = true});
        CPPUNIT_ASSERT_EQUAL(std::string("both\n"), run(d, {"cat", "/both/hello"}));
        CPPUNIT_ASSERT(has(d.xml(), "/both"));
        CPPUNIT_ASSERT(has(d.xml(true), "/both"));
        // --config alone: the next boot loses it, the running container keeps it
        d.detachDevice(bindXml(src, "/both"), {.config = true});
        CPPUNIT_ASSERT(!has(d.xml(true), "/both"));
        CPPUNIT_ASSERT_EQUAL(std::string("both\n"), run(d, {"cat", "/both/hello"}));
        d.detachDevice(bindXml(src, "/both"), {.live = true});
        CPPUNIT_ASSERT(!has(d.xml(), "/both"));
    }
    void miscHostdevIsAllowedThenDenied() {
        if (!fs::exists("/dev/loop-control")) {
            skipCase("needs /dev/loop-control");
            return;
        }
        Domain d = startSleeper("cvirt-test-hpmisc");
        std::string xml =
            "<hostdev mode='capabilities' type='misc'><source><char>"
            "/dev/loop-control</char></source></hostdev>";
        CPPUNIT_ASSERT(execCapture(d, {"ls", "/dev/loop-control"}).status != 0);
        d.attachDevice(xml);
        // the node is there, opens (the cgroup allows c 10:237) and is the host's device
        CPPUNIT_ASSERT_EQUAL(std::string("character special file a:ed\n"),
                             run(d, {"stat", "-c", "%F %t:%T", "/dev/loop-control"}));
        Captured open = execCapture(d, {"sh", "-c", ": < /dev/loop-control && echo opened"});
        CPPUNIT_ASSERT_MESSAGE(open.out, has(open.out, "opened"));
        std::string list = devicesList("cvirt-test-hpmisc");
        if (!list.empty()) CPPUNIT_ASSERT_MESSAGE(list, has(list, "c 10:237 rwm"));
        CPPUNIT_ASSERT(has(d.xml(), "/dev/loop-control"));

        d.detachDevice(xml);
        CPPUNIT_ASSERT(execCapture(d, {"ls", "/dev/loop-control"}).status != 0);
        list = devicesList("cvirt-test-hpmisc");
        if (!list.empty()) CPPUNIT_ASSERT_MESSAGE(list, !has(list, "c 10:237"));
        CPPUNIT_ASSERT(!has(d.xml(), "/dev/loop-control"));
        // and a node made again inside is no use: the cgroup denies it
        Captured again =
            execCapture(d, {"sh", "-c", "mknod /tmp/lc c 10 237 2>&1; : < /tmp/lc && echo opened"});
        CPPUNIT_ASSERT_MESSAGE(again.out, !has(again.out, "opened"));
    }
    void storageHostdevOfALoopDevice() {
        if (shell("command -v losetup").empty()) {
            skipCase("needs losetup");
            return;
        }
        std::string img = (dir_->path() / "disk.img").string();
        { std::ofstream(img) << std::string(4096, 'z'); }
        std::string dev = shell("losetup -f --show " + img);
        if (!dev.empty() && dev.back() == '\n') dev.pop_back();
        CPPUNIT_ASSERT_MESSAGE("losetup failed", dev.rfind("/dev/loop", 0) == 0);
        try {
            Domain d = startSleeper("cvirt-test-hpblk");
            std::string xml = "<hostdev mode='capabilities' type='storage'><source><block>" + dev +
                              "</block></source></hostdev>";
            d.attachDevice(xml);
            CPPUNIT_ASSERT_EQUAL(std::string("zzzz"), run(d, {"sh", "-c", "head -c 4 " + dev}));
            d.detachDevice(xml);
            CPPUNIT_ASSERT(execCapture(d, {"ls", dev}).status != 0);
            d.destroy();
        } catch (...) {
            shell("losetup -d " + dev);
            throw;
        }
        shell("losetup -d " + dev);
    }
    // With an idmap the node is the host's, bound over a file the container's root made in a
    // directory it made (its /dev is a tmpfs of its user namespace).
    void hostdevAndBindInAUserNamespace() {
        if (!userNamespacesWork() || !fs::exists("/dev/net/tun")) {
            skipCase("needs user namespaces and /dev/net/tun");
            return;
        }
        Domain d = startSleeper("cvirt-test-hpuserns", kTestIdmap);
        std::string xml =
            "<hostdev mode='capabilities' type='misc'><source><char>"
            "/dev/net/tun</char></source></hostdev>";
        d.attachDevice(xml);
        CPPUNIT_ASSERT_EQUAL(std::string("character special file a:c8\n"),
                             run(d, {"stat", "-c", "%F %t:%T", "/dev/net/tun"}));
        Captured open = execCapture(d, {"sh", "-c", ": < /dev/net/tun && echo opened"});
        CPPUNIT_ASSERT_MESSAGE(open.out, has(open.out, "opened"));
        d.detachDevice(xml);
        CPPUNIT_ASSERT(execCapture(d, {"ls", "/dev/net/tun"}).status != 0);
        std::string src = share("mapped\n");
        d.attachDevice(bindXml(src, "/srv/in"));
        CPPUNIT_ASSERT_EQUAL(std::string("mapped\n"), run(d, {"cat", "/srv/in/hello"}));
        d.detachDevice(bindXml(src, "/srv/in"));
        CPPUNIT_ASSERT(execCapture(d, {"cat", "/srv/in/hello"}).status != 0);
    }
    void refusedChangesLeaveBothDefinitions() {
        Domain d = startSleeper("cvirt-test-hpbad");
        std::string live = d.xml(), config = d.xml(true);
        // a source that is no device, a missing bind source, an unsupported type
        CPPUNIT_ASSERT_THROW(
            d.attachDevice("<hostdev mode='capabilities' type='misc'><source><char>/etc/passwd"
                           "</char></source></hostdev>",
                           {.live = true, .config = true}),
            Error);
        CPPUNIT_ASSERT_THROW(
            d.attachDevice(bindXml("/nonexistent/cvirt", "/x"), {.live = true, .config = true}),
            Error);
        try {
            d.updateDevice(bindXml(share("x"), "/x"));
            CPPUNIT_FAIL("updated");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("Unable to modify live devices"),
                                 std::string(e.what()));
        }
        try {
            d.updateDevice(bindXml(share("x"), "/x"), {.config = true});
            CPPUNIT_FAIL("updated");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("persistent update of device is not supported"),
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT_EQUAL(live, d.xml());
        CPPUNIT_ASSERT_EQUAL(config, d.xml(true));
        CPPUNIT_ASSERT(!has(run(d, {"cat", "/proc/mounts"}), " /x "));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(HotplugTest);
