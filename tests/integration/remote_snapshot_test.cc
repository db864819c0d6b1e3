// SPDX-License-Identifier: GPL-3.0-or-later
// Snapshots through cvirtd, driven by Debian's virsh and python3-libvirt (the real clients):
// snapshot-create-as, -list (plain, --tree, --parent), -info, -current, -parent, -dumpxml,
// -revert (the container's files back), -delete, and `list --with-snapshot`.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>
#include <fstream>

#include "support/server_fixture.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForLibvirtClients();
}

class RemoteSnapshotTest : public ServerFixture {
    CPPUNIT_TEST_SUITE(RemoteSnapshotTest);
    CPPUNIT_TEST(virshSnapshots);
    CPPUNIT_TEST(pythonLibvirtSnapshots);
    CPPUNIT_TEST_SUITE_END();

    // A stopped container on a private copy of the busybox root.
    fs::path define(const std::string& name) {
        fs::path root = dir_->path() / (name + "-root");
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             shell("cp -a " + rootfsDir() + " " + root.string() + " 2>&1"));
        conn_->define(
            containerXml(name, {.initargs = {"-c", "sleep 1000"},
                                .devices = "<filesystem type='mount'><source dir='" +
                                           root.string() + "'/><target dir='/'/></filesystem>",
                                .rootfs = false}),
            name + ".xml");
        return root;
    }
    // virsh's output without its trailing blank lines.
    static std::string trimmed(std::string text) {
        while (!text.empty() && text.back() == '\n')
            text.pop_back();
        return text;
    }
    RunResult ok(const std::vector<std::string>& args) {
        RunResult r = virsh(args);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(args[0] + ": " + r.err, 0, r.status);
        return r;
    }

public:
    void virshSnapshots() {
        const std::string dom = "cvirt-test-rsnap";
        fs::path root = define(dom);
        std::ofstream(root / "etc/version") << "1\n";
        CPPUNIT_ASSERT_EQUAL(
            std::string("Domain snapshot s1 created"),
            trimmed(ok({"snapshot-create-as", dom, "s1", "--description", "first"}).out));
        std::ofstream(root / "etc/version") << "2\n";
        ok({"snapshot-create-as", dom, "s2"});
        ok({"snapshot-create-as", dom, "s3"});

        RunResult list = ok({"snapshot-list", dom, "--parent"});
        CPPUNIT_ASSERT_MESSAGE(list.out, has(list.out, " Name   Creation Time"));
        CPPUNIT_ASSERT_MESSAGE(list.out, has(list.out, "State     Parent\n"));
        CPPUNIT_ASSERT_MESSAGE(list.out, has(list.out, "shutoff   s1\n"));
        CPPUNIT_ASSERT_MESSAGE(list.out, has(list.out, "shutoff   s2\n"));
        CPPUNIT_ASSERT_EQUAL(std::string("s1\n  |\n  +- s2\n      |\n      +- s3\n        \n\n"),
                             ok({"snapshot-list", dom, "--tree"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("s3"),
                             trimmed(ok({"snapshot-list", dom, "--leaves", "--name"}).out));
        CPPUNIT_ASSERT_EQUAL(std::string("s3"),
                             trimmed(ok({"snapshot-current", dom, "--name"}).out));
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), trimmed(ok({"snapshot-parent", dom, "s2"}).out));
        RunResult info = ok({"snapshot-info", dom, "s1"});
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "Name:           s1\n"));
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "Current:        no\n"));
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "State:          shutoff\n"));
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "Children:       1\n"));
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "Descendants:    2\n"));
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "Metadata:       yes\n"));
        CPPUNIT_ASSERT_EQUAL(conn_->lookup(dom).snapshot("s1").xml() + "\n",
                             ok({"snapshot-dumpxml", dom, "s1"}).out);
        CPPUNIT_ASSERT_EQUAL(dom, trimmed(ok({"list", "--all", "--name", "--with-snapshot"}).out));

        // revert: the file as it was, s1 current
        std::ofstream(root / "etc/version") << "3\n";
        ok({"snapshot-revert", dom, "s1"});
        CPPUNIT_ASSERT_EQUAL(std::string("1\n"), readText(root / "etc/version"));
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), conn_->lookup(dom).currentSnapshot()->name());

        RunResult missing = virsh({"snapshot-revert", dom, "nope"});
        CPPUNIT_ASSERT_EQUAL(1, missing.status);
        CPPUNIT_ASSERT_MESSAGE(missing.err, has(missing.err,
                                                "error: Domain snapshot not found: "
                                                "no domain snapshot with matching "
                                                "name 'nope'"));
        CPPUNIT_ASSERT_EQUAL(std::string("Domain snapshot s2 deleted"),
                             trimmed(ok({"snapshot-delete", dom, "s2", "--children"}).out));
        ok({"snapshot-delete", dom, "s1"});
        CPPUNIT_ASSERT(conn_->lookup(dom).listSnapshots().empty());
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             trimmed(ok({"list", "--all", "--name", "--with-snapshot"}).out));
        fs::path snapDir = dir_->path() / "var/lib/cvirt/lxc/snapshot" / dom;
        for (const auto& e : fs::directory_iterator(snapDir))
            CPPUNIT_FAIL("left in the snapshot directory: " + e.path().string());
    }

    void pythonLibvirtSnapshots() {
        const std::string dom = "cvirt-test-rsnap-py";
        fs::path root = define(dom);
        RunResult r =
            testenv::run({"/usr/bin/python3",
                          (sourceDir() / "tests/integration/remote/python_snapshots.py").string(),
                          sock().string(), dom, root.string()});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out + r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("python-libvirt snapshots: OK\n"), r.out);
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(RemoteSnapshotTest);
