// SPDX-License-Identifier: GPL-3.0-or-later
// Storage pools and volumes through cvirsh, on real containers: a root imported from a tar
// and from an OCI layout the test makes, cloned twice, both clones running with their own
// writes and the base untouched; the archives vol-import refuses; a shell killed at every
// step of a volume change leaves nothing or the complete volume.
#include <archive.h>
#include <archive_entry.h>
#include <cppunit/extensions/HelperMacros.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/container_util.h"
#include "support/shell_fixture.h"
#include "support/test_util.h"
#include "util/file.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    if (auto m = missingForContainers()) return m;
    if (shell("command -v tar sha256sum gzip >/dev/null && echo ok") != "ok")
        return std::string("needs tar, gzip and sha256sum");
    return std::nullopt;
}

namespace {

// One archive member the test writes with libarchive.
struct Member {
    std::string name;
    unsigned type = AE_IFREG;
    std::string data;  // a file's content, a link's target
    bool hardlink = false;
};

void writeTar(const fs::path& path, const std::vector<Member>& members, bool gzip = false) {
    archive* a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gzip) archive_write_add_filter_gzip(a);
    CPPUNIT_ASSERT_EQUAL(ARCHIVE_OK, archive_write_open_filename(a, path.c_str()));
    for (const auto& m : members) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, m.name.c_str());
        archive_entry_set_perm(e, m.type == AE_IFDIR ? 0755 : 0644);
        if (m.hardlink) {
            archive_entry_set_hardlink(e, m.data.c_str());
        } else {
            archive_entry_set_filetype(e, m.type);
            if (m.type == AE_IFLNK) archive_entry_set_symlink(e, m.data.c_str());
            if (m.type == AE_IFCHR) archive_entry_set_rdev(e, ::makedev(1, 3));
            if (m.type == AE_IFREG)
                archive_entry_set_size(e, static_cast<la_int64_t>(m.data.size()));
        }
        archive_write_header(a, e);
        if (m.type == AE_IFREG && !m.hardlink) archive_write_data(a, m.data.data(), m.data.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

std::string sha256(const fs::path& p) {
    std::string out = shell("sha256sum '" + p.string() + "'");
    return out.substr(0, out.find(' '));
}

// blobs/sha256/<digest of the file at `from`>; returns its descriptor's JSON.
std::string addBlob(const fs::path& layout, const fs::path& from, const std::string& mediaType) {
    std::string digest = sha256(from);
    fs::create_directories(layout / "blobs/sha256");
    fs::copy_file(from, layout / "blobs/sha256" / digest, fs::copy_options::overwrite_existing);
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"sha256:" + digest +
           "\",\"size\":" + std::to_string(fs::file_size(from)) + "}";
}

}  // namespace

class StorageTest : public ShellFixture {
    CPPUNIT_TEST_SUITE(StorageTest);
    CPPUNIT_TEST(poolLifecycle);
    CPPUNIT_TEST(importedRootsClonedTwiceRunApart);
    CPPUNIT_TEST(badArchivesLeaveNothing);
    CPPUNIT_TEST(killedShellLeavesNothingOrAll);
    CPPUNIT_TEST(fileVolumes);
    CPPUNIT_TEST_SUITE_END();

    fs::path poolDir() const { return dir_->path() / "pool"; }

    void makePool() {
        ok({"pool-define-as", "p", "dir", "--target", poolDir().string()});
        ok({"pool-build", "p"});
        ok({"pool-start", "p"});
    }
    // The pool's directory but for cvirt's layer directory: what a listing shows, plus any
    // hidden leftovers.
    std::vector<std::string> poolEntries() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(poolDir()))
            if (e.path().filename() != ".cvirt-layers") out.push_back(e.path().filename());
        std::error_code ec;  // no clone made yet: no layer directory
        for (const auto& e : fs::directory_iterator(poolDir() / ".cvirt-layers", ec))
            out.push_back(".cvirt-layers/" + e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }
    fs::path busyboxTar() {
        fs::path tar = dir_->path() / "busybox.tar.gz";
        CPPUNIT_ASSERT_EQUAL(std::string("ok"), shell("tar -C '" + rootfsDir() + "' -czf '" +
                                                      tar.string() + "' . && echo ok"));
        return tar;
    }
    // An OCI image layout: the busybox root as layer 1; layer 2 adds /etc/motd, deletes
    // /linuxrc (a whiteout) and makes /home opaque with one file of its own.
    fs::path ociLayout() {
        fs::path layout = dir_->path() / "oci";
        fs::create_directories(layout);
        fs::path layer2 = dir_->path() / "layer2.tar.gz";
        writeTar(layer2,
                 {{"etc/motd", AE_IFREG, "from layer 2\n"},
                  {".wh.linuxrc", AE_IFREG, ""},
                  {"home/.wh..wh..opq", AE_IFREG, ""},
                  {"home/mine", AE_IFREG, "2"}},
                 true);
        const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
        std::string l1 = addBlob(layout, busyboxTar(), gz);
        std::string l2 = addBlob(layout, layer2, gz);
        fs::path config = dir_->path() / "config.json";
        std::ofstream(config) << "{\"architecture\":\"amd64\",\"os\":\"linux\"}";
        std::string cfg = addBlob(layout, config, "application/vnd.oci.image.config.v1+json");
        fs::path manifest = dir_->path() / "manifest.json";
        std::ofstream(manifest) << "{\"schemaVersion\":2,\"mediaType\":\"application/"
                                   "vnd.oci.image.manifest.v1+json\",\"config\":"
                                << cfg << ",\"layers\":[" << l1 << "," << l2 << "]}";
        std::string man = addBlob(layout, manifest, "application/vnd.oci.image.manifest.v1+json");
        std::ofstream(layout / "index.json")
            << "{\"schemaVersion\":2,\"manifests\":[" << man << "]}";
        std::ofstream(layout / "oci-layout") << "{\"imageLayoutVersion\":\"1.0.0\"}";
        return layout;
    }
    std::string volPath(const std::string& vol) {
        std::string p = ok({"vol-path", "--pool", "p", vol});
        return p.substr(0, p.find('\n'));
    }
    void defineOn(const std::string& name, const std::string& root) {
        CtOptions o;
        o.rootfs = false;
        o.init = "/bin/sleep";
        o.initargs = {"1000"};
        o.devices =
            "<filesystem type='mount'><source dir='" + root + "'/><target dir='/'/></filesystem>";
        define(name, o);
    }
    bool mounted(const std::string& what) {
        return has(util::readFile("/proc/self/mountinfo"), what);
    }

public:
    void poolLifecycle() {
        makePool();
        CPPUNIT_ASSERT(has(ok({"pool-list", "--all"}), " p      active   no"));
        std::string info = ok({"pool-info", "p"});
        CPPUNIT_ASSERT(has(info, "State:          running"));
        CPPUNIT_ASSERT(has(info, "Capacity:"));
        CPPUNIT_ASSERT(has(ok({"pool-dumpxml", "p"}), "<path>" + poolDir().string() + "</path>"));
        ok({"pool-autostart", "p"});
        CPPUNIT_ASSERT(has(ok({"pool-list", "--autostart", "--name"}), "p\n"));
        // a second pool on the same directory is refused
        RunResult twice = sh({"pool-define-as", "q", "dir", "--target", poolDir().string()});
        CPPUNIT_ASSERT(twice.status != 0 &&
                       has(twice.err, "Storage source conflict with pool: 'p'"));
        RunResult active = sh({"pool-undefine", "p"});
        CPPUNIT_ASSERT(active.status != 0 && has(active.err, "is still active"));
        ok({"pool-destroy", "p"});
        CPPUNIT_ASSERT(has(ok({"pool-list", "--all", "--details"}), "inactive"));
        RunResult vols = sh({"vol-list", "p"});
        CPPUNIT_ASSERT(vols.status != 0 && has(vols.err, "storage pool 'p' is not active"));
        ok({"pool-autostart", "p"});
        CPPUNIT_ASSERT(has(ok({"autostart-run"}), "Pool p started"));
        ok({"pool-destroy", "p"});
        ok({"pool-undefine", "p"});
        RunResult gone = sh({"pool-info", "p"});
        CPPUNIT_ASSERT(gone.status != 0 && has(gone.err, "failed to get pool 'p'"));
        CPPUNIT_ASSERT(fs::is_directory(poolDir()));  // the volumes' directory stays
    }

    void importedRootsClonedTwiceRunApart() {
        makePool();
        ok({"vol-import", "p", "base", busyboxTar().string()});
        ok({"vol-import", "p", "image", ociLayout().string()});
        fs::path image = volPath("image");
        CPPUNIT_ASSERT_EQUAL(std::string("from layer 2\n"), util::readFile(image / "etc/motd"));
        CPPUNIT_ASSERT(!fs::exists(image / "linuxrc"));
        CPPUNIT_ASSERT(fs::exists(image / "bin/busybox"));
        CPPUNIT_ASSERT(fs::exists(image / "home/mine"));
        // the same from the layout as a tar
        CPPUNIT_ASSERT_EQUAL(std::string("ok"),
                             shell("tar -C '" + (dir_->path() / "oci").string() + "' -cf '" +
                                   (dir_->path() / "oci.tar").string() + "' . && echo ok"));
        ok({"vol-import", "p", "image2", (dir_->path() / "oci.tar").string()});
        CPPUNIT_ASSERT(fs::exists(fs::path(volPath("image2")) / "etc/motd"));

        for (const std::string base : {"base", "image"}) {
            std::string c1 = base + "-c1", c2 = base + "-c2";
            ok({"vol-clone", "--pool", "p", base, c1});
            ok({"vol-clone", "--pool", "p", base, c2});
            CPPUNIT_ASSERT(has(ok({"vol-dumpxml", "--pool", "p", c1}),
                               "<backingStore>\n    <path>" + volPath(base) + "</path>"));
            defineOn("cvirt-test-" + c1, volPath(c1));
            defineOn("cvirt-test-" + c2, volPath(c2));
            ok({"start", "cvirt-test-" + c1});
            ok({"start", "cvirt-test-" + c2});
            ok({"exec", "cvirt-test-" + c1, "--", "/bin/sh", "-c", "echo one > /written-by-c1"});
            ok({"exec", "cvirt-test-" + c2, "--", "/bin/sh", "-c", "echo two > /written-by-c2"});
            std::string in1 = ok({"exec", "cvirt-test-" + c1, "--", "/bin/ls", "/"});
            std::string in2 = ok({"exec", "cvirt-test-" + c2, "--", "/bin/ls", "/"});
            CPPUNIT_ASSERT(has(in1, "written-by-c1") && !has(in1, "written-by-c2"));
            CPPUNIT_ASSERT(has(in2, "written-by-c2") && !has(in2, "written-by-c1"));
            CPPUNIT_ASSERT(has(in1, "bin"));
            CPPUNIT_ASSERT(!fs::exists(fs::path(volPath(base)) / "written-by-c1"));
            CPPUNIT_ASSERT(!fs::exists(fs::path(volPath(base)) / "written-by-c2"));
            // the overlay is the containers' own: nothing of it on the host
            CPPUNIT_ASSERT(!mounted(volPath(c1)));
            // in use: refused, naming what uses it
            RunResult del = sh({"vol-delete", "--pool", "p", base});
            CPPUNIT_ASSERT(del.status != 0 &&
                           has(del.err, "clones depend on it: '" + c1 + "', '" + c2 + "'"));
            RunResult busy = sh({"vol-delete", "--pool", "p", c1});
            CPPUNIT_ASSERT(busy.status != 0 &&
                           has(busy.err, "domain 'cvirt-test-" + c1 + "' is running with it"));
            RunResult wipe = sh({"vol-wipe", "--pool", "p", c2});
            CPPUNIT_ASSERT(wipe.status != 0 && has(wipe.err, "is running with it"));
            RunResult destroy = sh({"pool-destroy", "p"});
            CPPUNIT_ASSERT(destroy.status != 0 && has(destroy.err, "is in use by running domain"));
            // the base of running clones cannot run writable itself
            defineOn("cvirt-test-" + base, volPath(base));
            RunResult lower = sh({"start", "cvirt-test-" + base});
            CPPUNIT_ASSERT(lower.status != 0 && has(lower.err, "read-only lower layer of clones"));
            ok({"destroy", "cvirt-test-" + c1});
            ok({"destroy", "cvirt-test-" + c2});
            // what c1 wrote is in its volume, and again there at its next start
            ok({"start", "cvirt-test-" + c1});
            CPPUNIT_ASSERT(
                has(ok({"exec", "cvirt-test-" + c1, "--", "/bin/cat", "/written-by-c1"}), "one"));
            ok({"destroy", "cvirt-test-" + c1});
            ok({"vol-wipe", "--pool", "p", c1});  // a clone wiped shows its base again
            ok({"start", "cvirt-test-" + c1});
            RunResult after = sh({"exec", "cvirt-test-" + c1, "--", "/bin/cat", "/written-by-c1"});
            CPPUNIT_ASSERT(after.status != 0);
            ok({"destroy", "cvirt-test-" + c1});
            ok({"vol-delete", "--pool", "p", c1});
            ok({"vol-delete", "--pool", "p", c2});
            ok({"vol-delete", "--pool", "p", base});
        }
        CPPUNIT_ASSERT(!mounted(poolDir().string()));
    }

    void badArchivesLeaveNothing() {
        makePool();
        fs::path d = dir_->path();
        struct Bad {
            std::string name;
            std::vector<Member> members;
            std::string why;
        };
        std::vector<Bad> cases = {
            {"absolute",
             {{"ok", AE_IFREG, "x"}, {"/etc/evil", AE_IFREG, "x"}},
             "has an absolute path"},
            {"dotdot", {{"a/../../evil", AE_IFREG, "x"}}, "has a '..' component"},
            {"symlink", {{"l", AE_IFLNK, "../../.."}}, "outside the volume"},
            {"through",
             {{"l", AE_IFLNK, "/etc"}, {"l/evil", AE_IFREG, "x"}},
             "which is not a directory"},
            {"device", {{"null", AE_IFCHR, ""}}, "is a device node"},
            {"hardlink", {{"h", AE_IFREG, "../../etc/passwd", true}}, "outside the volume"},
        };
        for (const auto& c : cases) {
            fs::path tar = d / (c.name + ".tar");
            writeTar(tar, c.members);
            RunResult r = sh({"vol-import", "p", "bad-" + c.name, tar.string()});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(c.name, 1, r.status);
            CPPUNIT_ASSERT_MESSAGE(c.name + ": " + r.err, has(r.err, c.why));
        }
        // a truncated stream: the busybox archive cut short
        fs::path whole = busyboxTar();
        fs::path cut = d / "cut.tar.gz";
        fs::copy_file(whole, cut);
        fs::resize_file(cut, fs::file_size(whole) / 2);
        RunResult r = sh({"vol-import", "p", "bad-cut", cut.string()});
        CPPUNIT_ASSERT(r.status != 0 && has(r.err, "truncated or corrupt"));
        // neither the volumes nor anything hidden, and nothing written outside
        CPPUNIT_ASSERT(poolEntries().empty());
        CPPUNIT_ASSERT(!fs::exists("/etc/evil") && !fs::exists(d / "evil"));
        CPPUNIT_ASSERT(!has(ok({"vol-list", "p"}), "bad-"));
    }

    // A cvirsh killed (SIGKILL) at each step of a volume change: the volume is there complete
    // or not at all, what is left hidden goes with pool-refresh, and the same change then works.
    void killedShellLeavesNothingOrAll() {
        makePool();
        ok({"vol-import", "p", "base", busyboxTar().string()});
        ok({"vol-create-as", "p", "q", "1M", "--format", "qcow2"});
        struct Step {
            std::string point;
            std::vector<std::string> args;
            std::string vol;
        };
        std::vector<Step> steps = {
            {"vol-clone:layers-made", {"vol-clone", "--pool", "p", "base", "k1"}, "k1"},
            {"vol-clone:layers-placed", {"vol-clone", "--pool", "p", "base", "k2"}, "k2"},
            {"vol-clone:layers-made", {"vol-clone", "--pool", "p", "q", "k3"}, "k3"},
            {"vol-create:made", {"vol-create-as", "p", "k4", "1M"}, "k4"},
            {"vol-create:made", {"vol-create-as", "p", "k5", "0", "--format", "dir"}, "k5"},
            {"vol-import:unpacked", {"vol-import", "p", "k6", busyboxTar().string()}, "k6"},
        };
        std::vector<std::string> before = poolEntries();
        for (const auto& s : steps) {
            std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c",
                                             dir_->embedUri()};
            argv.insert(argv.end(), s.args.begin(), s.args.end());
            RunResult killed = run(argv, {}, {"CVIRT_TEST_FAULT=" + s.point + ":kill"});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(s.point + ": " + killed.err, 128 + 9, killed.status);
            // not a volume, not half of one
            CPPUNIT_ASSERT_MESSAGE(s.point, !has(ok({"vol-list", "p"}), " " + s.vol + " "));
            CPPUNIT_ASSERT_MESSAGE(s.point, !fs::exists(poolDir() / s.vol));
            ok({"pool-refresh", "p"});
            CPPUNIT_ASSERT_MESSAGE(s.point, poolEntries() == before);
            ok(s.args);
            CPPUNIT_ASSERT_MESSAGE(s.point, has(ok({"vol-list", "p"}), " " + s.vol + " "));
            ok({"vol-delete", "--pool", "p", s.vol});
        }
    }

    void fileVolumes() {
        makePool();
        ok({"vol-create-as", "p", "raw", "4M"});
        ok({"vol-create-as", "p", "img", "64M", "--format", "qcow2"});
        ok({"vol-clone", "--pool", "p", "img", "child"});
        std::string child = ok({"vol-dumpxml", "--pool", "p", "child"});
        CPPUNIT_ASSERT(has(child, "<format type='qcow2'/>"));
        CPPUNIT_ASSERT(has(child, "<backingStore>\n    <path>" + volPath("img") + "</path>"));
        CPPUNIT_ASSERT(has(shell("qemu-img info '" + volPath("child") + "'"), "backing file:"));
        RunResult del = sh({"vol-delete", "--pool", "p", "img"});
        CPPUNIT_ASSERT(del.status != 0 && has(del.err, "clones depend on it: 'child'"));
        ok({"vol-resize", "--pool", "p", "img", "128M"});
        CPPUNIT_ASSERT(has(ok({"vol-info", "--pool", "p", "img", "--bytes"}),
                           "Capacity:       134217728 bytes"));
        RunResult shrink = sh({"vol-resize", "--pool", "p", "raw", "1M"});
        CPPUNIT_ASSERT(shrink.status != 0 && has(shrink.err, "shrink"));
        ok({"vol-resize", "--pool", "p", "raw", "1M", "--shrink"});
        fs::path in = dir_->path() / "in", out = dir_->path() / "out";
        std::ofstream(in) << "hello volume";
        ok({"vol-upload", "--pool", "p", "raw", in.string(), "--offset", "512"});
        ok({"vol-download", "--pool", "p", "raw", out.string(), "--offset", "512", "--length",
            "12"});
        CPPUNIT_ASSERT_EQUAL(std::string("hello volume"), util::readFile(out));
        ok({"vol-wipe", "--pool", "p", "raw"});
        ok({"vol-download", "--pool", "p", "raw", out.string(), "--offset", "512", "--length",
            "12"});
        CPPUNIT_ASSERT_EQUAL(std::string(12, '\0'), util::readFile(out));
        std::string details = ok({"vol-list", "p", "--details"});
        std::string rawLine = details.substr(details.find(" raw "));
        rawLine = rawLine.substr(0, rawLine.find('\n'));
        CPPUNIT_ASSERT_MESSAGE(rawLine, has(rawLine, volPath("raw")) && has(rawLine, " file ") &&
                                            has(rawLine, "1.00 MiB"));
        // by path, as virsh looks a volume up without --pool
        CPPUNIT_ASSERT(has(ok({"vol-info", volPath("img")}), "Name:           img"));
        ok({"vol-delete", "--pool", "p", "child"});
        ok({"vol-delete", "--pool", "p", "img"});
        ok({"vol-delete", volPath("raw")});
        CPPUNIT_ASSERT(poolEntries().empty());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(StorageTest);
