// SPDX-License-Identifier: GPL-3.0-or-later
// cvirsh as scripts use it: one command per process against an embed root.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "support/test_util.h"

using namespace cvirt::testenv;

namespace {
const char* kXml =
    "<domain type='lxc'><name>web</name><title>the web</title><memory unit='MiB'>64</memory>"
    "<os><type>exe</type><init>/bin/sh</init></os><devices><filesystem type='mount'>"
    "<source dir='/tmp'/><target dir='/'/></filesystem></devices></domain>";
}

class OneShotTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(OneShotTest);
    CPPUNIT_TEST(defineListUndefine);
    CPPUNIT_TEST(listFormats);
    CPPUNIT_TEST(lookupsAndState);
    CPPUNIT_TEST(autostartToggle);
    CPPUNIT_TEST(sequences);
    CPPUNIT_TEST(errors);
    CPPUNIT_TEST(badXmlNamesFileAndLine);
    CPPUNIT_TEST(badDevicesNameTheirElement);
    CPPUNIT_TEST(helpForEveryCommand);
    CPPUNIT_TEST(editRedefines);
    CPPUNIT_TEST(descAndMetadataEdit);
    CPPUNIT_TEST(defaultUriFromEnvironment);
    CPPUNIT_TEST(hostFacts);
    CPPUNIT_TEST(nativeConfigs);
    CPPUNIT_TEST_SUITE_END();

    TempDir* dir_ = nullptr;
    std::string file_;

    RunResult sh(std::vector<std::string> args, const std::string& input = {},
                 std::vector<std::string> env = {}) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv, input, env);
    }

public:
    void setUp() override {
        dir_ = new TempDir;
        file_ = (dir_->path() / "web.xml").string();
        std::ofstream(file_) << kXml;
    }
    void tearDown() override { delete dir_; }

    void nativeConfigs() {
        std::string conf = (sourceDir() / "tests/data/lxc-native/legacy-veth.conf").string();
        RunResult r = sh({"domxml-from-native", "lxc-tools", conf});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        // the document, then virsh's blank line that ends a command's output
        CPPUNIT_ASSERT_EQUAL(readText(sourceDir() / "tests/data/lxc-native/legacy-veth.xml") + "\n",
                             r.out);
        // unmapped keys: warnings on stderr, one per key, naming file and line
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "warning: " + conf + ":32: lxc.apparmor.profile"));
        // the XML defines, and goes back to an LXC config
        std::string xml = (dir_->path() / "legacy.xml").string();
        std::ofstream(xml) << r.out;
        CPPUNIT_ASSERT_EQUAL(0, sh({"define", xml}).status);
        r = sh({"domxml-to-native", "lxc-tools", "--domain", "legacy"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        for (const char* line :
             {"lxc.uts.name = legacy\n", "lxc.net.0.link = virbr0\n",
              "lxc.idmap = u 0 100000 65536\n", "lxc.init.cmd = /sbin/init --debug\n"})
            CPPUNIT_ASSERT_MESSAGE(r.out + " lacks " + line, has(r.out, line));
        r = sh({"domxml-to-native", "lxc-tools", xml});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        // bad input: a clear error and a non-zero exit
        r = sh({"domxml-from-native", "openvz", conf});
        CPPUNIT_ASSERT(r.status != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "error: unsupported config type openvz"));
        std::string broken = (dir_->path() / "broken.conf").string();
        std::ofstream(broken)
            << "lxc.uts.name = b\nlxc.rootfs.path = /r\nlxc.cgroup.cpu.shares = x\n";
        r = sh({"domxml-from-native", "lxc-tools", broken});
        CPPUNIT_ASSERT(r.status != 0);
        CPPUNIT_ASSERT_MESSAGE(r.err,
                               has(r.err, "error: " + broken + ":3: lxc.cgroup.cpu.shares = x"));
    }

    void hostFacts() {
        RunResult r = sh({"nodeinfo"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
        CPPUNIT_ASSERT_MESSAGE(r.out,
                               has(r.out, "CPU(s):             " + std::to_string(cpus) + "\n"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "Memory size:") && has(r.out, " KiB\n"));
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        r = sh({"hostname"});
        CPPUNIT_ASSERT_EQUAL(std::string(host) + "\n\n", r.out);
        // one guest per driver of the connection; the host's cgroup layout and namespaces
        r = sh({"capabilities"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<os_type>exe</os_type>"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<domain type='lxc'/>"));
        CPPUNIT_ASSERT_MESSAGE(r.out, !has(r.out, "<os_type>hvm</os_type>"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<cvirt:cgroups layout='"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<cvirt:namespace type='pid' available='yes'/>"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<cvirt:kvm usable='"));
        RunResult both =
            run({(binDir() / "cvirsh").string(), "-c", dir_->embedUri("cvirt"), "capabilities"});
        r = sh({"domcapabilities"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "<domain>lxc</domain>") &&
                                          has(r.out, "<filesystem supported='yes'>"));
        r = sh({"domcapabilities", "--virttype", "qemu"});
        CPPUNIT_ASSERT(r.status != 0);  // an lxc connection
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "error: virttype 'qemu' is not supported"));
        r = sh({"domcapabilities", "--arch", "sparc"});
        CPPUNIT_ASSERT(r.status != 0);
        r = sh({"sysinfo"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_MESSAGE(
            r.out, has(r.out, "<sysinfo type='smbios'>") && has(r.out, "<entry name='max_speed'>"));
        if (::access("/usr/bin/qemu-system-x86_64", X_OK) == 0)
            CPPUNIT_ASSERT_MESSAGE(both.out, has(both.out, "<domain type='qemu'/>") &&
                                                 has(both.out, "<os_type>hvm</os_type>"));
        if (::access("/usr/bin/qemu-system-x86_64", X_OK) == 0) {
            both = run({(binDir() / "cvirsh").string(), "-c", dir_->embedUri("cvirt"),
                        "domcapabilities", "--virttype", "qemu", "--machine", "pc"});
            CPPUNIT_ASSERT_MESSAGE(both.err, has(both.out, "<value>virtio</value>") &&
                                                 has(both.out, "<domain>qemu</domain>"));
        }
    }

    void defineListUndefine() {
        RunResult r = sh({"define", file_});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_EQUAL("Domain 'web' defined from " + file_ + "\n\n", r.out);
        r = sh({"list", "--all"});
        CPPUNIT_ASSERT_EQUAL(std::string(" Id   Name   State\n"
                                         "-----------------------\n"
                                         " -    web    shut off\n\n"),
                             r.out);
        r = sh({"undefine", "web"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'web' has been undefined\n\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string(" Id   Name   State\n--------------------\n\n"),
                             sh({"list", "--all"}).out);
    }
    void listFormats() {
        sh({"define", file_});
        CPPUNIT_ASSERT_EQUAL(std::string("web\n\n"), sh({"list", "--all", "--name"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), sh({"list", "--name"}).out);  // active only
        std::string uuid = sh({"domuuid", "web"}).out;
        CPPUNIT_ASSERT_EQUAL(uuid, sh({"list", "--all", "--uuid"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string(" Id   Name   State      Title\n"
                                         "---------------------------------\n"
                                         " -    web    shut off   the web\n\n"),
                             sh({"list", "--inactive", "--title"}).out);
    }
    void lookupsAndState() {
        sh({"define", file_});
        std::string uuid = sh({"domuuid", "web"}).out;
        CPPUNIT_ASSERT_EQUAL(size_t(38), uuid.size());  // and the blank line
        CPPUNIT_ASSERT_EQUAL(std::string("web\n\n"), sh({"domname", uuid.substr(0, 36)}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("-\n\n"), sh({"domid", "web"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("shut off\n\n"), sh({"domstate", "web"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("shut off (unknown)\n\n"),
                             sh({"domstate", "--reason", "web"}).out);
        std::string info = sh({"dominfo", "--domain", "web"}).out;
        CPPUNIT_ASSERT(info.find("Name:           web\n") != std::string::npos);
        CPPUNIT_ASSERT(info.find("State:          shut off\n") != std::string::npos);
        CPPUNIT_ASSERT(info.find("Max memory:     65536 KiB\n") != std::string::npos);
        CPPUNIT_ASSERT(info.find("Autostart:      disable\n") != std::string::npos);
        std::string xml = sh({"dumpxml", "web"}).out;
        CPPUNIT_ASSERT(xml.find("<uuid>" + uuid.substr(0, 36) + "</uuid>") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(xml, sh({"dumpxml", "--inactive", "web"}).out);
    }
    void autostartToggle() {
        sh({"define", file_});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'web' marked as autostarted\n\n"),
                             sh({"autostart", "web"}).out);
        CPPUNIT_ASSERT(sh({"dominfo", "web"}).out.find("Autostart:      enable") !=
                       std::string::npos);
        CPPUNIT_ASSERT_EQUAL(std::string("web\n\n"),
                             sh({"list", "--all", "--autostart", "--name"}).out);
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'web' unmarked as autostarted\n\n"),
                             sh({"autostart", "--disable", "web"}).out);
    }
    void sequences() {
        RunResult r = sh({"define " + file_ + "; domstate web ; domid web"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_EQUAL("Domain 'web' defined from " + file_ + "\n\nshut off\n\n-\n\n", r.out);
        // every command runs; the status is the last one's, as virsh's
        r = sh({"domstate nope; domid web"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("\n-\n\n"), r.out);  // a blank line after each
        CPPUNIT_ASSERT_EQUAL(1, sh({"domid web; domstate nope"}).status);
    }
    void errors() {
        RunResult r = sh({"strat", "web"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: unknown command: 'strat'\ndid you mean 'start'?\n"), r.err);
        r = sh({"dominfo", "nope"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: failed to get domain 'nope'\n"), r.err);
        r = sh({"list", "--bogus"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: command 'list' doesn't support option --bogus\n"),
                             r.err);
        r = sh({"dominfo"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: command 'dominfo' requires <domain> option\n"),
                             r.err);
        r = sh({"define", "/nonexistent/x.xml"});
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: cannot read '/nonexistent/x.xml': No such file or directory\n"),
            r.err);
        r = run({(binDir() / "cvirsh").string(), "-c", "xen:///", "list"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT(r.err.find("error: invalid connection URI 'xen:///'") == 0);
    }
    void badXmlNamesFileAndLine() {
        std::string bad = (dir_->path() / "bad.xml").string();
        std::ofstream(bad)
            << "<domain type='lxc'>\n  <name>x</name>\n  <memory unit='QB'>1</memory>\n"
               "  <os><type>exe</type></os>\n</domain>\n";
        RunResult r = sh({"define", bad});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL("error: Failed to define domain from " + bad +
                                 "\nerror: XML error: " + bad + ":3: <memory>: unknown unit 'QB'\n",
                             r.err);
        CPPUNIT_ASSERT_EQUAL(std::string("\n"),
                             sh({"list", "--all", "--name"}).out);  // nothing defined
    }
    // A wrong <filesystem>, <interface> or <disk> (unknown child or attribute, an <address>, a
    // missing source or target, a bad value): define prints virsh's two lines, the second
    // naming file, line and the element at fault, exactly as the bad catalogue has it.
    void badDevicesNameTheirElement() {
        auto dir = sourceDir() / "tests/data/domain/bad";
        size_t n = 0;
        for (const auto& f : filesIn(dir, ".xml")) {
            std::string name = f.filename().string();
            if (!name.starts_with("fs-") && !name.starts_with("interface-") &&
                !name.starts_with("vm-disk-") && !name.starts_with("disk-"))
                continue;
            ++n;
            std::string copy = (dir_->path() / name).string();
            std::ofstream(copy) << readText(f);
            fs::path errFile = f;
            std::string want = readText(errFile.replace_extension(".err"));
            RunResult r = run(
                {(binDir() / "cvirsh").string(), "-c", dir_->embedUri("cvirt"), "define", copy});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name, 1, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name,
                                         "error: Failed to define domain from " + copy +
                                             "\nerror: XML error: " + dir_->path().string() + "/" +
                                             want,
                                         r.err);
        }
        CPPUNIT_ASSERT_MESSAGE("device cases in the bad catalogue", n >= 25);
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), sh({"list", "--all", "--name"}).out);
    }
    void helpForEveryCommand() {
        RunResult r = sh({"help"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT(r.out.find(" Domain Management (help keyword 'domain'):") !=
                       std::string::npos);
        // every command listed has its own help page
        size_t n = 0;
        std::istringstream lines(r.out);
        std::string line;
        while (std::getline(lines, line)) {
            if (line.rfind("    ", 0) != 0) continue;
            std::string cmd = line.substr(4, line.find(' ', 4) - 4);
            RunResult h = sh({"help", cmd});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(cmd, 0, h.status);
            CPPUNIT_ASSERT_MESSAGE(cmd, h.out.find("  NAME\n    " + cmd + " - ") == 0);
            CPPUNIT_ASSERT_MESSAGE(cmd, h.out.find("  SYNOPSIS\n") != std::string::npos);
            ++n;
        }
        CPPUNIT_ASSERT(n >= 20);
        CPPUNIT_ASSERT(sh({"help", "monitor"}).out.find("dominfo") != std::string::npos);
        CPPUNIT_ASSERT_EQUAL(1, sh({"help", "nothing"}).status);
    }
    void editRedefines() {
        sh({"define", file_});
        std::string editor = (dir_->path() / "editor.sh").string();
        std::ofstream(editor)
            << "#!/bin/sh\nsed -i 's|<title>the web</title>|<title>edited</title>|' \"$1\"\n";
        ::chmod(editor.c_str(), 0755);
        RunResult r = sh({"edit", "web"}, {}, {"EDITOR=" + editor, "VISUAL="});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'web' XML configuration edited.\n\n"), r.out);
        CPPUNIT_ASSERT(sh({"dumpxml", "web"}).out.find("<title>edited</title>") !=
                       std::string::npos);
        // an editor that changes nothing
        r = sh({"edit", "web"}, {}, {"EDITOR=true", "VISUAL="});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'web' XML configuration not changed.\n\n"), r.out);
        // an invalid edit, answered 'n': the old definition stays
        std::ofstream(editor)
            << "#!/bin/sh\nsed -i 's|<memory unit=.KiB.>|<memory unit=\"QB\">|' \"$1\"\n";
        r = sh({"edit", "web"}, "n\n", {"EDITOR=" + editor, "VISUAL="});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT(r.err.find("unknown unit 'QB'") != std::string::npos);
        CPPUNIT_ASSERT(r.out.find("Failed. Try again? [y,n,?]:") != std::string::npos);
        CPPUNIT_ASSERT(sh({"dumpxml", "web"}).out.find("<title>edited</title>") !=
                       std::string::npos);
    }
    // desc --edit and metadata --edit as virsh does them: the text in a temporary file,
    // $VISUAL else $EDITOR on it; unchanged: nothing changes; an editor that fails or an
    // edit that cannot be applied leaves the old value.
    void descAndMetadataEdit() {
        sh({"define", file_});
        auto editor = [&](const std::string& name, const std::string& body) {
            std::string path = (dir_->path() / name).string();
            std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
            ::chmod(path.c_str(), 0755);
            return path;
        };
        // the editor sees the current text and writes a new one (with the newline editors add)
        std::string seen = (dir_->path() / "seen").string();
        std::string write =
            editor("write.sh", "cp \"$1\" " + seen + "; printf 'new words\\n' > \"$1\"");
        RunResult r = sh({"desc", "web", "--title", "--edit"}, {}, {"EDITOR=" + write, "VISUAL="});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Domain title updated successfully\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("the web"), readText(seen));
        CPPUNIT_ASSERT_EQUAL(std::string("new words\n"), sh({"desc", "web", "--title"}).out);
        // VISUAL comes before EDITOR
        r = sh({"desc", "web", "--edit"}, {}, {"EDITOR=false", "VISUAL=" + write});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("new words\n"), sh({"desc", "web"}).out);
        // unchanged
        r = sh({"desc", "web", "--edit"}, {}, {"EDITOR=true", "VISUAL="});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain description not changed\n\n"), r.out);
        // a failing editor: an error, the old text stays
        r = sh({"desc", "web", "--edit"}, {}, {"EDITOR=false", "VISUAL="});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "error: "));
        CPPUNIT_ASSERT_EQUAL(std::string("new words\n"), sh({"desc", "web"}).out);
        // a title with a newline in the middle: libvirt's refusal, the old title stays
        std::string two = editor("two.sh", "printf 'a\\nb\\n' > \"$1\"");
        r = sh({"desc", "web", "--title", "--edit"}, {}, {"EDITOR=" + two, "VISUAL="});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "error: Failed to set new domain title"));
        CPPUNIT_ASSERT_EQUAL(std::string("new words\n"), sh({"desc", "web", "--title"}).out);

        // metadata: a key is needed, --edit excludes --set and --remove
        r = sh({"metadata", "web", "http://ex.org/a", "--edit"}, {}, {"EDITOR=true"});
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: namespace key is required when modifying metadata\n"), r.err);
        r = sh({"metadata", "web", "http://ex.org/a", "--edit", "--key", "ex", "--set", "<a/>"});
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Options --edit and --set are mutually exclusive\n"), r.err);
        // no element yet: the editor gets virsh's "\n"; unchanged: nothing set
        r = sh({"metadata", "web", "http://ex.org/a", "--edit", "--key", "ex"}, {},
               {"EDITOR=true", "VISUAL="});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Metadata not changed\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(1, sh({"metadata", "web", "http://ex.org/a"}).status);
        std::string xml =
            editor("xml.sh", "cp \"$1\" " + seen + "; echo '<foo bar=\"1\"><baz/></foo>' > \"$1\"");
        r = sh({"metadata", "web", "http://ex.org/a", "--edit", "--key", "ex"}, {},
               {"EDITOR=" + xml, "VISUAL="});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Metadata modified\n\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), readText(seen));
        CPPUNIT_ASSERT_EQUAL(std::string("<foo bar=\"1\">\n  <baz/>\n</foo>\n\n"),
                             sh({"metadata", "web", "http://ex.org/a"}).out);
        // the stored element is what the editor gets next
        r = sh({"metadata", "web", "http://ex.org/a", "--edit", "--key", "ex"}, {},
               {"EDITOR=" + xml, "VISUAL="});
        CPPUNIT_ASSERT(has(readText(seen), "<foo bar=\"1\">"));
        // not XML: the error, virsh's question; 'n' leaves the old element
        std::string bad = editor("bad.sh", "echo '<foo' > \"$1\"");
        r = sh({"metadata", "web", "http://ex.org/a", "--edit", "--key", "ex"}, "n\n",
               {"EDITOR=" + bad, "VISUAL="});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "Failed. Try again? [y,n,?]:"));
        CPPUNIT_ASSERT_EQUAL(std::string("<foo bar=\"1\">\n  <baz/>\n</foo>\n\n"),
                             sh({"metadata", "web", "http://ex.org/a"}).out);
    }
    void defaultUriFromEnvironment() {
        RunResult r = run({(binDir() / "cvirsh").string(), "uri"}, {},
                          {"CVIRT_DEFAULT_URI=" + dir_->embedUri("cvirt")});
        CPPUNIT_ASSERT_EQUAL(dir_->embedUri("cvirt") + "\n\n", r.out);
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(OneShotTest);
