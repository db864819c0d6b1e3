// SPDX-License-Identifier: GPL-3.0-or-later
// The qemu command line built from domain XML: what each element becomes, and that nothing
// reaching outside the machine is ever on it.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "qemu/command_line.h"
#include "support/test_util.h"

using namespace cvirt;
using cvirt::testenv::has;

namespace {

conf::DomainDef vm(const std::string& type, const std::string& devices,
                   const std::string& extra = {}) {
    conf::DomainDef def = conf::parseDomain(
        "<domain type='" + type +
            "'><name>web,1</name><uuid>0b6f2c1e-8d3a-4f5b-9c7e-1a2b3c4d5e6f</uuid>"
            "<memory unit='MiB'>256</memory><currentMemory unit='MiB'>128</currentMemory>"
            "<vcpu current='1'>2</vcpu><os><type arch='x86_64' machine='pc'>hvm</type>"
            "<kernel>/boot/vmlinuz</kernel><initrd>/boot/initrd.img</initrd>"
            "<cmdline>console=ttyS0 quiet</cmdline></os>" +
            extra + "<devices>" + devices + "</devices></domain>",
        {.filename = "vm.xml"});
    conf::applyDefaults(def);
    conf::validate(def, "vm.xml");
    return def;
}

std::string joined(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv)
        out += (out.empty() ? "" : " ") + a;
    return out;
}

}  // namespace

class CommandLineTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(CommandLineTest);
    CPPUNIT_TEST(directBootUnderEmulation);
    CPPUNIT_TEST(kvmUsesTheHostCpu);
    CPPUNIT_TEST(disksAndTheirBuses);
    CPPUNIT_TEST(interfacesGetTheirTapFds);
    CPPUNIT_TEST(lifecycleAndClock);
    CPPUNIT_TEST(nothingReachesOutside);
    CPPUNIT_TEST(escapesCommas);
    CPPUNIT_TEST(refusedAtDefine);
    CPPUNIT_TEST_SUITE_END();

    void directBootUnderEmulation() {
        auto def = vm("qemu", "<serial type='pty'/><console type='pty'/>");
        std::string cl = joined(qemu::commandLine(
            def, {.kvm = false, .qmpFd = 7, .serialPty = "/dev/pts/9", .tapFds = {}}));
        CPPUNIT_ASSERT_EQUAL(std::string("/usr/bin/qemu-system-x86_64 -name guest=web,,1,"
                                         "debug-threads=on -uuid "
                                         "0b6f2c1e-8d3a-4f5b-9c7e-1a2b3c4d5e6f -S "),
                             cl.substr(0, cl.find("-no-user-config")));
        CPPUNIT_ASSERT(has(cl, "-machine pc,accel=tcg,"));
        CPPUNIT_ASSERT(!has(cl, "-cpu host"));
        CPPUNIT_ASSERT(has(cl, "-m size=262144k"));  // <memory>; the balloon takes it to 128
        CPPUNIT_ASSERT(has(cl, "-smp 1,maxcpus=2"));
        CPPUNIT_ASSERT(has(cl,
                           "-chardev socket,id=charmonitor,fd=7 -mon "
                           "chardev=charmonitor,id=monitor,mode=control"));
        CPPUNIT_ASSERT(has(cl,
                           "-kernel /boot/vmlinuz -initrd /boot/initrd.img -append "
                           "console=ttyS0 quiet"));
        CPPUNIT_ASSERT(has(cl,
                           "-chardev serial,id=charserial0,path=/dev/pts/9 -device "
                           "isa-serial,chardev=charserial0,id=serial0"));
        CPPUNIT_ASSERT(has(cl, "-device virtio-balloon-pci,id=balloon0"));
    }

    void kvmUsesTheHostCpu() {
        std::string cl = joined(qemu::commandLine(vm("kvm", ""), {.kvm = true, .qmpFd = 3}));
        CPPUNIT_ASSERT(has(cl, "accel=kvm"));
        CPPUNIT_ASSERT(has(cl, "-cpu host"));
    }

    void disksAndTheirBuses() {
        auto def = vm("qemu",
                      "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
                      "<source file='/img/a,b.qcow2'/><target dev='vda' bus='virtio'/>"
                      "<readonly/></disk>"
                      "<disk type='file' device='cdrom'><source file='/img/cd.iso'/>"
                      "<target dev='hdc' bus='ide'/></disk>"
                      "<disk type='block' device='disk'><source dev='/dev/sdz'/>"
                      "<target dev='hdb'/></disk>");
        std::string cl = joined(qemu::commandLine(def, {.qmpFd = 3}));
        CPPUNIT_ASSERT_MESSAGE(cl, has(cl,
                                       "-drive file=/img/a,,b.qcow2,format=qcow2,if=none,"
                                       "id=drive-virtio-disk0,readonly=on -device "
                                       "virtio-blk-pci,drive=drive-virtio-disk0,id=virtio-disk0"));
        CPPUNIT_ASSERT_MESSAGE(cl, has(cl,
                                       "-drive file=/img/cd.iso,format=raw,if=none,"
                                       "id=drive-ide0-1-0,readonly=on,media=cdrom -device "
                                       "ide-cd,bus=ide.1,unit=0,drive=drive-ide0-1-0"));
        CPPUNIT_ASSERT_MESSAGE(cl,
                               has(cl, "-device ide-hd,bus=ide.0,unit=1,drive=drive-ide0-0-1"));
    }

    void interfacesGetTheirTapFds() {
        auto def = vm("qemu",
                      "<interface type='bridge'><source bridge='br0'/>"
                      "<mac address='52:54:00:aa:bb:cc'/><model type='virtio'/></interface>"
                      "<interface type='ethernet'><mac address='52:54:00:aa:bb:cd'/></interface>");
        std::string cl = joined(qemu::commandLine(def, {.qmpFd = 3, .tapFds = {10, 11}}));
        CPPUNIT_ASSERT(has(cl,
                           "-netdev tap,fd=10,id=hostnet0 -device "
                           "virtio-net-pci,netdev=hostnet0,id=net0,mac=52:54:00:aa:bb:cc"));
        // libvirt's default model on x86
        CPPUNIT_ASSERT(has(cl,
                           "-netdev tap,fd=11,id=hostnet1 -device "
                           "rtl8139,netdev=hostnet1,id=net1,mac=52:54:00:aa:bb:cd"));
        CPPUNIT_ASSERT_THROW(qemu::commandLine(def, {.qmpFd = 3, .tapFds = {10}}), Error);
    }

    void lifecycleAndClock() {
        auto def = vm("qemu", "", "<clock offset='localtime'/><on_reboot>destroy</on_reboot>");
        std::string cl = joined(qemu::commandLine(def, {.qmpFd = 3}));
        CPPUNIT_ASSERT(has(cl, "-rtc base=localtime"));
        CPPUNIT_ASSERT(has(cl, "-no-reboot"));
        std::string plain = joined(qemu::commandLine(vm("qemu", ""), {.qmpFd = 3}));
        CPPUNIT_ASSERT(!has(plain, "-no-reboot"));
        CPPUNIT_ASSERT(has(plain, "-rtc base=utc"));
    }

    void nothingReachesOutside() {
        std::string cl = joined(qemu::commandLine(vm("qemu", "<serial type='pty'/>"),
                                                  {.qmpFd = 3, .serialPty = "/dev/pts/1"}));
        CPPUNIT_ASSERT(has(cl, "-nodefaults"));
        CPPUNIT_ASSERT(has(cl, "-no-user-config"));
        CPPUNIT_ASSERT(has(cl, "-display none"));
        CPPUNIT_ASSERT(has(cl,
                           "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                           "resourcecontrol=deny"));
        for (const char* outside : {"-vnc", "-spice", "user,", "tcp:", "-nographic", "-monitor"})
            CPPUNIT_ASSERT_MESSAGE(outside, !has(cl, outside));
    }

    void escapesCommas() {
        CPPUNIT_ASSERT_EQUAL(std::string("a,,b,,,,c"), qemu::escapeOptionValue("a,b,,c"));
        CPPUNIT_ASSERT_EQUAL(std::string("plain"), qemu::escapeOptionValue("plain"));
    }

    void refusedAtDefine() {
        auto refused = [](const std::string& devices) {
            try {
                vm("qemu", devices);
            } catch (const Error& e) {
                return std::string(e.what());
            }
            return std::string();
        };
        CPPUNIT_ASSERT(has(refused("<disk type='file'><source file='/a'/><target dev='sda' "
                                   "bus='scsi'/></disk>"),
                           "disk bus 'scsi' is not supported for qemu domains"));
        CPPUNIT_ASSERT(has(refused("<interface type='direct'><source dev='eth0'/></interface>"),
                           "interface type 'direct' is not supported for qemu domains"));
        CPPUNIT_ASSERT(
            has(refused("<serial type='pty'/><serial type='pty'/>"), "only one serial port"));
        CPPUNIT_ASSERT(has(refused("<filesystem type='mount'><source dir='/x'/><target "
                                   "dir='/'/></filesystem>"),
                           "<filesystem> is not supported for qemu domains"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CommandLineTest);
