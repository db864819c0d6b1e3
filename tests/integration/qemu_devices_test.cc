// SPDX-License-Identifier: GPL-3.0-or-later
// What virt-install writes, booted for real: the fixture virt-install printed
// (tests/data/qemu/) runs as a TCG guest, and qemu itself (QMP, `info qtree`) and the guest
// (sysfs, the virtio serial port) show every device with libvirt's meaning: maximum CPU,
// ACPI, S3/S4 off, ICH9 USB with its companions and a tablet, VNC on a port start chose,
// VGA, the guest agent channel on a UNIX socket, balloon and virtio-rng. One boot.
#include <cppunit/extensions/HelperMacros.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "cvirt/connection.h"
#include "support/container_fixture.h"
#include "support/container_util.h"
#include "support/test_util.h"
#include "support/vm_util.h"
#include "util/fd.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForVms();
}

namespace {
constexpr int kBootMs = 90000;

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
        s.replace(p, from.size(), to);
}

// virt-install's output as a qemu domain booting the test guest (tests/data/qemu/README.md).
std::string virtInstallDomain() {
    std::string xml = readText(sourceDir() / "tests/data/qemu/virt-install-vnc-agent-rng.xml");
    replaceAll(xml, "type=\"test\"", "type=\"qemu\"");
    replaceAll(xml, "arch=\"i686\"", "arch=\"x86_64\"");
    replaceAll(xml, "/usr/bin/test-hv", "/usr/bin/qemu-system-x86_64");
    replaceAll(xml, "<kernel>/boot/vmlinuz</kernel>", "<kernel>" + guestKernel() + "</kernel>");
    replaceAll(xml, "<initrd>/boot/initrd.img</initrd>", "<initrd>" + guestInitrd() + "</initrd>");
    replaceAll(xml, "<cmdline>console=ttyS0</cmdline>", "<cmdline>console=ttyS0 quiet</cmdline>");
    return xml;
}

std::string match(const std::string& text, const std::string& re) {
    std::smatch m;
    return std::regex_search(text, m, std::regex(re)) ? m[1].str() : std::string();
}
}  // namespace

class QemuDevicesTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(QemuDevicesTest);
    CPPUNIT_TEST(virtInstallGuestHasEveryDevice);
    CPPUNIT_TEST_SUITE_END();

public:
    void setUp() override {
        ContainerFixture::setUp();
        conn_ = Connection::open(dir_->embedUri("qemu"));
    }

private:
    std::string qmp(Domain& d, const std::string& cmd) { return d.qemuMonitorCommand(cmd); }
    std::string qomType(Domain& d, const std::string& path) {
        return qmp(d, "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"" + path +
                          "\",\"property\":\"type\"}}");
    }

    void virtInstallGuestHasEveryDevice() {
        Domain d = conn_->define(virtInstallDomain(), "virt-install.xml");
        d.start();
        fs::path runDir = dir_->path() / "run/cvirt/qemu";

        // the live XML shows what start chose: a VNC port from 5900, the agent's socket
        std::string live = d.xml();
        std::string port = match(live,
                                 "<graphics type='vnc' port='(\\d+)' autoport='yes' "
                                 "listen='127.0.0.1'>");
        CPPUNIT_ASSERT_MESSAGE(live, !port.empty() && std::stoi(port) >= 5900);
        fs::path agent = runDir / "vi-guest.d/org.qemu.guest_agent.0";
        CPPUNIT_ASSERT_MESSAGE(live,
                               has(live, "<source mode='bind' path='" + agent.string() + "'/>"));
        CPPUNIT_ASSERT(fs::is_socket(agent));
        // the stored definition keeps autoport and no path
        std::string inactive = conn_->lookup("vi-guest").xml(true);
        CPPUNIT_ASSERT_MESSAGE(
            inactive, has(inactive, "port='-1' autoport='yes'") && !has(inactive, agent.string()));

        // qemu has each device, as libvirt would have made it
        std::string vnc = qmp(d, "{\"execute\":\"query-vnc\"}");
        CPPUNIT_ASSERT_MESSAGE(vnc, has(vnc, "\"enabled\":true") &&
                                        has(vnc, "\"host\":\"127.0.0.1\"") &&
                                        has(vnc, "\"service\":\"" + port + "\""));
        std::string cpus = qmp(d, "{\"execute\":\"query-cpus-fast\"}");
        std::string cpuPath = match(cpus, "\"qom-path\":\"([^\"]+)\"");
        CPPUNIT_ASSERT_MESSAGE(cpus, has(qomType(d, cpuPath), "max-x86_64-cpu"));
        std::string acpi = qmp(d,
                               "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine\","
                               "\"property\":\"acpi\"}}");
        CPPUNIT_ASSERT_MESSAGE(acpi, has(acpi, "\"return\":\"on\""));
        std::string peripherals =
            qmp(d, "{\"execute\":\"qom-list\",\"arguments\":{\"path\":\"/machine/peripheral\"}}");
        for (auto [id, type] : {std::pair{"usb", "ich9-usb-ehci1"},
                                {"input0", "usb-tablet"},
                                {"video0", "VGA"},
                                {"virtio-serial0", "virtio-serial-pci"},
                                {"channel0", "virtserialport"},
                                {"balloon0", "virtio-balloon-pci"},
                                {"rng0", "virtio-rng-pci"}})
            CPPUNIT_ASSERT_MESSAGE(std::string(id) + ": " + peripherals,
                                   has(qomType(d, std::string("/machine/peripheral/") + id),
                                       std::string("\"") + type + "\""));
        std::string qtree = qmp(d,
                                "{\"execute\":\"human-monitor-command\",\"arguments\":"
                                "{\"command-line\":\"info qtree\"}}");
        for (const char* dev : {"ich9-usb-uhci1", "ich9-usb-uhci2", "ich9-usb-uhci3"})
            CPPUNIT_ASSERT_MESSAGE(dev, has(qtree, std::string("dev: ") + dev));
        CPPUNIT_ASSERT_MESSAGE("S3/S4 off",
                               has(qtree, "disable_s3 = 1") && has(qtree, "disable_s4 = 1"));
        CPPUNIT_ASSERT_MESSAGE(qtree, has(qtree, "name = \\\"org.qemu.guest_agent.0\\\""));  // JSON-escaped
        std::string chardevs = qmp(d, "{\"execute\":\"query-chardev\"}");
        CPPUNIT_ASSERT_MESSAGE(chardevs,
                               has(chardevs, "charchannel0") && has(chardevs, agent.string()));
        std::string balloon = qmp(d, "{\"execute\":\"query-balloon\"}");
        CPPUNIT_ASSERT_MESSAGE(balloon, has(balloon, "\"actual\":134217728"));

        // the guest sees them: the agent's port by name, virtio-rng as its random source,
        // and what it writes to the port comes out of the host's socket
        GuestConsole con(d.openConsole());
        CPPUNIT_ASSERT_MESSAGE(con.seen(), con.run("", "# ", kBootMs));
        CPPUNIT_ASSERT_MESSAGE(con.seen(), con.run("cat /sys/class/virtio-ports/vport*/name",
                                                   "org.qemu.guest_agent.0", 20000));
        CPPUNIT_ASSERT_MESSAGE(con.seen(), con.run("cat /sys/class/misc/hw_random/rng_available",
                                                   "virtio_rng", 20000));
        util::Fd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", agent.c_str());
        CPPUNIT_ASSERT(::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        con.send("echo cvirt-agent-$((6*7)) > /dev/vport0p1\n");
        std::string got;
        timeval tv{.tv_sec = 20, .tv_usec = 0};
        ::setsockopt(s.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        char buf[256];
        while (!has(got, "cvirt-agent-42")) {
            ssize_t n = ::read(s.get(), buf, sizeof buf);
            if (n <= 0) break;
            got.append(buf, static_cast<size_t>(n));
        }
        CPPUNIT_ASSERT_MESSAGE(got + con.seen(), has(got, "cvirt-agent-42"));

        d.destroy();
        CPPUNIT_ASSERT_MESSAGE("the agent's socket directory goes with the VM",
                               !fs::exists(runDir / "vi-guest.d"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(QemuDevicesTest);
