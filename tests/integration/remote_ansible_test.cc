// SPDX-License-Identifier: GPL-3.0-or-later
// Ansible's community.libvirt virt module (Debian's ansible package) against cvirtd: a
// playbook on localhost (connection: local) defines and starts a container through
// `lxc+unix:///system?socket=…`, reads its state back, and a second one stops and undefines
// it; between and after them the public API on the same root checks what really happened.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>

#include "support/server_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

namespace {
const fs::path kAnsiblePlaybook = "/usr/bin/ansible-playbook";
const fs::path kVirtModule =
    "/usr/lib/python3/dist-packages/ansible_collections/community/libvirt/plugins/modules/virt.py";
}  // namespace

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (!fs::exists(kAnsiblePlaybook) || !fs::exists(kVirtModule))
        return "needs Debian's ansible (community.libvirt)";
    return missingForLibvirtClients();
}

class RemoteAnsibleTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteAnsibleTest);
    CPPUNIT_TEST(playbookDefinesStartsAndStopsAContainer);
    CPPUNIT_TEST_SUITE_END();

    // Runs the tagged part of tests/integration/remote/ansible_virt.yml on domain `name`.
    RunResult play(const std::string& tag, const std::string& name, const fs::path& xml) {
        fs::path tmp = dir_->path() / "ansible-tmp";
        return testenv::run(
            {kAnsiblePlaybook.string(), "-i", "localhost,", "--tags", tag, "-e",
             "uri=" + clientUri(), "-e", "name=" + name, "-e", "xml_file=" + xml.string(),
             (sourceDir() / "tests/integration/remote/ansible_virt.yml").string()},
            {},
            {"ANSIBLE_LOCAL_TEMP=" + tmp.string(), "ANSIBLE_REMOTE_TEMP=" + tmp.string(),
             "ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3", "ANSIBLE_NOCOLOR=1",
             "ANSIBLE_RETRY_FILES_ENABLED=0", "HOME=" + dir_->path().string()});
    }

public:
    void playbookDefinesStartsAndStopsAContainer() {
        const std::string name = "cvirt-test-ansible";
        fs::path xml = dir_->path() / "ansible.xml";
        std::ofstream(xml) << containerXml(name, {.initargs = {"-c", "sleep 1000"}});
        RunResult r = play("up", name, xml);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        // what the play did, as the public API on the same root sees it
        Domain d = conn_->lookup(name);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT(d.autostart());
        std::string ps = execCapture(d, {"ps"}).out;
        CPPUNIT_ASSERT_MESSAGE(ps, has(ps, "sleep 1000"));

        r = play("down", name, xml);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);

        r = play("gone", name, xml);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT(!conn_->find(name));
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(RemoteAnsibleTest);
