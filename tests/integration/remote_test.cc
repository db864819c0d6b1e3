// SPDX-License-Identifier: GPL-3.0-or-later
// cvirtd against Debian's virsh (libvirt-clients), the real client: libvirt's remote protocol
// on the served root's sockets, side by side with the public API on the same root.
#include <cppunit/extensions/HelperMacros.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/server_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForLibvirtClients();
}

class RemoteTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteTest);
    CPPUNIT_TEST(virshDrivesAContainer);
    CPPUNIT_TEST(pythonLibvirtDrivesAContainer);
    CPPUNIT_TEST(readOnlySocketRefusesChanges);
    CPPUNIT_TEST(unsupportedCallIsRefusedNotDropped);
    CPPUNIT_TEST(garbageDropsOnlyThatClient);
    CPPUNIT_TEST_SUITE_END();

public:
    void virshDrivesAContainer() {
        fs::path xml = dir_->path() / "web.xml";
        std::ofstream(xml) << containerXml("cvirt-test-remote", {.initargs = {"-c", "sleep 1000"}});
        RunResult r = virsh({"define", xml.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL("Domain 'cvirt-test-remote' defined from " + xml.string() + "\n\n",
                             r.out);
        r = virsh({"list", "--all"});
        CPPUNIT_ASSERT_EQUAL(std::string(" Id   Name                State\n"
                                         "------------------------------------\n"
                                         " -    cvirt-test-remote   shut off\n\n"),
                             r.out);
        r = virsh({"start", "cvirt-test-remote"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        // the public API on the same root sees what virsh did, and the reverse
        Domain d = conn_->lookup("cvirt-test-remote");
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT(execCapture(d, {"ps"}).out.find("sleep 1000") != std::string::npos);
        // init starts with nothing blocked, whatever cvirtd blocks for its own signalfd
        std::string status = readText("/proc/" + std::to_string(d.initPid()) + "/status");
        CPPUNIT_ASSERT_MESSAGE(status, has(status, "SigBlk:\t0000000000000000\n"));
        int id = *d.summary().id;
        r = virsh({"list"});
        CPPUNIT_ASSERT_MESSAGE(
            r.out, r.out.find(" " + std::to_string(id) + "    cvirt-test-remote   running") !=
                       std::string::npos);
        r = virsh({"dominfo", "cvirt-test-remote"});
        CPPUNIT_ASSERT_MESSAGE(r.out, r.out.find("State:          running\n") != std::string::npos);
        CPPUNIT_ASSERT_MESSAGE(r.out,
                               r.out.find("Max memory:     65536 KiB\n") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("running\n\n"),
                             virsh({"domstate", std::to_string(id)}).out);
        CPPUNIT_ASSERT_EQUAL(d.xml(),
                             virsh({"dumpxml", "cvirt-test-remote"}).out.substr(0, d.xml().size()));
        r = virsh({"version"});
        CPPUNIT_ASSERT_MESSAGE(r.out, r.out.find("Running hypervisor: LXC ") != std::string::npos);
        r = virsh({"destroy", "cvirt-test-remote"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        // --autodestroy: the domain goes with virsh's connection to cvirtd
        r = virsh({"start", "--autodestroy", "cvirt-test-remote"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(waitUntil([&] { return d.summary().state == DomainState::Shutoff; }));
        r = virsh({"undefine", "cvirt-test-remote"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(!conn_->find("cvirt-test-remote"));
        // a domain that is not there: virsh's words, as against libvirtd
        r = virsh({"dominfo", "nope"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: failed to get domain 'nope'\n"), r.err);
    }

    // python3-libvirt's calls: define, list (with flags), lookups by name, uuid and id,
    // create, info, XML, destroy, state, undefine, and the error code of a lookup that fails.
    void pythonLibvirtDrivesAContainer() {
        fs::path xml = dir_->path() / "py.xml";
        std::ofstream(xml) << containerXml("cvirt-test-remote-py",
                                           {.initargs = {"-c", "sleep 1000"}});
        RunResult r =
            testenv::run({"/usr/bin/python3",
                          (sourceDir() / "tests/integration/remote/python_client.py").string(),
                          sock().string(), xml.string(), "cvirt-test-remote-py"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("python-libvirt: OK\n"), r.out);
        CPPUNIT_ASSERT(!conn_->find("cvirt-test-remote-py"));
    }

    void readOnlySocketRefusesChanges() {
        conn_->define(containerXml("cvirt-test-remote-ro", {}), "x.xml");
        RunResult r = virsh({"list", "--all", "--name"}, true);
        CPPUNIT_ASSERT_EQUAL(std::string("cvirt-test-remote-ro\n\n"), r.out);
        r = virsh({"start", "cvirt-test-remote-ro"}, true);
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("error: operation forbidden: read only access "
                                                 "prevents virDomainCreate") != std::string::npos);
        CPPUNIT_ASSERT(conn_->lookup("cvirt-test-remote-ro").summary().state ==
                       DomainState::Shutoff);
        CPPUNIT_ASSERT_EQUAL(
            0600u, static_cast<unsigned>(fs::status(sock()).permissions() & fs::perms::all));
    }

    void unsupportedCallIsRefusedNotDropped() {
        RunResult r = virsh({"pool-list", "--all"});  // storage pools are not served
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, r.err.find("this function is not supported by the "
                                                 "connection driver") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(0, virsh({"hostname"}).status);
    }

    // A header that lies about its length: that client is dropped, everyone else served.
    void garbageDropsOnlyThatClient() {
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, sock().c_str());
        CPPUNIT_ASSERT(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        const char lie[] = "\x7f\xff\xff\xff garbage";
        CPPUNIT_ASSERT(::write(fd, lie, sizeof lie - 1) > 0);
        char buf[16];
        CPPUNIT_ASSERT_EQUAL(ssize_t{0}, ::read(fd, buf, sizeof buf));  // closed by the server
        ::close(fd);
        RunResult r = virsh({"uri"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteTest);
