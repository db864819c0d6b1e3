// Disks of a running TCG guest: attach-disk hot-plugs a raw file (QMP query-block shows its
// node, the guest reads it), change-media inserts and ejects a cdrom's medium (query-block
// shows it), detach-disk takes the disk away once the guest released it; the live XML follows
// each step.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cvirt/connection.h"
#include "cvirt/error.h"
#include "support/container_fixture.h"
#include "support/test_util.h"
#include "support/vm_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForVms();
}

namespace {
constexpr int kBootMs = 90000;
}  // namespace

class QemuHotplugTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(QemuHotplugTest);
    CPPUNIT_TEST(diskAndCdromOfARunningGuest);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        ContainerFixture::setUp();
        conn_ = Connection::open(dir_->embedUri("qemu"));
    }

private:
    fs::path file(const std::string& name, const std::string& head) {
        fs::path p = dir_->path() / name;
        std::ofstream out(p, std::ios::binary);
        std::string block(1 << 20, '\0');
        block.replace(0, head.size(), head);
        out << block;
        return p;
    }
    bool waitReady(const std::string& name) {
        fs::path log = dir_->path() / "var/log/cvirt/qemu" / (name + ".log");
        for (int i = 0; i < kBootMs / 50; ++i) {
            if (has(readText(log), "cvirt-guest-ready")) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }

public:
    void diskAndCdromOfARunningGuest() {
        fs::path disk = file("extra.img", "cvirt-hot-disk");
        fs::path iso = file("media.iso", "cvirt-cd-media");
        Domain d = conn_->define(
            vmXml("vmhp", {.devices = "<disk type='file' device='cdrom'>"
                                      "<target dev='hdc' bus='ide'/><readonly/></disk>"}),
            "vmhp.xml");
        d.start();
        CPPUNIT_ASSERT(waitReady("vmhp"));
        GuestConsole con(d.openConsole());
        auto expect = [&](const std::string& cmd, const std::string& text, int ms) {
            bool seen = con.run(cmd, text, ms);
            CPPUNIT_ASSERT_MESSAGE(cmd + " printed: " + con.seen(), seen);
        };

        // attach-disk: a virtio disk appears in qemu and in the guest
        d.attachDevice(
            "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
            "<source file='" +
            disk.string() + "'/><target dev='vdb' bus='virtio'/></disk>");
        std::string blocks = d.qemuMonitorCommand("{\"execute\":\"query-block\"}");
        CPPUNIT_ASSERT_MESSAGE(blocks, has(blocks, "drive-virtio-disk1"));
        CPPUNIT_ASSERT_MESSAGE(blocks, has(blocks, disk.string()));
        CPPUNIT_ASSERT(has(d.xml(), "vdb"));
        CPPUNIT_ASSERT(!has(d.xml(true), "vdb"));
        // the guest names its disks in the order it finds them: its first virtio disk is vda
        expect(
            "i=0; while [ ! -b /dev/vda ] && [ $i -lt 60 ]; do sleep 1; i=$((i+1)); done; "
            "head -c 14 /dev/vda || dmesg | tail; echo",
            "cvirt-hot-disk\r", 90000);
        // the same target again is refused, nothing changes
        CPPUNIT_ASSERT_THROW(d.attachDevice("<disk type='file' device='disk'><source file='" +
                                            disk.string() + "'/><target dev='vdb'/></disk>"),
                             Error);

        // change-media: insert into the empty drive, read it, eject
        d.changeMedia("hdc", Domain::MediaChange::Insert, iso.string());
        blocks = d.qemuMonitorCommand("{\"execute\":\"query-block\"}");
        CPPUNIT_ASSERT_MESSAGE(blocks, has(blocks, iso.string()));
        CPPUNIT_ASSERT(has(d.xml(), iso.string()));
        // (the test guest has no ATA driver: qemu's view is what is checked)
        CPPUNIT_ASSERT_THROW(d.changeMedia("hdc", Domain::MediaChange::Insert, iso.string()),
                             Error);  // already has media
        d.changeMedia("hdc", Domain::MediaChange::Eject);
        blocks = d.qemuMonitorCommand("{\"execute\":\"query-block\"}");
        CPPUNIT_ASSERT_MESSAGE(blocks, !has(blocks, iso.string()));
        CPPUNIT_ASSERT(!has(d.xml(), iso.string()));

        // detach-disk: the guest lets it go, qemu drops the node
        d.detachDevice("<disk type='file' device='disk'><target dev='vdb'/></disk>");
        blocks = d.qemuMonitorCommand("{\"execute\":\"query-block\"}");
        CPPUNIT_ASSERT_MESSAGE(blocks, !has(blocks, "drive-virtio-disk1"));
        CPPUNIT_ASSERT(!has(d.xml(), "vdb"));
        d.destroy();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(QemuHotplugTest);
