// SPDX-License-Identifier: GPL-3.0-or-later
// Fixture for tests of cvirtd with libvirt's own clients: a fresh embed root (as
// ContainerFixture) served by a real cvirtd on its sockets for the length of each test.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/container_fixture.h"

namespace cvirt::testenv {

// Debian's virsh and python3-libvirt, and what containers need.
inline std::optional<std::string> missingForLibvirtClients() {
    if (!fs::exists("/usr/bin/virsh")) return "needs Debian's virsh (libvirt-clients)";
    if (testenv::run({"/usr/bin/python3", "-c", "import libvirt"}).status != 0)
        return "needs python3-libvirt";
    return missingForContainers();
}

class ServerFixture : public ContainerFixture {
public:
    void setUp() override {
        ContainerFixture::setUp();
        server_ = forkChild();
        CPPUNIT_ASSERT(server_ >= 0);
        if (server_ == 0) {
            std::string bin = (binDir() / "cvirtd").string(), uri = dir_->embedUri();
            ::execl(bin.c_str(), bin.c_str(), "-c", uri.c_str(), nullptr);
            _exit(127);
        }
        CPPUNIT_ASSERT_MESSAGE("cvirtd made no socket",
                               waitUntil([&] { return fs::exists(sock().string() + "-ro"); }));
    }
    void tearDown() override {
        ::kill(server_, SIGTERM);
        int st = 0;
        ::waitpid(server_, &st, 0);
        ContainerFixture::tearDown();
        CPPUNIT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }

protected:
    fs::path sock() const { return dir_->path() / "run/cvirt/libvirt-sock"; }
    // `lxc+unix:///system?socket=…` (KIND qemu or cvirt for the served root's other kinds).
    std::string clientUri(bool readOnly = false, const std::string& kind = "lxc") const {
        return kind + "+unix:///system?socket=" + sock().string() + (readOnly ? "-ro" : "");
    }
    // Debian's virsh on the served root.
    RunResult virsh(const std::vector<std::string>& args, bool readOnly = false) {
        std::vector<std::string> argv{"/usr/bin/virsh", "-c", clientUri(readOnly)};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }

    // cvirtd's open descriptors now.
    size_t serverFds() const {
        size_t n = 0;
        for ([[maybe_unused]] const auto& e :
             fs::directory_iterator("/proc/" + std::to_string(server_) + "/fd"))
            ++n;
        return n;
    }
    // cvirtd's descriptors once they stop changing: a client that just exited (virsh, cvirsh)
    // may still hold a connection the server has not yet seen close, so a count taken at once
    // can be one high; the settled count is the server's own set, a baseline for leak checks.
    size_t settledServerFds() const {
        size_t n = serverFds();
        for (int same = 0, i = 0; same < 5 && i < 300; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            size_t now = serverFds();
            same = now == n ? same + 1 : 0;
            n = now;
        }
        return n;
    }

    pid_t server_ = -1;
};

}  // namespace cvirt::testenv
