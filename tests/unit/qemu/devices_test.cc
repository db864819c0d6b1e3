// SPDX-License-Identifier: GPL-3.0-or-later
// What a VM's CPU, <pm>, <features> and peripheral devices become on the qemu command line,
// argument by argument, and what is refused with which reason. Starts from what virt-install
// writes (tests/data/qemu/).
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "qemu/command_line.h"
#include "qemu/devices.h"
#include "support/test_util.h"

using namespace cvirt;
using cvirt::testenv::has;

namespace {

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
        s.replace(p, from.size(), to);
}

// The virt-install fixture as a qemu domain (see tests/data/qemu/README.md).
std::string virtInstallXml() {
    std::string xml =
        testenv::readText(testenv::sourceDir() / "tests/data/qemu/virt-install-vnc-agent-rng.xml");
    replaceAll(xml, "type=\"test\"", "type=\"qemu\"");
    replaceAll(xml, "arch=\"i686\"", "arch=\"x86_64\"");
    replaceAll(xml, "/usr/bin/test-hv", "/usr/bin/qemu-system-x86_64");
    return xml;
}

conf::DomainDef load(const std::string& xml) {
    return conf::loadDomain(xml, {.filename = "vm.xml"});
}

std::string vmXml(const std::string& devices, const std::string& extra = {},
                  const std::string& type = "qemu", const std::string& machine = "pc") {
    return "<domain type='" + type +
           "'><name>dev</name><memory unit='MiB'>128</memory><os><type arch='x86_64' machine='" +
           machine + "'>hvm</type><kernel>/k</kernel></os>" + extra + "<devices>" + devices +
           "</devices></domain>";
}

std::string argsOf(const conf::DomainDef& def, bool kvm = false) {
    std::string out;
    for (const auto& a : qemu::commandLine(def, {.kvm = kvm, .qmpFd = 3}))
        out += (out.empty() ? "" : " ") + a;
    return out;
}

std::string refusal(const std::string& xml) {
    try {
        load(xml);
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

class DevicesTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(DevicesTest);
    CPPUNIT_TEST(virtInstallOutputRunsAsLibvirtWould);
    CPPUNIT_TEST(virtInstallOutputRoundTrips);
    CPPUNIT_TEST(cpuModes);
    CPPUNIT_TEST(controllers);
    CPPUNIT_TEST(graphicsListens);
    CPPUNIT_TEST(videoModels);
    CPPUNIT_TEST(inputs);
    CPPUNIT_TEST(rngAndBalloon);
    CPPUNIT_TEST(featuresAndPm);
    CPPUNIT_TEST(clockTimers);
    CPPUNIT_TEST(refusedWithTheirReason);
    CPPUNIT_TEST_SUITE_END();

    void virtInstallOutputRunsAsLibvirtWould() {
        conf::DomainDef def = load(virtInstallXml());
        // what start fills in (qemu/endpoints.h)
        def.channels.at(0).sourcePath = "/run/d.d/org.qemu.guest_agent.0";
        def.graphics.at(0).port = 5901;
        std::string cl = argsOf(def);
        CPPUNIT_ASSERT_MESSAGE(cl, has(cl,
                                       " -machine pc,accel=tcg,usb=off,dump-guest-core=off,"
                                       "acpi=on -cpu max -m "));
        CPPUNIT_ASSERT_MESSAGE(cl, !has(cl, "-display none"));
        CPPUNIT_ASSERT_MESSAGE(
            cl, has(cl,
                    "-global PIIX4_PM.disable_s3=1 -global PIIX4_PM.disable_s4=1 "
                    "-device ich9-usb-ehci1,id=usb "
                    "-device ich9-usb-uhci1,masterbus=usb.0,firstport=0 "
                    "-device ich9-usb-uhci2,masterbus=usb.0,firstport=2 "
                    "-device ich9-usb-uhci3,masterbus=usb.0,firstport=4 "
                    "-device virtio-serial-pci,id=virtio-serial0 "
                    "-device usb-tablet,id=input0,bus=usb.0 "
                    "-vnc 127.0.0.1:1 -device VGA,id=video0 "
                    "-chardev socket,id=charchannel0,path=/run/d.d/org.qemu.guest_agent.0,"
                    "server=on,wait=off "
                    "-device virtserialport,bus=virtio-serial0.0,nr=1,chardev=charchannel0,"
                    "id=channel0,name=org.qemu.guest_agent.0 "
                    "-device virtio-balloon-pci,id=balloon0 "
                    "-object rng-random,id=objrng0,filename=/dev/urandom "
                    "-device virtio-rng-pci,rng=objrng0,id=rng0"));
        // the inactive XML keeps the choices for start
        std::string xml = conf::formatDomain(load(virtInstallXml()));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml,
                                        "<graphics type='vnc' port='-1' autoport='yes' "
                                        "listen='127.0.0.1'>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<controller type='virtio-serial' index='0'/>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml,
                                        "<controller type='usb' index='0' model='ich9-uhci2'>"
                                        "\n      <master startport='2'/>"));
    }

    void virtInstallOutputRoundTrips() {
        conf::DomainDef def = load(virtInstallXml());
        std::string out = conf::formatDomain(def);
        conf::DomainDef again = conf::parseDomain(out, {.filename = "out.xml"});
        conf::applyDefaults(again);
        CPPUNIT_ASSERT_MESSAGE(out, again == def);
        CPPUNIT_ASSERT_EQUAL(out, conf::formatDomain(again));
        // and the live XML (port and socket path filled in) too
        def.channels[0].sourcePath = "/run/x.d/org.qemu.guest_agent.0";
        def.graphics[0].port = 5900;
        std::string live = conf::formatDomain(def, {.id = 4});
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "port='5900' autoport='yes'"));
        conf::DomainDef back = conf::parseDomain(live, {.filename = "live.xml"});
        conf::applyDefaults(back);
        // the live XML names the devices as libvirt's qemu driver does
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<alias name='channel0'/>"));
        CPPUNIT_ASSERT_MESSAGE(live, has(live, "<alias name='balloon0'/>"));
        // (without those aliases: compare what start chose)
        conf::dropLiveState(back);
        CPPUNIT_ASSERT(back.graphics == def.graphics && back.channels == def.channels);
    }

    void cpuModes() {
        auto cpu = [](const std::string& xml, bool kvm, const std::string& type = "qemu") {
            auto def = load(vmXml("", xml, type));
            auto a = qemu::cpuArgs(def, kvm);
            return a.empty() ? std::string("(none)") : a.at(0) + " " + a.at(1);
        };
        CPPUNIT_ASSERT_EQUAL(std::string("(none)"), cpu("", false));  // qemu64
        CPPUNIT_ASSERT_EQUAL(std::string("-cpu host"), cpu("", true, "kvm"));
        CPPUNIT_ASSERT_EQUAL(std::string("-cpu max"), cpu("<cpu mode='maximum'/>", false));
        CPPUNIT_ASSERT_EQUAL(std::string("-cpu max,migratable=off"),
                             cpu("<cpu mode='maximum' migratable='off'/>", false));
        CPPUNIT_ASSERT_EQUAL(
            std::string("-cpu host,migratable=on"),
            cpu("<cpu mode='host-passthrough' check='none' migratable='on'/>", true, "kvm"));
        CPPUNIT_ASSERT_EQUAL(std::string("-cpu max"), cpu("<cpu mode='host-model'/>", false));
        CPPUNIT_ASSERT_EQUAL(std::string("-cpu host"),
                             cpu("<cpu mode='host-model'/>", true, "kvm"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("-cpu qemu64,ssse3=on,sse4.2=on,vmx=off,svm=off,enforce"),
            cpu("<cpu mode='custom' match='exact' check='full'><model>qemu64</model>"
                "<feature policy='force' name='ssse3'/><feature name='sse4.2'/>"
                "<feature policy='disable' name='vmx'/><feature policy='forbid' name='svm'/>"
                "<feature policy='optional' name='x2apic'/></cpu>",
                false));
        // <model> without mode is custom, as in libvirt
        CPPUNIT_ASSERT_EQUAL(std::string("-cpu Haswell"),
                             cpu("<cpu><model>Haswell</model></cpu>", false));
        CPPUNIT_ASSERT(has(conf::formatDomain(load(vmXml("", "<cpu><model>Haswell</model></cpu>"))),
                           "<cpu mode='custom'>"));
    }

    void controllers() {
        std::string pc =
            argsOf(load(vmXml("<controller type='usb' index='0' model='piix3-uhci'/>"
                              "<controller type='pci' index='0' model='pci-root'/>"
                              "<controller type='ide' index='0'/>"
                              "<controller type='virtio-serial' index='0' ports='16' vectors='4'/>"
                              "<controller type='scsi' index='0' model='virtio-scsi'/>"
                              "<controller type='scsi' index='1'/>")));
        CPPUNIT_ASSERT_MESSAGE(pc, has(pc,
                                       "-device piix3-usb-uhci,id=usb "
                                       "-device virtio-serial-pci,id=virtio-serial0,"
                                       "max_ports=16,vectors=4 "
                                       "-device virtio-scsi-pci,id=scsi0 -device lsi,id=scsi1"));
        CPPUNIT_ASSERT_MESSAGE(pc, !has(pc, "pci-root") && !has(pc, "ide,"));
        std::string q35 =
            argsOf(load(vmXml("<controller type='usb' model='qemu-xhci' ports='15'/>"
                              "<controller type='pci' model='pcie-root'/>"
                              "<controller type='pci' model='pcie-root-port'/>"
                              "<controller type='pci' model='pcie-root-port'>"
                              "<target chassis='7' port='0x1a'/></controller>"
                              "<controller type='sata' index='0'/>",
                              "", "qemu", "q35")));
        CPPUNIT_ASSERT_MESSAGE(q35, has(q35, "-machine q35,accel=tcg"));
        CPPUNIT_ASSERT_MESSAGE(q35, has(q35,
                                        "-device qemu-xhci,id=usb,p2=15,p3=15 "
                                        "-device pcie-root-port,port=0x10,chassis=1,id=pci.1,"
                                        "bus=pcie.0 "
                                        "-device pcie-root-port,port=0x1a,chassis=7,id=pci.2,"
                                        "bus=pcie.0"));
        std::string none = argsOf(load(vmXml("<controller type='usb' model='none'/>")));
        CPPUNIT_ASSERT_MESSAGE(none, !has(none, "usb-"));
    }

    void graphicsListens() {
        auto vnc = [](const std::string& graphics) {
            auto def = load(vmXml(graphics));
            if (def.graphics[0].listenType == conf::GraphicsListenType::Address)
                def.graphics[0].port = def.graphics[0].port == -1 ? 5900 : def.graphics[0].port;
            std::string cl = argsOf(def);
            size_t p = cl.find("-vnc ");
            return p == std::string::npos ? std::string("(none)")
                                          : cl.substr(p, cl.find(' ', p + 5) - p);
        };
        CPPUNIT_ASSERT_EQUAL(std::string("-vnc 127.0.0.1:0"), vnc("<graphics type='vnc'/>"));
        CPPUNIT_ASSERT_EQUAL(std::string("-vnc 127.0.0.1:3"),
                             vnc("<graphics type='vnc' port='5903' autoport='no'/>"));
        CPPUNIT_ASSERT_EQUAL(std::string("-vnc [::1]:0"),
                             vnc("<graphics type='vnc'><listen type='address' address='::1'/>"
                                 "</graphics>"));
        CPPUNIT_ASSERT_EQUAL(std::string("-vnc unix:/run/v,,1.sock"),
                             vnc("<graphics type='vnc'><listen type='socket' "
                                 "socket='/run/v,1.sock'/></graphics>"));
        CPPUNIT_ASSERT_EQUAL(std::string("-vnc unix:/run/old.sock"),
                             vnc("<graphics type='vnc' socket='/run/old.sock'/>"));
        CPPUNIT_ASSERT_EQUAL(std::string("-vnc none"),
                             vnc("<graphics type='vnc'><listen type='none'/></graphics>"));
        // a socket left to start is not a port
        auto def = load(vmXml("<graphics type='vnc'><listen type='socket'/></graphics>"));
        CPPUNIT_ASSERT(!def.graphics[0].port && !def.graphics[0].autoport);
        CPPUNIT_ASSERT_THROW(argsOf(def), Error);  // start fills the path in first
        CPPUNIT_ASSERT(has(refusal(vmXml("<graphics type='vnc' listen='0.0.0.0'/>")),
                           "<graphics>: VNC listen address '0.0.0.0' is not local"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<graphics type='vnc' port='5900' autoport='no' "
                                         "listen='127.0.0.1'><listen type='address' "
                                         "address='127.0.0.2'/></graphics>")),
                           "listen attribute '127.0.0.1' must match the address of <listen>"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<graphics type='vnc' port='5800' autoport='no'/>")),
                           "VNC port 5800 is not valid"));
    }

    void videoModels() {
        auto video = [](const std::string& model) {
            std::string cl = argsOf(load(vmXml("<video><model " + model + "/></video>")));
            size_t p = cl.find("id=video0");
            if (p == std::string::npos) return std::string("(none)");
            size_t b = cl.rfind("-device ", p);
            return cl.substr(b + 8, cl.find(' ', p) - b - 8);
        };
        CPPUNIT_ASSERT_EQUAL(std::string("VGA,id=video0,vgamem_mb=16"),
                             video("type='vga' vram='16384' heads='1' primary='yes'"));
        CPPUNIT_ASSERT_EQUAL(std::string("cirrus-vga,id=video0"), video("type='cirrus'"));
        CPPUNIT_ASSERT_EQUAL(std::string("virtio-vga,id=video0,max_outputs=2"),
                             video("type='virtio' heads='2'"));
        CPPUNIT_ASSERT_EQUAL(std::string("qxl-vga,id=video0"), video("type='qxl'"));
        CPPUNIT_ASSERT_EQUAL(std::string("bochs-display,id=video0"), video("type='bochs'"));
        CPPUNIT_ASSERT_EQUAL(std::string("(none)"), video("type='none'"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<video><model type='vmvga'/></video>")),
                           "unknown video model 'vmvga'"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<video><model type='vga' heads='2'/></video>")),
                           "heads 2 needs model 'virtio'"));
    }

    void inputs() {
        auto def =
            load(vmXml("<input type='tablet' bus='usb'/><input type='mouse'/>"
                       "<input type='keyboard' bus='virtio'/>"
                       "<input type='mouse' bus='virtio'/>"));
        // a USB input brings libvirt's default USB controller; ps2 is the machine's i8042
        std::string xml = conf::formatDomain(def);
        CPPUNIT_ASSERT_MESSAGE(xml,
                               has(xml, "<controller type='usb' index='0' model='piix3-uhci'/>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<input type='mouse' bus='ps2'/>"));
        std::string cl = argsOf(def);
        CPPUNIT_ASSERT_MESSAGE(cl, has(cl,
                                       "-device piix3-usb-uhci,id=usb "
                                       "-device usb-tablet,id=input0,bus=usb.0 "
                                       "-device virtio-keyboard-pci,id=input2 "
                                       "-device virtio-mouse-pci,id=input3"));
        CPPUNIT_ASSERT_MESSAGE(cl, !has(cl, "id=input1"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<input type='tablet' bus='ps2'/>")),
                           "ps2 bus does not support tablet input device"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<controller type='usb' model='none'/>"
                                         "<input type='keyboard' bus='usb'/>")),
                           "input 'keyboard' on bus 'usb' needs a USB controller"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<input type='evdev'/>")), "unknown input type 'evdev'"));
    }

    void rngAndBalloon() {
        std::string cl =
            argsOf(load(vmXml("<rng model='virtio'><rate bytes='1024'/>"
                              "<backend model='random'>/dev/random</backend></rng>"
                              "<memballoon model='none'/>")));
        CPPUNIT_ASSERT_MESSAGE(cl, has(cl,
                                       "-object rng-random,id=objrng0,filename=/dev/random "
                                       "-device virtio-rng-pci,rng=objrng0,id=rng0,"
                                       "max-bytes=1024,period=1000"));
        CPPUNIT_ASSERT_MESSAGE(cl, !has(cl, "balloon"));
        // no <memballoon>: libvirt's virtio balloon
        std::string plain = argsOf(load(vmXml("")));
        CPPUNIT_ASSERT(has(plain, "-device virtio-balloon-pci,id=balloon0"));
        CPPUNIT_ASSERT(has(conf::formatDomain(load(vmXml(""))), "<memballoon model='virtio'/>"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<rng model='virtio'><backend model='random'>/dev/sda"
                                         "</backend></rng>")),
                           "rng backend '/dev/sda' is not supported"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<rng model='virtio'><backend model='egd' "
                                         "type='tcp'/></rng>")),
                           "<backend>: rng backend model 'egd' is not supported (only 'random')"));
        CPPUNIT_ASSERT(has(refusal("<domain type='qemu'><name>dev</name><memory>131072</memory>"
                                   "<currentMemory>65536</currentMemory><os><type>hvm</type>"
                                   "<kernel>/k</kernel></os><devices><memballoon model='none'/>"
                                   "</devices></domain>"),
                           "currentMemory below memory needs a balloon"));
    }

    // virt-install's default clock for a Linux guest on qemu: -rtc driftfix=slew, no HPET, the
    // in-kernel PIT's 'delay' (under KVM; the emulated one delays by itself).
    void clockTimers() {
        const std::string clock =
            "<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/>"
            "<timer name='pit' tickpolicy='delay'/><timer name='hpet' present='no'/></clock>";
        conf::DomainDef def = load(vmXml("", clock));
        std::string tcg = argsOf(def), kvm = argsOf(load(vmXml("", clock, "kvm")), true);
        CPPUNIT_ASSERT_MESSAGE(tcg, has(tcg, "-rtc base=utc,driftfix=slew"));
        CPPUNIT_ASSERT_MESSAGE(tcg, has(tcg, ",dump-guest-core=off,acpi=off,hpet=off "));
        CPPUNIT_ASSERT_MESSAGE(tcg, !has(tcg, "kvm-pit"));
        CPPUNIT_ASSERT_MESSAGE(kvm, has(kvm, "-global kvm-pit.lost_tick_policy=delay"));
        std::string plain = argsOf(load(vmXml("")));
        CPPUNIT_ASSERT(!has(plain, "hpet") && !has(plain, "driftfix"));
        // the definition keeps them
        CPPUNIT_ASSERT_MESSAGE(conf::formatDomain(def),
                               has(conf::formatDomain(def), "<timer name='hpet' present='no'/>"));
        CPPUNIT_ASSERT_EQUAL(conf::formatDomain(def),
                             conf::formatDomain(load(conf::formatDomain(def))));
        // what qemu has no switch for, and a container's timers
        CPPUNIT_ASSERT(has(refusal(vmXml("", "<clock offset='utc'><timer name='tsc'/></clock>")),
                           "timer 'tsc' is not supported by cvirt (rtc, pit, hpet)"));
        CPPUNIT_ASSERT(has(refusal(vmXml("",
                                         "<clock offset='utc'><timer name='pit' "
                                         "tickpolicy='discard'/></clock>")),
                           "tickpolicy 'discard' needs type='kvm'"));
        CPPUNIT_ASSERT(has(refusal(vmXml("",
                                         "<clock offset='utc'><timer name='rtc' "
                                         "tickpolicy='merge'/></clock>")),
                           "timer 'rtc' tickpolicy 'merge' is not supported (delay, catchup)"));
        CPPUNIT_ASSERT(has(refusal("<domain type='lxc'><name>c</name><memory>65536</memory><os>"
                                   "<type>exe</type><init>/bin/sh</init></os><clock offset='utc'>"
                                   "<timer name='rtc'/></clock></domain>"),
                           "<timer> is only for qemu and kvm domains"));
    }

    void featuresAndPm() {
        std::string off = argsOf(load(vmXml("")));
        CPPUNIT_ASSERT_MESSAGE(off, has(off, "dump-guest-core=off,acpi=off "));
        std::string q35 = argsOf(
            load(vmXml("",
                       "<features><acpi/><apic/></features><pm><suspend-to-mem enabled='yes'/>"
                       "<suspend-to-disk enabled='no'/></pm>",
                       "qemu", "pc-q35-7.2")));
        CPPUNIT_ASSERT_MESSAGE(q35, has(q35, ",acpi=on "));
        CPPUNIT_ASSERT_MESSAGE(q35, has(q35,
                                        "-global ICH9-LPC.disable_s3=0 "
                                        "-global ICH9-LPC.disable_s4=1"));
        CPPUNIT_ASSERT(
            has(refusal(vmXml("", "<pm><suspend-to-mem enabled='no'/></pm>", "qemu", "microvm")),
                "<pm> needs an i440fx or q35 machine"));
    }

    void refusedWithTheirReason() {
        CPPUNIT_ASSERT(has(refusal(vmXml("", "<cpu mode='host-passthrough'/>")),
                           "<cpu>: CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 "
                           "host is not supported by hypervisor"));
        CPPUNIT_ASSERT(
            has(refusal(vmXml("", "<cpu mode='custom'/>")), "cpu mode 'custom' needs a <model>"));
        CPPUNIT_ASSERT(has(refusal(vmXml("", "<cpu mode='maximum'><topology sockets='1'/></cpu>")),
                           "<topology>: not supported in <cpu>"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<graphics type='spice' autoport='yes'/>")),
                           "<graphics>: graphics type 'spice' is not supported"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<sound model='ich9'/>")), "<sound>: unsupported device"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<smartcard mode='passthrough' type='spicevmc'/>")),
                           "<smartcard>: unsupported device"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<channel type='spicevmc'><target type='virtio' "
                                         "name='com.redhat.spice.0'/></channel>")),
                           "<channel>: channel type 'spicevmc' is not supported"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<controller type='usb' model='ich9-uhci1'>"
                                         "<master startport='0'/></controller>")),
                           "needs an ich9-ehci1 controller with index 0"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<controller type='scsi' model='buslogic'/>")),
                           "controller model 'buslogic' is not supported for type 'scsi'"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<controller type='sata'/>")),
                           "needs a q35 machine (machine is 'pc')"));
        CPPUNIT_ASSERT(has(refusal(vmXml("<memballoon model='virtio'/><memballoon model='none'/>")),
                           "only one <memballoon> is allowed"));
        CPPUNIT_ASSERT(has(refusal("<domain type='lxc'><name>c</name><memory>65536</memory><os>"
                                   "<type>exe</type><init>/bin/sh</init></os><devices>"
                                   "<graphics type='vnc'/></devices></domain>"),
                           "<graphics>: <graphics> is only for qemu and kvm domains"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(DevicesTest);
