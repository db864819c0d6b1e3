// SPDX-License-Identifier: GPL-3.0-or-later
// Container snapshots through the real driver: a running container's root snapshotted,
// files changed and deleted, reverted: the old files are back (and the container runs
// again, as it did when the snapshot was taken); a stopped one's snapshot reverts to off;
// the tree, the current snapshot and undefine's refusal; metadata that a new connection
// reads back; and the shell killed (or a step failing) at every snapshot fault point leaves
// no snapshot or a complete one, and no frozen container once the next snapshot call ran.
#include <cppunit/extensions/HelperMacros.h>

#include <signal.h>

#include <fstream>
#include <regex>
#include <set>

#include "support/container_fixture.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

namespace {

// The snapshot fault points (util/fault.h) on a container, in the order a create passes them.
const char* const kPoints[] = {"snapshot:shell-journaled", "snapshot:shell-frozen",
                               "snapshot:shell-layer-copied", "snapshot:shell-copied"};

}  // namespace

class SnapshotTest : public ContainerFixture {
    CPPUNIT_TEST_SUITE(SnapshotTest);
    CPPUNIT_TEST(runningContainerRevertsToItsFiles);
    CPPUNIT_TEST(stoppedContainerTreeAndUndefine);
    CPPUNIT_TEST(shellKilledMidSnapshot);
    CPPUNIT_TEST(createFlagsAsLibvirt);
    CPPUNIT_TEST(tableListsEveryPoint);
    CPPUNIT_TEST_SUITE_END();

    // A private copy of the busybox root: snapshots change it.
    fs::path makeRoot() {
        fs::path root = dir_->path() / "root";
        CPPUNIT_ASSERT_EQUAL(std::string(""),
                             shell("cp -a " + rootfsDir() + " " + root.string() + " 2>&1"));
        return root;
    }
    Domain define(const std::string& name, const fs::path& root) {
        std::string xml =
            containerXml(name, {.initargs = {"-c", "sleep 1000"},
                                .devices = "<filesystem type='mount'><source dir='" +
                                           root.string() + "'/><target dir='/'/></filesystem>",
                                .rootfs = false});
        return conn_->define(xml, name + ".xml");
    }
    std::string cat(Domain& d, const std::string& path) {
        Captured c =
            execCapture(d, {"/bin/sh", "-c", "cat " + path + " 2>/dev/null || echo absent"});
        return c.out;
    }
    RunResult cvirsh(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return testenv::run(argv, {}, env);
    }

public:
    void runningContainerRevertsToItsFiles() {
        fs::path root = makeRoot();
        Domain d = define("cvirt-test-snap", root);
        d.start();
        run(d, {"/bin/sh", "-c", "echo one > /etc/keep; echo doomed > /etc/doomed; sync"});

        DomainSnapshot s1 = d.createSnapshot(
            "<domainsnapshot><name>s1</name><description>before</description></domainsnapshot>");
        // thawed again, and the snapshot says what it holds
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        std::string xml = s1.xml();
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<state>running</state>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<disk name='/' snapshot='internal'/>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<memory snapshot='no'/>"));
        CPPUNIT_ASSERT_MESSAGE(xml, has(xml, "<name>cvirt-test-snap</name>"));
        CPPUNIT_ASSERT_EQUAL(std::string("s1"), d.currentSnapshot()->name());

        run(d, {"/bin/sh", "-c", "echo two > /etc/keep; rm /etc/doomed; echo new > /etc/added"});
        CPPUNIT_ASSERT_EQUAL(std::string("absent\n"), cat(d, "/etc/doomed"));
        int oldInit = d.initPid();

        s1.revert();
        // running again (the snapshot was taken running), from the files as they were
        CPPUNIT_ASSERT(d.summary().state == DomainState::Running);
        CPPUNIT_ASSERT(d.initPid() != oldInit);
        CPPUNIT_ASSERT_EQUAL(std::string("one\n"), cat(d, "/etc/keep"));
        CPPUNIT_ASSERT_EQUAL(std::string("doomed\n"), cat(d, "/etc/doomed"));
        CPPUNIT_ASSERT_EQUAL(std::string("absent\n"), cat(d, "/etc/added"));
        // and on the host: the root directory is the same path, with the old contents
        CPPUNIT_ASSERT_EQUAL(std::string("one\n"), readText(root / "etc/keep"));

        // --paused: reverted and frozen
        s1.revert(kSnapshotRevertPaused);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Paused);
        d.destroy();
        // the snapshot's data is a copy of its own: the root changing does not touch it
        CPPUNIT_ASSERT_EQUAL(std::string("one\n"), readText(root / "etc/keep"));
    }

    void stoppedContainerTreeAndUndefine() {
        fs::path root = makeRoot();
        Domain d = define("cvirt-test-snapoff", root);
        std::ofstream(root / "etc/version") << "1\n";
        DomainSnapshot a = d.createSnapshot("<domainsnapshot><name>a</name></domainsnapshot>");
        std::ofstream(root / "etc/version") << "2\n";
        DomainSnapshot b = d.createSnapshot("<domainsnapshot><name>b</name></domainsnapshot>");
        CPPUNIT_ASSERT(has(a.xml(), "<state>shutoff</state>"));
        CPPUNIT_ASSERT_EQUAL(std::string("a"), b.parent().value_or("-"));
        CPPUNIT_ASSERT(!a.parent());
        // a name taken is refused with libvirt's words
        try {
            d.createSnapshot("<domainsnapshot><name>a</name></domainsnapshot>");
            CPPUNIT_FAIL("a second snapshot 'a' was made");
        } catch (const Error& e) {
            CPPUNIT_ASSERT_EQUAL(std::string("domain snapshot a already exists"),
                                 std::string(e.what()));
        }
        std::ofstream(root / "etc/version") << "3\n";
        a.revert();
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);  // taken off, stays off
        CPPUNIT_ASSERT_EQUAL(std::string("1\n"), readText(root / "etc/version"));
        CPPUNIT_ASSERT_EQUAL(std::string("a"), d.currentSnapshot()->name());
        // a new snapshot after the revert is a child of a: the tree forks
        DomainSnapshot c = d.createSnapshot("<domainsnapshot><name>c</name></domainsnapshot>");
        CPPUNIT_ASSERT_EQUAL(std::string("a"), c.parent().value_or("-"));
        RunResult tree = cvirsh({"snapshot-list", "cvirt-test-snapoff", "--tree"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(tree.err, std::string("a\n  |\n  +- b\n  +- c\n    \n\n\n"),
                                     tree.out);
        RunResult info = cvirsh({"snapshot-info", "cvirt-test-snapoff", "a"});
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "Children:       2\n"));
        CPPUNIT_ASSERT_MESSAGE(info.out, has(info.out, "Current:        no\n"));

        // a new connection (a restart of everything) reads the same snapshots back
        Connection again = Connection::open(dir_->embedUri());
        auto list = again.lookup("cvirt-test-snapoff").listSnapshots();
        CPPUNIT_ASSERT_EQUAL(size_t(3), list.size());
        CPPUNIT_ASSERT(list[2].current && list[2].name == "c");

        // domrename refuses while it has snapshots, as libvirt's
        CPPUNIT_ASSERT_THROW(d.rename("cvirt-test-snaprenamed"), Error);
        // undefine refuses while it has snapshots, in libvirt's words
        RunResult refused = cvirsh({"undefine", "cvirt-test-snapoff"});
        CPPUNIT_ASSERT_EQUAL(1, refused.status);
        CPPUNIT_ASSERT_MESSAGE(refused.err, has(refused.err,
                                                "error: Requested operation is not valid: cannot "
                                                "delete inactive domain with 3 snapshots"));
        // delete --children: a and what hangs below it, data and all
        a.remove(kSnapshotDeleteChildren);
        CPPUNIT_ASSERT(d.listSnapshots().empty());
        fs::path snapDir = dir_->path() / "var/lib/cvirt/lxc/snapshot/cvirt-test-snapoff";
        for (const auto& e : fs::directory_iterator(snapDir))
            CPPUNIT_FAIL("left in the snapshot directory: " + e.path().string());
        d.createSnapshot("<domainsnapshot><name>last</name></domainsnapshot>");
        RunResult gone = cvirsh({"undefine", "cvirt-test-snapoff", "--snapshots-metadata"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(gone.err, 0, gone.status);
        CPPUNIT_ASSERT(!fs::exists(snapDir));
    }

    void shellKilledMidSnapshot() {
        fs::path root = makeRoot();
        Domain d = define("cvirt-test-snapkill", root);
        d.start();
        fs::path snapDir = dir_->path() / "var/lib/cvirt/lxc/snapshot/cvirt-test-snapkill";
        int n = 0;
        for (const char* point : kPoints) {
            for (const char* action : {"kill", "fail"}) {
                std::string name = "s" + std::to_string(n++);
                RunResult r = cvirsh({"snapshot-create-as", "cvirt-test-snapkill", name},
                                     {"CVIRT_TEST_FAULT=" + std::string(point) + ":" + action});
                std::string what = std::string(point) + ":" + action + ": ";
                if (std::string(action) == "kill")
                    CPPUNIT_ASSERT_EQUAL_MESSAGE(what + r.err, 128 + SIGKILL, r.status);
                else
                    CPPUNIT_ASSERT_MESSAGE(what + r.err,
                                           r.status == 1 && has(r.err, "fault injected"));
                // no snapshot, or a complete one
                auto list = d.listSnapshots();
                CPPUNIT_ASSERT_MESSAGE(what + "a snapshot was listed", list.empty());
                // the next snapshot call finishes or undoes it: thawed, nothing left over
                d.createSnapshot("<domainsnapshot><name>next</name></domainsnapshot>");
                CPPUNIT_ASSERT_MESSAGE(what + "still paused",
                                       d.summary().state == DomainState::Running);
                d.snapshot("next").remove();
                std::vector<std::string> left;
                for (const auto& e : fs::directory_iterator(snapDir))
                    left.push_back(e.path().filename());
                CPPUNIT_ASSERT_MESSAGE(what + "left: " + (left.empty() ? "" : left[0]),
                                       left.empty());
            }
        }
        // the container was never hurt by it
        run(d, {"/bin/true"});
        d.destroy();
    }

    // snapshot-create's --no-metadata, --redefine (--current), --halt and --quiesce, with
    // libvirt's checks of the flags in its words.
    void createFlagsAsLibvirt() {
        fs::path root = makeRoot();
        Domain d = define("cvirt-test-snapflags", root);
        const std::string dom = "cvirt-test-snapflags";
        fs::path snapDir = dir_->path() / "var/lib/cvirt/lxc/snapshot" / dom;
        auto err = [&](std::vector<std::string> args) {
            RunResult r = cvirsh(std::move(args));
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.out, 1, r.status);
            return r.err;
        };
        CPPUNIT_ASSERT_EQUAL(std::string("error: Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' is "
                                         "required by flag 'VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT'\n"),
                             err({"snapshot-create", dom, "--current"}));
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Flags 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' and "
                        "'VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA' are mutually exclusive\n"),
            err({"snapshot-create", dom, "--redefine", "--no-metadata"}));
        CPPUNIT_ASSERT_EQUAL(std::string("error: Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY' is "
                                         "required by flag 'VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE'\n"),
                             err({"snapshot-create-as", dom, "q", "--quiesce"}));
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Requested operation is not valid: domain is not running\n"),
            err({"snapshot-create-as", dom, "q", "--quiesce", "--disk-only"}));

        // --no-metadata: the data is taken, nothing is listed or current
        std::ofstream(root / "etc/version") << "1\n";
        RunResult made = cvirsh({"snapshot-create-as", dom, "hidden", "--no-metadata"});
        CPPUNIT_ASSERT_MESSAGE(made.err, has(made.out, "Domain snapshot hidden created\n"));
        CPPUNIT_ASSERT(d.listSnapshots().empty());
        CPPUNIT_ASSERT(!d.currentSnapshot());
        CPPUNIT_ASSERT(fs::is_directory(snapDir / "hidden.data"));
        CPPUNIT_ASSERT(has(err({"snapshot-create-as", dom, "hidden"}),
                           "domain snapshot hidden already exists without metadata"));

        // --redefine: a snapshot's metadata deleted (--metadata keeps its data), put back from
        // its dumpxml; not current unless --current
        d.createSnapshot("<domainsnapshot><name>a</name></domainsnapshot>");
        fs::path xmlFile = dir_->path() / "a.xml";
        std::ofstream(xmlFile) << d.snapshot("a").xml();
        d.snapshot("a").remove(kSnapshotDeleteMetadataOnly);
        CPPUNIT_ASSERT(d.listSnapshots().empty());
        RunResult back = cvirsh({"snapshot-create", dom, xmlFile.string(), "--redefine"});
        CPPUNIT_ASSERT_MESSAGE(
            back.out + back.err,
            has(back.out, "Domain snapshot a created from '" + xmlFile.string() + "'\n"));
        CPPUNIT_ASSERT_EQUAL(size_t(1), d.listSnapshots().size());
        CPPUNIT_ASSERT(!d.currentSnapshot());
        RunResult cur =
            cvirsh({"snapshot-create", dom, xmlFile.string(), "--redefine", "--current"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(cur.err, 0, cur.status);
        CPPUNIT_ASSERT_EQUAL(std::string("a"), d.currentSnapshot()->name());
        // and it still reverts: its data was kept
        std::ofstream(root / "etc/version") << "2\n";
        d.snapshot("a").revert();
        CPPUNIT_ASSERT_EQUAL(std::string("1\n"), readText(root / "etc/version"));
        // a redefinition must fit the domain
        std::string xml = readText(xmlFile);
        std::string wrong = std::regex_replace(xml, std::regex("<uuid>[^<]*</uuid>"),
                                               "<uuid>00000000-0000-0000-0000-000000000001</uuid>");
        std::ofstream(xmlFile) << wrong;
        CPPUNIT_ASSERT_MESSAGE(wrong,
                               has(err({"snapshot-create", dom, xmlFile.string(), "--redefine"}),
                                   "error: invalid argument: definition for snapshot a must "
                                   "use uuid "));
        std::ofstream(dir_->path() / "bare.xml")
            << "<domainsnapshot><name>b</name></domainsnapshot>";
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: internal error: missing creationTime from existing snapshot\n"),
            err({"snapshot-create", dom, (dir_->path() / "bare.xml").string(), "--redefine"}));

        // --halt: taken running, off afterwards; --quiesce wants a guest agent
        d.start();
        CPPUNIT_ASSERT_EQUAL(std::string("error: argument unsupported: QEMU guest agent is not "
                                         "configured\n"),
                             err({"snapshot-create-as", dom, "q", "--quiesce", "--disk-only"}));
        RunResult halted = cvirsh({"snapshot-create-as", dom, "h", "--halt"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(halted.err, 0, halted.status);
        CPPUNIT_ASSERT(d.summary().state == DomainState::Shutoff);
        CPPUNIT_ASSERT(has(d.snapshot("h").xml(), "<state>running</state>"));
        CPPUNIT_ASSERT_EQUAL(std::string("h"), d.currentSnapshot()->name());
    }

    // Every snapshot fault point in driver/ is in kPoints (fault_test.cc leaves them here).
    void tableListsEveryPoint() {
        if (!fs::is_directory(sourceDir() / "driver")) {
            skipCase("needs the sources at " + (sourceDir() / "driver").string());
            return;
        }
        std::set<std::string> inSource, inTable(std::begin(kPoints), std::end(kPoints));
        std::regex call(R"re(fault::(point|killPoint)\("(snapshot:[^"]+)"\))re");
        for (const auto& e : fs::recursive_directory_iterator(sourceDir() / "driver")) {
            if (e.path().extension() != ".cc") continue;
            std::string text = readText(e.path());
            for (std::sregex_iterator m(text.begin(), text.end(), call), end; m != end; ++m)
                inSource.insert((*m)[2]);
        }
        inSource.erase("snapshot:shell-disk-done");  // a VM's: snapshot_vm_test.cc
        CPPUNIT_ASSERT((inSource == inTable));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(SnapshotTest);
