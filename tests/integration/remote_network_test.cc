// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual networks through cvirtd with Debian's virsh and python3-libvirt: define, start,
// list, XML, autostart, DHCP leases of a real dnsmasq, destroy, undefine, transient networks
// and the read-only socket. The test runs in a network namespace of its own (cvirtd, its
// bridges, nftables tables and dnsmasq live there); every bridge is named cvt*.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "net/netlink.h"
#include "net/nftables.h"
#include "net/virtual_network.h"
#include "support/server_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForLibvirtClients()) return m;
    return missingForContainersInOwnNetns();
}

namespace {
std::string networkXml(const std::string& name, const std::string& bridge,
                       const std::string& subnet) {
    return "<network><name>" + name + "</name><bridge name='" + bridge + "'/><ip address='" +
           subnet + ".1' prefix='24'><dhcp><range start='" + subnet + ".100' end='" + subnet +
           ".150'/></dhcp></ip></network>";
}
}  // namespace

class RemoteNetworkTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteNetworkTest);
    CPPUNIT_TEST(virshDrivesANetwork);
    CPPUNIT_TEST(virshTransientNetwork);
    CPPUNIT_TEST(pythonLibvirtDrivesANetwork);
    CPPUNIT_TEST(readOnlySocketRefusesNetworkChanges);
    CPPUNIT_TEST_SUITE_END();

    fs::path writeFile(const std::string& name, const std::string& text) {
        fs::path p = dir_->path() / name;
        std::ofstream(p) << text;
        return p;
    }
    static bool linkExists(const std::string& name) { return net::Netlink::open().exists(name); }
    void expectOk(const RunResult& r, const std::string& out) {
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(out, r.out);
    }

public:
    void virshDrivesANetwork() {
        const std::string name = "cvirt-test-rnet";
        fs::path file = writeFile("net.xml", networkXml(name, "cvtbr20", "10.93.0"));
        expectOk(virsh({"net-define", file.string()}),
                 "Network " + name + " defined from " + file.string() + "\n\n");
        expectOk(virsh({"net-list", "--all"}),
                 " Name              State      Autostart   Persistent\n"
                 "------------------------------------------------------\n"
                 " cvirt-test-rnet   inactive   no          yes\n\n");
        CPPUNIT_ASSERT(!conn_->lookupNetwork(name).summary().active);
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), virsh({"net-list", "--name"}).out);  // none active

        expectOk(virsh({"net-start", name}), "Network " + name + " started\n\n");
        // started for real, as the public API on the same root sees it
        CPPUNIT_ASSERT(conn_->lookupNetwork(name).summary().active);
        CPPUNIT_ASSERT(linkExists("cvtbr20"));
        std::string rules = net::nftListTable("inet", net::nftTableName(name));
        CPPUNIT_ASSERT_MESSAGE(rules, has(rules, "iifname \"cvtbr20\" drop"));
        RunResult r = virsh({"net-info", name});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out,
                                          "Active:         yes\nPersistent:     yes\n"
                                          "Autostart:      no\nBridge:         cvtbr20\n"));
        std::string uuid = conn_->lookupNetwork(name).summary().uuid;
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "UUID:           " + uuid + "\n"));
        expectOk(virsh({"net-name", uuid}), name + "\n\n");  // lookup by uuid
        expectOk(virsh({"net-dumpxml", name}), conn_->lookupNetwork(name).xml() + "\n");

        expectOk(virsh({"net-autostart", name}), "Network " + name + " marked as autostarted\n\n");
        CPPUNIT_ASSERT(conn_->lookupNetwork(name).summary().autostart);
        expectOk(virsh({"net-list", "--autostart", "--name"}), name + "\n\n");
        expectOk(virsh({"net-autostart", name, "--disable"}),
                 "Network " + name + " unmarked as autostarted\n\n");
        CPPUNIT_ASSERT(!conn_->lookupNetwork(name).summary().autostart);

        // a container on it takes a lease from the network's dnsmasq; virsh and python see it
        Domain d = conn_->define(
            containerXml("cvirt-test-rnetct",
                         {.initargs = {"-c", "sleep 1000"},
                          .devices = "<interface type='network'><mac address='52:54:00:aa:bb:20'/>"
                                     "<source network='" +
                                     name + "'/></interface>"}),
            "ct.xml");
        d.start();
        std::string out = run(d, {"udhcpc", "-i", "eth0", "-n", "-q", "-s", "/bin/true"});
        CPPUNIT_ASSERT_MESSAGE(out, has(out, "lease of 10.93.0.1"));
        CPPUNIT_ASSERT(waitUntil([&] { return !conn_->lookupNetwork(name).leases().empty(); }));
        std::string ip = conn_->lookupNetwork(name).leases()[0].ip;
        r = virsh({"net-dhcp-leases", name});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "52:54:00:aa:bb:20   ipv4       " + ip + "/24"));
        r = virsh({"net-dhcp-leases", name, "--mac", "52:54:00:aa:bb:21"});
        CPPUNIT_ASSERT_MESSAGE(r.out, !has(r.out, "52:54:00"));
        r = testenv::run({"/usr/bin/python3", "-c",
                          "import libvirt, sys\n"
                          "c = libvirt.open(sys.argv[1])\n"
                          "l, = c.networkLookupByName(sys.argv[2]).DHCPLeases()\n"
                          "assert l['iface'] == 'cvtbr20' and l['type'] == 0, l\n"
                          "assert l['mac'] == '52:54:00:aa:bb:20' and l['prefix'] == 24, l\n"
                          "assert l['ipaddr'] == sys.argv[3] and l['expirytime'] > 0, l\n"
                          "assert l['iaid'] is None, l\n"
                          "print('leases: OK')\n",
                          clientUri(), name, ip});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, std::string("leases: OK\n"), r.out);
        d.destroy();

        // dnsmasq, started by cvirtd (which blocks SIGTERM for its signalfd), ends with the
        // network: the mask is not inherited
        int dnsmasq =
            std::stoi(readText(dir_->path() / "run/cvirt/network" / (name + ".dnsmasq.pid")));
        CPPUNIT_ASSERT_MESSAGE(readText("/proc/" + std::to_string(dnsmasq) + "/status"),
                               has(readText("/proc/" + std::to_string(dnsmasq) + "/status"),
                                   "SigBlk:\t0000000000000000\n"));
        expectOk(virsh({"net-destroy", name}), "Network " + name + " destroyed\n\n");
        CPPUNIT_ASSERT(waitUntil([&] { return ::kill(dnsmasq, 0) < 0; }));
        CPPUNIT_ASSERT(!linkExists("cvtbr20"));
        CPPUNIT_ASSERT(net::nftListTable("inet", net::nftTableName(name)).empty());
        CPPUNIT_ASSERT(!conn_->lookupNetwork(name).summary().active);
        expectOk(virsh({"net-undefine", name}), "Network " + name + " has been undefined\n\n");
        CPPUNIT_ASSERT_THROW(conn_->lookupNetwork(name), Error);

        // a network that is not there: virsh's words, as against libvirtd
        r = virsh({"net-info", "nope"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: failed to get network 'nope'\n"
                                         "error: Network not found: no network with matching "
                                         "name 'nope'\n"),
                             r.err);
    }

    // net-create: started with no definition, listed as not persistent, gone once destroyed.
    void virshTransientNetwork() {
        const std::string name = "cvirt-test-rtnet";
        fs::path file = writeFile("tnet.xml", networkXml(name, "cvtbr21", "10.94.0"));
        expectOk(virsh({"net-create", file.string()}),
                 "Network " + name + " created from " + file.string() + "\n\n");
        CPPUNIT_ASSERT(linkExists("cvtbr21"));
        NetworkSummary s = conn_->lookupNetwork(name).summary();
        CPPUNIT_ASSERT(s.active && !s.persistent);
        expectOk(virsh({"net-list", "--transient", "--name"}), name + "\n\n");
        expectOk(virsh({"net-list", "--persistent", "--name"}), "\n");
        CPPUNIT_ASSERT_EQUAL(name + "\n\n", virsh({"net-name", s.uuid}).out);
        // a transient network has no autostart and cannot be undefined
        RunResult r = virsh({"net-autostart", name});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "cannot set autostart for transient network"));
        r = virsh({"net-undefine", name});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "cannot undefine transient network"));
        // the same name again is refused while it runs
        r = virsh({"net-create", file.string()});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "network '" + name + "' already exists"));
        expectOk(virsh({"net-destroy", name}), "Network " + name + " destroyed\n\n");
        CPPUNIT_ASSERT(!linkExists("cvtbr21"));
        CPPUNIT_ASSERT_THROW(conn_->lookupNetwork(name), Error);
        expectOk(virsh({"net-list", "--all", "--name"}), "\n");
    }

    // python3-libvirt's network calls, old and new listing calls, flags and error codes.
    void pythonLibvirtDrivesANetwork() {
        fs::path file =
            writeFile("pynet.xml", networkXml("cvirt-test-pynet", "cvtbr22", "10.95.0"));
        RunResult r = testenv::run(
            {"/usr/bin/python3",
             (sourceDir() / "tests/integration/remote/python_network_client.py").string(),
             clientUri(), file.string(), "cvirt-test-pynet", "cvtbr22"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("python-libvirt networks: OK\n"), r.out);
        CPPUNIT_ASSERT(conn_->listNetworks(true, true).empty());
        CPPUNIT_ASSERT(!linkExists("cvtbr22"));
    }

    void readOnlySocketRefusesNetworkChanges() {
        conn_->defineNetwork(networkXml("cvirt-test-ronet", "cvtbr23", "10.96.0"));
        expectOk(virsh({"net-list", "--all", "--name"}, true), "cvirt-test-ronet\n\n");
        RunResult r = virsh({"net-start", "cvirt-test-ronet"}, true);
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err,
                                          "error: operation forbidden: read only access "
                                          "prevents virNetworkCreate"));
        CPPUNIT_ASSERT(!conn_->lookupNetwork("cvirt-test-ronet").summary().active);
        CPPUNIT_ASSERT(!linkExists("cvtbr23"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteNetworkTest);
