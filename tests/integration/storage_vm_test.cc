// SPDX-License-Identifier: GPL-3.0-or-later
// <disk type='volume'> on a real TCG VM: a raw and a qcow2 volume of a dir pool, read by the
// guest, on qemu's command line and in QMP's block list with the volume's path and format;
// the volumes cannot be deleted or wiped (nor their pool destroyed) while the VM runs; a
// missing volume or pool, or an inactive pool, fails the start naming it and leaves nothing.
#include <cppunit/extensions/HelperMacros.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "cvirt/connection.h"
#include "support/container_fixture.h"
#include "support/test_util.h"
#include "support/vm_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForVms()) return m;
    if (shell("command -v qemu-img >/dev/null && echo ok") != "ok")
        return std::string("needs qemu-img (qemu-utils)");
    return std::nullopt;
}

namespace {
constexpr int kBootMs = 90000;
}  // namespace

class StorageVmTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(StorageVmTest);
    CPPUNIT_TEST(volumeDisksReachTheGuest);
    CPPUNIT_TEST(badVolumesFailTheStart);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        ContainerFixture::setUp();
        conn_ = Connection::open(dir_->embedUri("qemu"));
    }

private:
    fs::path poolDir() const { return dir_->path() / "pool"; }
    StoragePool makePool() {
        StoragePool p = conn_->definePool("<pool type='dir'><name>vmpool</name><target><path>" +
                                          poolDir().string() + "</path></target></pool>");
        p.build();
        p.start();
        return p;
    }
    // A raw file of 1 MiB that starts with `text`.
    void writeRaw(const fs::path& file, const std::string& text) {
        std::ofstream out(file, std::ios::binary);
        std::string block(1 << 20, '\0');
        block.replace(0, text.size(), text);
        out << block;
    }
    static std::string diskXml(const std::string& volume, const std::string& dev,
                               const std::string& more = "") {
        return "<disk type='volume' device='disk'><source pool='vmpool' volume='" + volume +
               "'/><target dev='" + dev + "' bus='virtio'/>" + more + "</disk>";
    }
    std::string readLog(const std::string& name) {
        return readText(dir_->path() / "var/log/cvirt/qemu" / (name + ".log"));
    }
    bool stateFilesGone(const std::string& name) {
        for (const char* ext : {".xml", ".pid", ".sock"})
            if (fs::exists(dir_->path() / "run/cvirt/qemu" / (name + ext))) return false;
        return true;
    }
    std::string startFailure(Domain& d) {
        try {
            d.start();
        } catch (const Error& e) {
            return e.what();
        }
        return "started";
    }

    void volumeDisksReachTheGuest() {
        StoragePool pool = makePool();
        writeRaw(poolDir() / "data.raw", "cvirt-raw-volume");
        writeRaw(dir_->path() / "plain.raw", "cvirt-qcow2-volume");
        CPPUNIT_ASSERT_EQUAL(
            std::string("ok"),
            shell("qemu-img convert -f raw -O qcow2 '" + (dir_->path() / "plain.raw").string() +
                  "' '" + (poolDir() / "disk.qcow2").string() + "' && echo ok"));
        pool.refresh();
        Domain d =
            conn_->define(vmXml("vmvol", {.devices = diskXml("data.raw", "vda", "<readonly/>") +
                                                     diskXml("disk.qcow2", "vdb")}),
                          "vmvol.xml");
        d.start();
        std::string raw = (poolDir() / "data.raw").string();
        std::string qcow2 = (poolDir() / "disk.qcow2").string();
        // qemu got the volumes' paths with their formats
        std::string log = readLog("vmvol");
        CPPUNIT_ASSERT_MESSAGE(log, has(log, "-drive file=" + raw + ",format=raw,"));
        CPPUNIT_ASSERT_MESSAGE(log, has(log, "-drive file=" + qcow2 + ",format=qcow2,"));
        std::string blocks = d.qemuMonitorCommand("{\"execute\":\"query-block\"}");
        CPPUNIT_ASSERT_MESSAGE(blocks, has(blocks, "\"file\":\"" + qcow2 + "\""));
        CPPUNIT_ASSERT_MESSAGE(blocks, has(blocks, "\"drv\":\"qcow2\""));
        // the live XML keeps the pool and volume, with the format the volume has
        std::string live = d.xml();
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<source pool='vmpool' volume='disk.qcow2'/>"));
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "type='qcow2'"));
        // the guest reads both: the qcow2 one through its format, not as raw bytes
        GuestConsole con(d.openConsole());
        CPPUNIT_ASSERT_MESSAGE(log, con.run("", "# ", kBootMs));
        CPPUNIT_ASSERT_MESSAGE(con.seen(),
                               con.run("head -c 16 /dev/vda; echo", "cvirt-raw-volume\r", 20000));
        CPPUNIT_ASSERT_MESSAGE(con.seen(),
                               con.run("head -c 18 /dev/vdb; echo", "cvirt-qcow2-volume\r", 20000));
        // in use: not deleted, not wiped, its pool not destroyed
        for (const std::string& name : {std::string("data.raw"), std::string("disk.qcow2")}) {
            StorageVol vol = pool.lookupVolume(name);
            std::string want = "volume '" + name + "': domain 'vmvol' is running with it";
            try {
                vol.remove();
                CPPUNIT_FAIL("deleted " + name);
            } catch (const Error& e) {
                CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "cannot delete " + want));
            }
            try {
                vol.wipe();
                CPPUNIT_FAIL("wiped " + name);
            } catch (const Error& e) {
                CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(), "cannot wipe " + want));
            }
        }
        CPPUNIT_ASSERT_THROW(pool.destroy(), Error);
        CPPUNIT_ASSERT(fs::exists(qcow2));
        // a volume disk is resolved at start only: attached live it is refused
        try {
            d.attachDevice(diskXml("data.raw", "vdc"), Impact{.live = true});
            CPPUNIT_FAIL("attached");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(),
                                                 "a disk of type 'volume' is attached "
                                                 "at start only"));
        }
        d.destroy();
        CPPUNIT_ASSERT(stateFilesGone("vmvol"));
        // a snapshot would leave the volume disk out: refused until it can take it
        try {
            d.createSnapshot("<domainsnapshot><name>s1</name></domainsnapshot>");
            CPPUNIT_FAIL("snapshot made");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_MESSAGE(e.what(), has(e.what(),
                                                 "snapshots of disk 'vdb' (<disk "
                                                 "type='volume'>, volume 'disk.qcow2' of "
                                                 "pool 'vmpool') are not supported yet"));
        }
        pool.lookupVolume("data.raw").remove();  // and once it stopped, it can go
        CPPUNIT_ASSERT(!fs::exists(raw));
    }

    void badVolumesFailTheStart() {
        StoragePool pool = makePool();
        writeRaw(poolDir() / "data.raw", "x");
        fs::create_directories(poolDir() / "tree");
        pool.refresh();
        struct Case {
            std::string disk, error;
        };
        std::vector<Case> cases = {
            {diskXml("missing.raw", "vda"),
             "Storage volume not found: no storage vol with matching name 'missing.raw'"},
            {"<disk type='volume'><source pool='nopool' volume='data.raw'/>"
             "<target dev='vda'/></disk>",
             "Storage pool not found: no storage pool with matching name 'nopool'"},
            {diskXml("tree", "vda"), "disk 'vda': volume 'tree' of pool 'vmpool' is a directory"},
            {"<disk type='volume'><driver name='qemu' type='qcow2'/><source pool='vmpool' "
             "volume='data.raw'/><target dev='vda'/></disk>",
             "disk 'vda' has format 'qcow2' but volume 'data.raw' of pool 'vmpool' is 'raw'"},
        };
        for (const auto& c : cases) {
            Domain d = conn_->define(vmXml("vmbad", {.devices = c.disk}), "vmbad.xml");
            std::string err = startFailure(d);
            CPPUNIT_ASSERT_MESSAGE(err, has(err, c.error));
            CPPUNIT_ASSERT(stateFilesGone("vmbad"));
        }
        pool.destroy();
        Domain d =
            conn_->define(vmXml("vmbad", {.devices = diskXml("data.raw", "vda")}), "vmbad.xml");
        std::string err = startFailure(d);
        CPPUNIT_ASSERT_MESSAGE(
            err, has(err, "storage pool 'vmpool' containing volume 'data.raw' is not active"));
        CPPUNIT_ASSERT(stateFilesGone("vmbad"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(StorageVmTest);
