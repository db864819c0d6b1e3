// SPDX-License-Identifier: GPL-3.0-or-later
// capabilities and domcapabilities (driver/api/host.cc) against the fake backends: each
// driver's backend describes its guests, and the one that serves a virt type describes it.
#include <pugixml.hpp>

#include <fstream>

#include "api_fixture.h"

using namespace cvirt;
using namespace cvirt::fake;

namespace {

pugi::xml_document parse(const std::string& xml) {
    pugi::xml_document doc;
    CPPUNIT_ASSERT_MESSAGE(xml, doc.load_string(xml.c_str()));
    return doc;
}

// "driver/type" of the <fake> element a fake's describeDomain wrote.
std::string describedBy(const std::string& domcaps) {
    pugi::xml_document doc = parse(domcaps);
    pugi::xml_node fake = doc.child("domainCapabilities").child("fake");
    return std::string(fake.attribute("driver").value()) + "/" + fake.attribute("type").value();
}

}  // namespace

class HostTest : public ApiFixture {
    CPPUNIT_TEST_SUITE(HostTest);
    CPPUNIT_TEST(capabilitiesHaveAGuestPerBackend);
    CPPUNIT_TEST(domainCapabilitiesComeFromTheServingBackend);
    CPPUNIT_TEST(anUnservedOrUnknownTypeIsRefused);
    CPPUNIT_TEST(nodeInfoHasTheHostsMemory);
    CPPUNIT_TEST(selectorsMustNameWhatTheDriverHas);
    CPPUNIT_TEST(nodeStatsReadTheHost);
    CPPUNIT_TEST_SUITE_END();

public:
    void capabilitiesHaveAGuestPerBackend() {
        pugi::xml_document doc = parse(open("cvirt").capabilities());
        std::string guests;
        for (pugi::xml_node g : doc.child("capabilities").children("guest"))
            guests += std::string(g.attribute("fake").value()) + " ";
        CPPUNIT_ASSERT_EQUAL(std::string("lxc qemu "), guests);
        CPPUNIT_ASSERT_EQUAL(size_t(2), host().count("describeGuest"));
        CPPUNIT_ASSERT(doc.child("capabilities").child("host"));
    }

    void domainCapabilitiesComeFromTheServingBackend() {
        Connection both = open("cvirt");
        CPPUNIT_ASSERT_EQUAL(std::string("qemu/kvm"), describedBy(both.domainCapabilities("kvm")));
        CPPUNIT_ASSERT_EQUAL(std::string("qemu/qemu"),
                             describedBy(both.domainCapabilities("qemu")));
        CPPUNIT_ASSERT_EQUAL(std::string("lxc/lxc"), describedBy(both.domainCapabilities("lxc")));
        // none asked for: the first driver's
        CPPUNIT_ASSERT_EQUAL(std::string("lxc/lxc"), describedBy(both.domainCapabilities()));
        CPPUNIT_ASSERT_EQUAL(std::string("qemu/qemu"),
                             describedBy(open("qemu").domainCapabilities()));
        CPPUNIT_ASSERT_EQUAL(size_t(5), host().count("describeDomain"));
    }

    void anUnservedOrUnknownTypeIsRefused() {
        Connection c = open();
        ASSERT_ERROR(ErrorCode::ConfigUnsupported,
                     "virttype 'kvm' is not supported by connection '" + c.uri() + "'",
                     c.domainCapabilities("kvm"));
        ASSERT_ERROR(ErrorCode::InvalidArg, "unknown virttype 'xen' (lxc, qemu, kvm)",
                     c.domainCapabilities("xen"));
        ASSERT_ERROR(ErrorCode::ConfigUnsupported,
                     "domain type 'qemu' is not supported by connection '" + c.uri() + "'",
                     c.define(vmXml("vm"), "vm.xml"));
        CPPUNIT_ASSERT_EQUAL(size_t(0), host().count("describeDomain"));
        CPPUNIT_ASSERT(host().count("serves") > 0);
    }

    // MemTotal and MemFree of /proc/meminfo (virNodeGetInfo's memory, virNodeGetFreeMemory).
    void nodeInfoHasTheHostsMemory() {
        std::ifstream meminfo("/proc/meminfo");
        std::string key;
        uint64_t total = 0;
        meminfo >> key >> total;  // its first line
        CPPUNIT_ASSERT_EQUAL(std::string("MemTotal:"), key);
        NodeInfo n = open("cvirt").nodeInfo();
        CPPUNIT_ASSERT_EQUAL(total, n.memoryKiB);
        CPPUNIT_ASSERT(n.freeMemoryKiB > 0 && n.freeMemoryKiB < n.memoryKiB);
    }

    // virConnectGetDomainCapabilities' emulatorbin, arch and machine: the machine goes to the
    // backend, the others must be what its document names.
    void selectorsMustNameWhatTheDriverHas() {
        Connection c = open("qemu");
        pugi::xml_document doc =
            parse(c.domainCapabilities("qemu", "q35", "x86_64", "/usr/bin/fake-qemu"));
        CPPUNIT_ASSERT_EQUAL(
            std::string("q35"),
            std::string(
                doc.child("domainCapabilities").child("fake").attribute("machine").value()));
        ASSERT_ERROR(ErrorCode::ConfigUnsupported,
                     "architecture 'aarch64' is not supported here: virttype 'qemu' runs x86_64 "
                     "domains",
                     c.domainCapabilities("qemu", "", "aarch64"));
        ASSERT_ERROR(ErrorCode::ConfigUnsupported,
                     "emulator '/usr/bin/qemu-kvm' is not the one of virttype 'qemu' "
                     "(/usr/bin/fake-qemu)",
                     c.domainCapabilities("qemu", "", "", "/usr/bin/qemu-kvm"));
    }

    // nodememstats, nodecpustats: /proc/meminfo and /proc/stat as libvirt sums them
    void nodeStatsReadTheHost() {
        Connection c = open();
        NodeMemoryStats all = c.nodeMemoryStats();
        CPPUNIT_ASSERT_EQUAL(c.nodeInfo().memoryKiB, all.totalKiB);
        CPPUNIT_ASSERT(all.freeKiB > 0 && all.freeKiB <= all.totalKiB);
        CPPUNIT_ASSERT(all.buffersKiB && all.cachedKiB);
        NodeMemoryStats cell = c.nodeMemoryStats(0);
        CPPUNIT_ASSERT(cell.totalKiB > 0 && cell.totalKiB <= all.totalKiB);
        CPPUNIT_ASSERT(!cell.buffersKiB && !cell.cachedKiB);
        ASSERT_ERROR(ErrorCode::InvalidArg, "invalid argument: Invalid cell number 100000",
                     c.nodeMemoryStats(100000));
        NodeCpuStats cpu0 = c.nodeCpuStats(0), cpus = c.nodeCpuStats();  // cpu0 first: <=
        CPPUNIT_ASSERT(cpus.userNs + cpus.kernelNs + cpus.idleNs > 0);
        CPPUNIT_ASSERT(cpu0.userNs <= cpus.userNs && cpu0.idleNs <= cpus.idleNs);
        ASSERT_ERROR(ErrorCode::InvalidArg,
                     "invalid argument: Invalid cpuNum in virHostCPUGetStatsLinux",
                     c.nodeCpuStats(100000));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(HostTest);
