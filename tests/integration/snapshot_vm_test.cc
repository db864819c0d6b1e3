// SPDX-License-Identifier: GPL-3.0-or-later
// VM snapshots of a TCG guest's qcow2 disk: the guest writes, a snapshot is taken while it
// runs (savevm: disk and memory), the guest writes again, the VM is stopped, the revert
// starts it from the snapshot and the second write is gone (read back by the guest). A
// stopped VM's snapshot (qemu-img snapshot) reverts its disk (read with qemu-io), and a
// disk-only snapshot puts a new qcow2 overlay under the running guest (query-block, live XML).
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <filesystem>
#include <regex>
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
    if (auto m = missingForVms()) return m;
    if (shell("command -v qemu-img >/dev/null && command -v qemu-io >/dev/null && echo yes") !=
        "yes")
        return std::string("needs qemu-img and qemu-io (apt-get install qemu-utils)");
    return std::nullopt;
}

namespace {
constexpr int kBootMs = 90000;
}  // namespace

class SnapshotVmTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(SnapshotVmTest);
    CPPUNIT_TEST(guestWriteIsGoneAfterRevert);
    CPPUNIT_TEST(stoppedVmAndDiskOnly);
    CPPUNIT_TEST_SUITE_END();

    fs::path disk_;

    Domain defineVm(const std::string& name) {
        disk_ = dir_->path() / (name + ".qcow2");
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             shell("qemu-img create -q -f qcow2 " + disk_.string() + " 16M 2>&1"));
        return conn_->define(
            vmXml(name, {.devices = "<disk type='file' device='disk'><driver name='qemu' "
                                    "type='qcow2'/><source file='" +
                                    disk_.string() + "'/><target dev='vda' bus='virtio'/></disk>"}),
            name + ".xml");
    }
    bool waitReady(const std::string& name) {
        fs::path log = dir_->path() / "var/log/cvirt/qemu" / (name + ".log");
        for (int i = 0; i < kBootMs / 50; ++i) {
            if (has(readText(log), "cvirt-guest-ready")) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
    // What the guest sees at the start of its disk, past its own cache.
    static std::string readCmd(const std::string& tag) {
        return "echo 3 > /proc/sys/vm/drop_caches; echo " + tag + "-$(head -c 13 /dev/vda)-end";
    }
    static std::string writeCmd(const std::string& text, const std::string& tag) {
        return "i=0; while [ ! -b /dev/vda ] && [ $i -lt 60 ]; do sleep 1; i=$((i+1)); done; "
               "printf " +
               text + " | dd of=/dev/vda conv=fsync 2>/dev/null; sync; echo " + tag + "-ok";
    }
    std::string hostRead() {
        return shell("qemu-io -f qcow2 -r -U -c 'read -v 0 13' " + disk_.string() + " | head -1");
    }

public:
    void setUp() override {
        ContainerFixture::setUp();
        conn_ = Connection::open(dir_->embedUri("qemu"));
    }

    void guestWriteIsGoneAfterRevert() {
        Domain d = defineVm("vmsnap");
        d.start();
        CPPUNIT_ASSERT(waitReady("vmsnap"));
        {
            GuestConsole con(d.openConsole());
            CPPUNIT_ASSERT_MESSAGE(con.seen(),
                                   con.run(writeCmd("cvirt-snap-1", "w1"), "w1-ok", kBootMs));
        }
        DomainSnapshot s1 = d.createSnapshot("<domainsnapshot><name>s1</name></domainsnapshot>");
        std::string xml = s1.xml();
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<memory snapshot='internal'/>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<disk name='vda' snapshot='internal'/>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<state>running</state>"));
        // qemu has it in the disk, and the guest runs on
        std::string info = d.qemuMonitorCommand("info snapshots", true);
        CPPUNIT_ASSERT_MESSAGE(info, has(info, "s1"));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        {
            GuestConsole con(d.openConsole());
            CPPUNIT_ASSERT_MESSAGE(con.seen(),
                                   con.run(writeCmd("cvirt-snap-2", "w2"), "w2-ok", kBootMs));
            CPPUNIT_ASSERT_MESSAGE(con.seen(),
                                   con.run(readCmd("r2"), "r2-cvirt-snap-2-end", kBootMs));
        }
        d.destroy();
        CPPUNIT_ASSERT_MESSAGE(hostRead(), has(hostRead(), "cvirt.snap.2"));  // qemu-io: - as .

        // revert of the stopped VM: started from the snapshot, memory and disk
        s1.revert();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        {
            GuestConsole con(d.openConsole());
            CPPUNIT_ASSERT_MESSAGE(con.seen(),
                                   con.run(readCmd("r1"), "r1-cvirt-snap-1-end", kBootMs));
        }
        // deleted while it runs: delvm
        s1.remove();
        info = d.qemuMonitorCommand("info snapshots", true);
        CPPUNIT_ASSERT_MESSAGE(info, !has(info, " s1 "));
        d.destroy();
    }

    void stoppedVmAndDiskOnly() {
        Domain d = defineVm("vmsnapoff");
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             shell("qemu-io -f qcow2 -c 'write -P 0x41 0 13' " + disk_.string() +
                                   " >/dev/null 2>&1 && echo -n"));
        DomainSnapshot off = d.createSnapshot("<domainsnapshot><name>off</name></domainsnapshot>");
        CPPUNIT_ASSERT(has(off.xml(), "<state>shutoff</state>"));
        CPPUNIT_ASSERT(has(shell("qemu-img snapshot -l " + disk_.string()), "off"));
        shell("qemu-io -f qcow2 -c 'write -P 0x42 0 13' " + disk_.string());
        CPPUNIT_ASSERT_MESSAGE(hostRead(), has(hostRead(), "BBBBBBBBBBBBB"));
        off.revert();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        CPPUNIT_ASSERT_MESSAGE(hostRead(), has(hostRead(), "AAAAAAAAAAAAA"));

        // disk-only of the running guest: a new overlay, the VM on it
        d.start();
        DomainSnapshot ext = d.createSnapshot("<domainsnapshot><name>ext</name></domainsnapshot>",
                                              kSnapshotCreateDiskOnly);
        fs::path overlay = disk_.parent_path() / "vmsnapoff.ext";
        CPPUNIT_ASSERT(fs::exists(overlay));
        std::string blocks = d.qemuMonitorCommand("{\"execute\":\"query-block\"}");
        CPPUNIT_ASSERT_MESSAGE(blocks, has(blocks, overlay.string()));
        CPPUNIT_ASSERT(has(d.xml(), overlay.string()));
        CPPUNIT_ASSERT(has(d.xml(true), overlay.string()));
        CPPUNIT_ASSERT(has(ext.xml(), "<state>disk-snapshot</state>"));
        CPPUNIT_ASSERT(has(ext.xml(), "<source file='" + overlay.string() + "'/>"));
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        d.destroy();
        shell("qemu-io -f qcow2 -c 'write -P 0x43 0 13' " + overlay.string());  // after ext
        // revert to the external snapshot (libvirt's, on a stopped VM): a new overlay on the
        // file the disk was then; the overlay written since stays as it was
        ext.revert();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);  // disk-only: stays off
        std::string xml = d.xml(true);
        std::smatch m;
        CPPUNIT_ASSERT_MESSAGE(xml,
                               std::regex_search(xml, m, std::regex("<source file='([^']*)'")));
        std::string top = m[1];
        CPPUNIT_ASSERT_MESSAGE(top, top != overlay.string() && top != disk_.string());
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<driver name='qemu' type='qcow2'/>"));
        std::string info = shell("qemu-img info -U " + top);
        CPPUNIT_ASSERT_MESSAGE(info, has(info, "backing file: " + disk_.string()));
        std::string seen = shell("qemu-io -f qcow2 -r -U -c 'read -v 0 13' " + top + " | head -1");
        CPPUNIT_ASSERT_MESSAGE(seen, has(seen, "AAAAAAAAAAAAA"));
        std::string later =
            shell("qemu-io -f qcow2 -r -U -c 'read -v 0 13' " + overlay.string() + " | head -1");
        CPPUNIT_ASSERT_MESSAGE(later, has(later, "CCCCCCCCCCCCC"));
        CPPUNIT_ASSERT_EQUAL(std::string("ext"), d.currentSnapshot()->name());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SnapshotVmTest);
