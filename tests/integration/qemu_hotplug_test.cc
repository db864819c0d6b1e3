// SPDX-License-Identifier: GPL-3.0-or-later
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
    CPPUNIT_TEST(vcpusOfARunningGuest);
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

    static void expectOn(GuestConsole& con, const std::string& cmd, const std::string& text,
                         int ms) {
        bool seen = con.run(cmd, text, ms);
        CPPUNIT_ASSERT_MESSAGE(cmd + " printed: " + con.seen(), seen);
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
            expectOn(con, cmd, text, ms);
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

    // setvcpus --live: qemu started with -smp 1,maxcpus=3 gets vcpus through QMP device_add
    // (query-hotpluggable-cpus shows them plugged), the guest's kernel sees them (present,
    // then online once it brings them up), the live XML follows and the stored definition
    // does not; hot-plugged vcpus go again (device_del, the guest ejects them), the one qemu
    // started with cannot; libvirt's refusals for the rest.
    void vcpusOfARunningGuest() {
        Domain d = conn_->define(vmXml("vmcpu", {.vcpu = "<vcpu current='1'>3</vcpu>"}), "v.xml");
        // not running: --live is refused, --config changes the definition only
        CPPUNIT_ASSERT_THROW(d.setVcpus(2, {}, {.live = true}), Error);
        d.setVcpus(2, {}, {.config = true});
        CPPUNIT_ASSERT_MESSAGE(d.xml(true), has(d.xml(true), "current='2'>3</vcpu>"));
        d.setVcpus(1, {}, {.config = true});
        d.start();
        CPPUNIT_ASSERT(waitReady("vmcpu"));
        GuestConsole con(d.openConsole());
        auto expect = [&](const std::string& cmd, const std::string& text, int ms) {
            expectOn(con, cmd, text, ms);
        };
        auto plugged = [&] {
            std::string cpus = d.qemuMonitorCommand("{\"execute\":\"query-hotpluggable-cpus\"}");
            size_t n = 0;
            for (size_t at = 0; (at = cpus.find("qom-path", at)) != std::string::npos; ++at)
                ++n;
            return n;
        };
        CPPUNIT_ASSERT_EQUAL(size_t(1), plugged());
        expect("cat /sys/devices/system/cpu/present", "\n0\r", 30000);

        d.setVcpus(3, {}, {.live = true});
        CPPUNIT_ASSERT_EQUAL(size_t(3), plugged());
        std::string cpus = d.qemuMonitorCommand("{\"execute\":\"query-hotpluggable-cpus\"}");
        CPPUNIT_ASSERT_MESSAGE(
            cpus, has(cpus, "/machine/peripheral/vcpu1") && has(cpus, "/machine/peripheral/vcpu2"));
        CPPUNIT_ASSERT_MESSAGE(d.xml(), has(d.xml(), "'>3</vcpu>") && !has(d.xml(), "current="));
        CPPUNIT_ASSERT(has(d.xml(true), "current='1'>3</vcpu>"));  // the definition: still 1
        // the guest's kernel got them (ACPI): present at once, online once brought up
        expect(
            "i=0; until grep -qx 0-2 /sys/devices/system/cpu/present || [ $i -ge 60 ]; do "
            "sleep 1; i=$((i+1)); done; cat /sys/devices/system/cpu/present",
            "\n0-2\r", 90000);
        expect(
            "for c in 1 2; do echo 1 > /sys/devices/system/cpu/cpu$c/online; done; "
            "grep -c ^processor /proc/cpuinfo",
            "\n3\r", 30000);
        CPPUNIT_ASSERT_EQUAL(3u, d.info().vcpus);

        // beyond the maximum, and the maximum of a running domain: libvirt's refusals
        try {
            d.setVcpus(4, {}, {.live = true});
            CPPUNIT_FAIL("4 > 3 accepted");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("requested vcpus is greater than max allowable "
                                             "vcpus for the live domain: 4 > 3"),
                                 std::string(e.what()));
        }
        CPPUNIT_ASSERT_THROW(d.setVcpus(4, {.maximum = true}, {.live = true, .config = true}),
                             Error);
        CPPUNIT_ASSERT_THROW(d.setVcpus(2, {.guest = true}, {.live = true}), Error);
        CPPUNIT_ASSERT_THROW(d.setVcpus(2, {.hotpluggable = true}, {.config = true}), Error);

        // unplug: the guest lets the hot-plugged vcpu go
        d.setVcpus(2, {}, {.live = true});
        CPPUNIT_ASSERT_EQUAL(size_t(2), plugged());
        expect("grep -c ^processor /proc/cpuinfo", "\n2\r", 30000);
        CPPUNIT_ASSERT_EQUAL(2u, d.info().vcpus);
        d.setVcpus(1, {}, {.live = true});
        CPPUNIT_ASSERT_EQUAL(size_t(1), plugged());
        d.destroy();
        // the next start has the definition's count; those qemu started with cannot be
        // unplugged (they are no hot-plugged ones), in libvirt's words
        d.setVcpus(2, {}, {.config = true});
        d.start();
        CPPUNIT_ASSERT_EQUAL(size_t(2), plugged());
        try {
            d.setVcpus(1, {}, {.live = true});
            CPPUNIT_FAIL("a boot vcpu was unplugged");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(),
                                                 "failed to find appropriate "
                                                 "hotpluggable vcpus"));
        }
        CPPUNIT_ASSERT_EQUAL(size_t(2), plugged());
        d.destroy();
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(QemuHotplugTest);
