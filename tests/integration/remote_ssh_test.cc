// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's SSH transport to cvirtd (issue 18): Debian's virsh reaches a served root through
// `lxc+ssh://root@127.0.0.1:PORT/system`, an sshd of the test's own (openssh-server, bound
// to loopback, a host key and a client key made by the test, its own config) running
// cvirt's virt-ssh-helper on the far side. Nothing of the host's ssh setup is read or
// changed: the client runs with `-F none` and a known-hosts file in the test's directory.
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/server_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (!fs::exists("/usr/sbin/sshd")) return "needs sshd (openssh-server)";
    if (!fs::exists("/usr/bin/ssh-keygen")) return "needs ssh-keygen (openssh-client)";
    return missingForLibvirtClients();
}

class RemoteSshTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteSshTest);
    CPPUNIT_TEST(virshOverSsh);
    CPPUNIT_TEST_SUITE_END();

    pid_t sshd_ = -1;
    int port_ = 0;
    bool madePrivsepDir_ = false;

    fs::path ssh() const { return dir_->path() / "ssh"; }

    static int freeLoopbackPort() {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        ::close(fd);
        return ntohs(a.sin_port);
    }

    bool listening() const {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(port_));
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        return ok;
    }

    RunResult sshVirsh(const std::vector<std::string>& args) {
        std::vector<std::string> argv{"/usr/bin/virsh", "-c",
                                      "lxc+ssh://root@127.0.0.1:" + std::to_string(port_) +
                                          "/system?keyfile=" + (ssh() / "client").string() +
                                          "&command=" + (ssh() / "ssh").string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv);
    }

public:
    void setUp() override {
        ServerFixture::setUp();
        fs::create_directories(ssh());
        for (const char* key : {"host", "client"}) {
            RunResult k = testenv::run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "",
                                        "-f", (ssh() / key).string()});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(k.err, 0, k.status);
        }
        fs::copy_file(ssh() / "client.pub", ssh() / "authorized_keys");
        port_ = freeLoopbackPort();
        std::ofstream(ssh() / "sshd_config")
            << "Port " << port_ << "\nListenAddress 127.0.0.1\nHostKey "
            << (ssh() / "host").string() << "\nAuthorizedKeysFile "
            << (ssh() / "authorized_keys").string()
            << "\nPidFile none\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
               "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
               "SetEnv CVIRT_RUN_DIR="
            << (dir_->path() / "run/cvirt").string() << " PATH=" << binDir().string()
            << ":/usr/bin:/bin\n";
        // The client: no ~/.ssh read or written.
        std::ofstream(ssh() / "ssh") << "#!/bin/sh\nexec /usr/bin/ssh -F none -o BatchMode=yes "
                                        "-o StrictHostKeyChecking=accept-new -o "
                                        "UserKnownHostsFile="
                                     << (ssh() / "known_hosts").string() << " \"$@\"\n";
        ::chmod((ssh() / "ssh").c_str(), 0755);
        // sshd's privilege separation directory (the package makes it at boot)
        if (!fs::exists("/run/sshd")) {
            fs::create_directories("/run/sshd");
            madePrivsepDir_ = true;
        }
        sshd_ = forkChild();
        CPPUNIT_ASSERT(sshd_ >= 0);
        if (sshd_ == 0) {
            std::string conf = (ssh() / "sshd_config").string(),
                        log = (ssh() / "sshd.log").string();
            ::execl("/usr/sbin/sshd", "/usr/sbin/sshd", "-D", "-f", conf.c_str(), "-E", log.c_str(),
                    nullptr);
            _exit(127);
        }
        CPPUNIT_ASSERT_MESSAGE("sshd never listened: " + procText(ssh() / "sshd.log"),
                               waitUntil([&] { return listening(); }));
    }
    void tearDown() override {
        if (sshd_ > 0) {
            ::kill(sshd_, SIGTERM);
            ::waitpid(sshd_, nullptr, 0);
        }
        if (madePrivsepDir_) fs::remove("/run/sshd");
        ServerFixture::tearDown();
    }

    void virshOverSsh() {
        fs::path xml = dir_->path() / "web.xml";
        std::ofstream(xml) << containerXml("cvirt-test-ssh", {.initargs = {"-c", "sleep 1000"}});
        RunResult r = sshVirsh({"define", xml.string()});
        std::string log = "; sshd: " + procText(ssh() / "sshd.log");
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err + log, 0, r.status);
        r = sshVirsh({"start", "cvirt-test-ssh"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        Domain d = conn_->lookup("cvirt-test-ssh");
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        r = sshVirsh({"list"});
        CPPUNIT_ASSERT_MESSAGE(r.out, r.out.find("cvirt-test-ssh   running") != std::string::npos);
        r = sshVirsh({"dominfo", "cvirt-test-ssh"});
        CPPUNIT_ASSERT_MESSAGE(r.out, r.out.find("State:          running\n") != std::string::npos);
        r = sshVirsh({"destroy", "cvirt-test-ssh"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        r = sshVirsh({"undefine", "cvirt-test-ssh"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT(!conn_->find("cvirt-test-ssh"));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteSshTest);
