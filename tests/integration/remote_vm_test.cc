// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd and VMs: Debian's virsh and virt-install (virtinst) on the qemu URI of a real server
// on a real socket — define, start, list, dumpxml, the QEMU program's monitor command,
// domcapabilities, destroy — with a TCG guest (Debian's kernel and the test initramfs), and
// virt-install's container and VM installs on the same server.
#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/server_fixture.h"
#include "support/vm_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (!fs::exists("/usr/bin/virsh")) return "needs Debian's virsh (libvirt-clients)";
    if (!fs::exists("/usr/bin/virt-install")) return "needs Debian's virt-install (virtinst)";
    if (auto m = missingForVms()) return m;
    return missingForContainers();
}

class RemoteVmTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteVmTest);
    CPPUNIT_TEST(virshDrivesAVm);
    CPPUNIT_TEST(domcapabilitiesDescribeBothKinds);
    CPPUNIT_TEST(virtInstallMakesAContainer);
    CPPUNIT_TEST(virtInstallImportsAVm);
    CPPUNIT_TEST_SUITE_END();

    RunResult virsh(const std::string& kind, const std::vector<std::string>& args) {
        std::vector<std::string> argv{"/usr/bin/virsh", "-c", clientUri(false, kind)};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }
    RunResult cvirsh(const std::vector<std::string>& args) {
        std::vector<std::string> argv{(binDir() / "cvirsh").string(), "-c",
                                      dir_->embedUri("cvirt")};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }
    // virt-install on the server's `kind` URI, never waiting for a console, with no network,
    // graphics or storage pool.
    RunResult virtInstall(const std::string& kind, const std::vector<std::string>& args) {
        std::vector<std::string> argv{"/usr/bin/virt-install",
                                      "--connect",
                                      clientUri(false, kind),
                                      "--noautoconsole",
                                      "--network",
                                      "none",
                                      "--graphics",
                                      "none",
                                      "--osinfo",
                                      "generic"};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }
    std::string domainState(const std::string& name) {
        auto d = conn_->find(name);
        return d ? std::string(stateName(d->summary().state)) : "undefined";
    }

public:
    void setUp() override {
        ServerFixture::setUp();
        conn_ = Connection::open(dir_->embedUri("cvirt"));  // both kinds, torn down alike
    }

    void virshDrivesAVm() {
        fs::path xml = dir_->path() / "vm.xml";
        std::ofstream(xml) << vmXml("cvirt-test-rvm");
        RunResult r = virsh("qemu", {"define", xml.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL("Domain 'cvirt-test-rvm' defined from " + xml.string() + "\n\n",
                             r.out);
        r = virsh("qemu", {"start", "cvirt-test-rvm"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        Domain d = conn_->lookup("cvirt-test-rvm");
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT_MESSAGE("qemu is not running", ::kill(d.initPid(), 0) == 0);
        int id = *d.summary().id;
        r = virsh("qemu", {"list"});
        CPPUNIT_ASSERT_MESSAGE(
            r.out, has(r.out, " " + std::to_string(id) + "    cvirt-test-rvm   running"));
        r = virsh("qemu", {"version"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "Running hypervisor: QEMU "));
        CPPUNIT_ASSERT_EQUAL(
            d.xml(), virsh("qemu", {"dumpxml", "cvirt-test-rvm"}).out.substr(0, d.xml().size()));
        // the QEMU program: QMP as qemu answered, and HMP's text
        r = virsh("qemu",
                  {"qemu-monitor-command", "cvirt-test-rvm", R"({"execute":"query-status"})"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, R"("status":"running")"));
        r = virsh("qemu", {"qemu-monitor-command", "cvirt-test-rvm", "--pretty",
                           R"({"execute":"query-status"})"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, R"("status": "running")"));
        r = virsh("qemu", {"qemu-monitor-command", "cvirt-test-rvm", "--hmp", "info status"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "VM status: running"));
        d.suspend();  // what the monitor says follows the VM
        r = virsh("qemu", {"qemu-monitor-command", "cvirt-test-rvm", "--hmp", "info status"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "VM status: paused"));
        d.resume();
        // an HMP command qemu refuses: libvirt's error, the server still there
        r = virsh("qemu", {"qemu-monitor-command", "cvirt-test-rvm", R"({"execute":"no-such"})"});
        CPPUNIT_ASSERT_MESSAGE(r.out + r.err, has(r.out, "CommandNotFound"));
        r = virsh("qemu", {"destroy", "cvirt-test-rvm"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        // the monitor of a VM that is not running, and of a container: refused, not dropped
        r = virsh("qemu", {"qemu-monitor-command", "cvirt-test-rvm", "--hmp", "info status"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "not running"));
        r = virsh("qemu", {"undefine", "cvirt-test-rvm"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(!conn_->find("cvirt-test-rvm"));
    }

    void domcapabilitiesDescribeBothKinds() {
        RunResult r = virsh("qemu", {"domcapabilities"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        for (const char* part : {"<domainCapabilities>", "<path>/usr/bin/qemu-system-x86_64</path>",
                                 "<domain>qemu</domain>", "<machine>pc</machine>",
                                 "<mode name='maximum' supported='yes'>",
                                 "<graphics supported='yes'>", "<loader supported='no'/>"})
            CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, part));
        r = virsh("qemu", {"domcapabilities", "--virttype", "qemu", "--machine", "q35", "--arch",
                           "x86_64"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<machine>q35</machine>") &&

                                          !has(r.out, "<value>ide</value>"));
        r = virsh("qemu", {"domcapabilities", "--machine", "microvm"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "the machine 'microvm' is not supported"));
        r = virsh("qemu", {"domcapabilities", "--arch", "aarch64"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "architecture 'aarch64' is not supported"));
        r = virsh("lxc", {"domcapabilities"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<domain>lxc</domain>") &&
                                          has(r.out, "<filesystem supported='yes'>"));
    }

    // --print-xml's document defines through cvirsh as it is; the install itself defines and
    // starts the domain on the server. `args` without --print-xml.
    void printedXmlDefines(const std::string& kind, const std::vector<std::string>& args,
                           const std::string& name, const std::vector<std::string>& parts) {
        std::vector<std::string> print = args;
        print.push_back("--print-xml");
        RunResult r = virtInstall(kind, print);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        for (const auto& part : parts)
            CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, part));
        CPPUNIT_ASSERT_EQUAL(std::string("undefined"), domainState(name));  // printed only
        fs::path xml = dir_->path() / (name + ".xml");
        std::ofstream(xml) << r.out;
        r = cvirsh({"define", xml.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("shut off"), domainState(name));
        r = cvirsh({"undefine", name});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    }
    void installedAndRunning(const std::string& kind, const std::vector<std::string>& args,
                             const std::string& name) {
        RunResult r = virtInstall(kind, args);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "Domain creation completed."));
        CPPUNIT_ASSERT_EQUAL(std::string("running"), domainState(name));
        CPPUNIT_ASSERT(conn_->lookup(name).summary().persistent);
        r = cvirsh({"list"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, name) && has(r.out, "running"));
    }

    void virtInstallMakesAContainer() {
        const std::string name = "cvirt-test-vi-ct";
        std::vector<std::string> args{
            "--container",      "--name", name,
            "--memory",         "64",     "--filesystem",
            rootfsDir() + ",/", "--boot", "init=/bin/sleep,initargs=1000",
        };
        printedXmlDefines("lxc", args, name,
                          {"<domain type=\"lxc\">", "<source dir=\"" + rootfsDir() + "\"/>",
                           "<init>/bin/sleep</init>"});
        installedAndRunning("lxc", args, name);
        Domain d = conn_->lookup(name);
        CPPUNIT_ASSERT_MESSAGE(execCapture(d, {"ps"}).out,
                               has(execCapture(d, {"ps"}).out, "sleep 1000"));
    }

    void virtInstallImportsAVm() {
        const std::string name = "cvirt-test-vi-vm";
        std::vector<std::string> args{
            "--import",
            "--name",
            name,
            "--memory",
            "128",
            "--boot",
            "kernel=" + guestKernel() + ",initrd=" + guestInitrd() +
                ",kernel_args=console=ttyS0 quiet panic=-1",
            "--disk",
            "none",
        };
        printedXmlDefines("qemu", args, name,
                          {"<domain type=\"qemu\">", "<kernel>" + guestKernel() + "</kernel>",
                           "<timer name=\"hpet\" present=\"no\"/>"});
        installedAndRunning("qemu", args, name);
        // qemu runs what virt-install asked for, clock included
        Domain d = conn_->lookup(name);
        std::string cmdline = readText("/proc/" + std::to_string(d.initPid()) + "/cmdline");
        for (char& c : cmdline)
            if (c == '\0') c = ' ';
        for (const char* part : {"-kernel", "hpet=off", "driftfix=slew", "accel=tcg"})
            CPPUNIT_ASSERT_MESSAGE(cmdline, has(cmdline, part));
        RunResult r = virsh("qemu", {"qemu-monitor-command", name, "--hmp", "info status"});
        CPPUNIT_ASSERT_MESSAGE(r.out + r.err, has(r.out, "VM status: running"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteVmTest);
