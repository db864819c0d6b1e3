// SPDX-License-Identifier: GPL-3.0-or-later
// virsh's grammar: each case runs cvirsh one-shot against an embed root holding a domain
// 'test', and the same words through virsh's test driver (`virsh -c test:///default`, whose
// domain is also 'test') when virsh is installed: both must exit alike and print the same
// stdout and stderr. The expected text is written here too, so the cases hold without virsh.
#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <fstream>

#include "support/test_util.h"
#include "virsh_compare.h"

using namespace cvirt::testenv;

namespace {
const char* kXml =
    "<domain type='lxc'><name>test</name><title>日本 é</title><memory unit='MiB'>64</memory>"
    "<vcpu>2</vcpu>"
    "<os><type>exe</type><init>/bin/sh</init></os><devices><filesystem type='mount'>"
    "<source dir='/tmp'/><target dir='/'/></filesystem></devices></domain>";
const char* kVirsh = "/usr/bin/virsh";
}  // namespace

class GrammarTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(GrammarTest);
    CPPUNIT_TEST(positionalsSkipNamedOptions);
    CPPUNIT_TEST(optionEqualsValue);
    CPPUNIT_TEST(commandHelp);
    CPPUNIT_TEST(syntaxErrorsAsVirsh);
    CPPUNIT_TEST(argumentVectorTakesDashWords);
    CPPUNIT_TEST(quietDropsInformationalLines);
    CPPUNIT_TEST(readOnlyRefusesChanges);
    CPPUNIT_TEST(globalOptionsAsVirsh);
    CPPUNIT_TEST(columnsByDisplayWidth);
    CPPUNIT_TEST(echoPwdCd);
    CPPUNIT_TEST(listStateFilters);
    CPPUNIT_TEST(dumpxmlXPath);
    CPPUNIT_TEST(defineValidate);
    CPPUNIT_TEST(domstatsFilters);
    CPPUNIT_TEST(descAndMetadata);
    CPPUNIT_TEST(guestCommandsOfAContainer);
    CPPUNIT_TEST(shutdownModes);
    CPPUNIT_TEST_SUITE_END();

    TempDir* dir_ = nullptr;
    std::string file_;

    RunResult sh(std::vector<std::string> args) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv);
    }
    // The same words through virsh's test driver; nullopt without virsh.
    std::optional<RunResult> virsh(std::vector<std::string> args) {
        if (::access(kVirsh, X_OK) != 0) return std::nullopt;
        std::vector<std::string> argv = {kVirsh, "-c", "test:///default"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv);
    }
    // cvirsh prints `out` and `err` and exits `status`; virsh, when here, does the same.
    void same(const std::vector<std::string>& args, int status, const std::string& out,
              const std::string& err) {
        expectLikeVirsh(dir_->embedUri(), args, status, out, err);
    }

public:
    void setUp() override {
        dir_ = new TempDir;
        file_ = (dir_->path() / "test.xml").string();
        std::ofstream(file_) << kXml;
        RunResult r = sh({"define", file_});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
    }
    void tearDown() override { delete dir_; }

    void positionalsSkipNamedOptions() {
        // virsh fills <size> with 40M, <vcpu> and <cpulist> with 0 0; each prints the blank
        // line that ends a command's output, -q not even that
        same({"setmem", "--domain", "test", "40M"}, 0, "\n", "");
        same({"vcpupin", "--domain", "test", "0", "0"}, 0, "\n", "");
        same({"vcpupin", "--vcpu", "1", "test", "1"}, 0, "\n", "");
        same({"-q", "setmem", "test", "40M"}, 0, "", "");
        // a failure that ran: the error, and the blank line still
        same({"dominfo", "nosuch"}, 1, "\n", "error: failed to get domain 'nosuch'\n");
        // a sequence exits with its last command's status
        same({"dominfo nosuch; setmem test 40M"}, 0, "\n\n",
             "error: failed to get domain 'nosuch'\n");
        same({"setmem test 40M; dominfo nosuch"}, 1, "\n\n",
             "error: failed to get domain 'nosuch'\n");
        RunResult r = sh({"dominfo", "test"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "Used memory:    40960 KiB\n"));
        // data fill the first option still free: here <domain>, which --domain then repeats
        same({"setmem", "40M", "--domain", "test"}, 1, "", "error: option --domain already seen\n");
        // virsh's test driver knows no cpu_shares: cvirsh alone here
        r = sh({"schedinfo", "--domain", "test", "cpu_shares=600", "--config"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        r = sh({"schedinfo", "test", "--config"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "cpu_shares     : 600\n"));
    }

    void optionEqualsValue() {
        RunResult a = sh({"dominfo", "--domain=test"}), b = sh({"dominfo", "test"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(a.err, 0, a.status);
        CPPUNIT_ASSERT_EQUAL(b.out, a.out);
        a = sh({"setmem", "test", "--size=32M", "--config"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(a.err, 0, a.status);
        b = sh({"dominfo", "test"});
        CPPUNIT_ASSERT_MESSAGE(b.out, has(b.out, "Used memory:    32768 KiB\n"));
        // `--` ends the options: what follows is data
        a = sh({"dominfo", "--", "test"});
        CPPUNIT_ASSERT_EQUAL(b.out, a.out);
        if (auto v = virsh({"dominfo", "--domain=test"})) CPPUNIT_ASSERT_EQUAL(0, v->status);
    }

    void commandHelp() {
        RunResult help = sh({"help", "dominfo"});
        CPPUNIT_ASSERT_EQUAL(0, help.status);
        for (std::vector<std::string> words : {std::vector<std::string>{"dominfo", "--help"},
                                               {"dominfo", "--help", "extra"},
                                               {"dominfo", "--domain=test", "--help"},
                                               {"help", "--command", "dominfo"}}) {
            RunResult r = sh(words);
            CPPUNIT_ASSERT_EQUAL(0, r.status);
            CPPUNIT_ASSERT_EQUAL(help.out, r.out);
            if (auto v = virsh(words)) CPPUNIT_ASSERT_EQUAL(0, v->status);
        }
        const std::string top =
            "  NAME\n    dominfo - domain information\n\n  SYNOPSIS\n"
            "    dominfo <domain>\n";
        CPPUNIT_ASSERT_EQUAL(top, help.out.substr(0, top.size()));
        CPPUNIT_ASSERT_MESSAGE(help.out,
                               has(help.out, "    [--domain] <string>  domain name, id or uuid\n"));
        if (auto v = virsh({"dominfo", "--help"})) {
            CPPUNIT_ASSERT_EQUAL(top, v->out.substr(0, top.size()));
            CPPUNIT_ASSERT(has(v->out, "    [--domain] <string>  domain name, id or uuid\n"));
        }
        // an argument vector shows as virsh shows it
        RunResult r = sh({"lxc-enter-namespace", "--help"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "lxc-enter-namespace <domain> [--noseclabel]"));
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "{[--cmd] <string>}..."));
    }

    void syntaxErrorsAsVirsh() {
        same({"dominfo", "--domain", "test", "--domain", "test"}, 1, "",
             "error: option --domain already seen\n");
        same({"dominfo", "--bogus", "test"}, 1, "",
             "error: command 'dominfo' doesn't support option --bogus\n");
        same({"dominfo", "--dom", "test"}, 1, "",
             "error: command 'dominfo' doesn't support option --dom\n");
        same({"dominfo", "test", "extra"}, 1, "", "error: unexpected data 'extra'\n");
        same({"dominfo"}, 1, "", "error: command 'dominfo' requires <domain> option\n");
        same({"dominfo", "--domain"}, 1, "", "error: expected syntax: --domain <string>\n");
        same({"setmem", "test", "40M", "--live=yes"}, 1, "",
             "error: invalid '=' after option --live\n");
        same({"list", "--all", "--name=x"}, 1, "", "error: invalid '=' after option --name\n");
        same({"lxc-enter-namespace", "test", "/bin/ls", "--color"}, 1, "",
             "error: command 'lxc-enter-namespace' doesn't support option --color\n");
    }

    void argumentVectorTakesDashWords() {
        // the domain is not running: the words parsed, the command ran and failed there
        for (std::vector<std::string> words :
             {std::vector<std::string>{"lxc-enter-namespace", "test", "--noseclabel", "/bin/sh",
                                       "-c", "echo hi"},
              {"lxc-enter-namespace", "test", "--", "/bin/ls", "--color"},
              {"lxc-enter-namespace", "test", "--cmd", "/bin/ls", "--cmd", "-l"},
              {"exec", "test", "/bin/sh", "-c", "echo hi"}}) {
            RunResult r = sh(words);
            CPPUNIT_ASSERT_EQUAL(1, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "not running"));
            if (auto v = virsh(words); v && words[0] != "exec")
                CPPUNIT_ASSERT_MESSAGE(v->err,
                                       has(v->err, "not supported by the connection driver"));
        }
    }

    void quietDropsInformationalLines() {
        RunResult r = sh({"-q", "define", file_});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string(), r.out);
        r = sh({"-q", "autostart", "test"});
        CPPUNIT_ASSERT_EQUAL(std::string(), r.out);
        r = sh({"autostart", "--disable", "test"});
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'test' unmarked as autostarted\n\n"), r.out);
        // and the table headers
        r = sh({"-q", "list", "--all"});
        CPPUNIT_ASSERT_EQUAL(std::string(" -   test   shut off\n"), r.out);
        if (auto v = virsh({"-q", "list"}))
            CPPUNIT_ASSERT_EQUAL(std::string(" 1   test   running\n"), v->out);
        // nor the blank line that ends a command's output
        CPPUNIT_ASSERT_EQUAL(std::string("shut off\n"), sh({"-q", "domstate", "test"}).out);
        if (auto v = virsh({"-q", "domstate", "test"}))
            CPPUNIT_ASSERT_EQUAL(std::string("running\n"), v->out);
        for (std::vector<std::string> words : {std::vector<std::string>{"-q", "dominfo", "test"},
                                               {"-q", "vcpupin", "test"},
                                               {"-q", "emulatorpin", "test"},
                                               {"-q", "nodeinfo"},
                                               {"-q", "version"}}) {
            r = sh(words);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
            CPPUNIT_ASSERT_MESSAGE(words[1] + ": " + r.out,
                                   r.out.size() > 1 && r.out.back() == '\n' &&
                                       r.out[r.out.size() - 2] != '\n' && !has(r.out, "---"));
            if (auto v = virsh(words)) {
                CPPUNIT_ASSERT_MESSAGE(words[1] + ": " + v->out,
                                       v->out[v->out.size() - 2] != '\n' && !has(v->out, "---"));
            }
        }
        r = sh({"vcpupin", "test"});
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, " VCPU   CPU Affinity\n----------------------\n"));
    }

    void readOnlyRefusesChanges() {
        const std::string refused = "error: operation forbidden: read only access prevents ";
        for (std::vector<std::string> words :
             {std::vector<std::string>{"-r", "destroy", "test"},
              {"-r", "setmem", "test", "40M"},
              {"-r", "schedinfo", "test", "--set", "cpu_shares=5"}}) {
            RunResult r = sh(words);
            CPPUNIT_ASSERT_EQUAL(1, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, refused));
            if (auto v = virsh(words); v && words[1] != "schedinfo") {
                CPPUNIT_ASSERT_EQUAL(1, v->status);
                CPPUNIT_ASSERT_MESSAGE(v->err, has(v->err, refused));
            }
        }
        RunResult r = sh({"-r", "undefine", "test"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_EQUAL(0, sh({"dominfo", "test"}).status);  // still there
        for (std::vector<std::string> words : {std::vector<std::string>{"-r", "dominfo", "test"},
                                               {"-r", "schedinfo", "test"},
                                               {"-r", "list", "--all"}}) {
            r = sh(words);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(words[1] + ": " + r.err, 0, r.status);
        }
    }

    void globalOptionsAsVirsh() {
        same({"-d", "x", "uri"}, 1, "", "error: option -d takes a numeric argument\n");
        same({"-e", "xx", "uri"}, 1, "", "error: Invalid string 'xx' for escape sequence\n");
        same({"-k", "x", "uri"}, 1, "", "error: Invalid value for option -k\n");
        same({"--bogus", "uri"}, 1, "", "error: unsupported option '--bogus'. See --help.\n");
        same({"-x", "uri"}, 1, "", "error: unsupported option '-x'. See --help.\n");
        // accepted, and the command runs
        for (std::vector<std::string> words : {std::vector<std::string>{"-e", "^A", "uri"},
                                               {"-k", "5", "-K", "3", "uri"},
                                               {"-d", "4", "uri"}}) {
            RunResult r = sh(words);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
            CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "embed"));
        }
        RunResult r = sh({"-d", "9", "uri"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("error: ignoring debug level 9 out of range [0-4]\n"),
                             r.err);
        // -t: the time after the command's output
        r = sh({"-t", "uri"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "\n(Time: ") && has(r.out, " ms)\n\n"));
        if (auto v = virsh({"-t", "uri"})) CPPUNIT_ASSERT(has(v->out, "\n(Time: "));
        // -l: errors logged to the file, with virsh's line shape
        std::string log = (dir_->path() / "cvirsh.log").string();
        r = sh({"-l", log, "dominfo nosuch"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        std::string logged = readText(log);
        CPPUNIT_ASSERT_MESSAGE(logged, has(logged, " cvirsh ") && has(logged, "] ERROR "));
        // -v and -V
        r = sh({"-v"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT(!r.out.empty());
        r = sh({"-V"});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.out, has(r.out, "cvirsh command line tool of cvirt "));
    }

    void columnsByDisplayWidth() {
        // "日本 é" is 8 bytes and 6 columns: the dashes count columns, as virsh's
        RunResult r = sh({"list", "--all", "--title"});
        CPPUNIT_ASSERT_EQUAL(std::string(" Id   Name   State      Title\n" + std::string(32, '-') +
                                         "\n -    test   shut off   日本 é\n\n"),
                             r.out);
        if (::access(kVirsh, X_OK) != 0) return;
        RunResult v = run({kVirsh, "-c", "test:///default",
                           "desc test --title --new-desc '日本 é'; list --title"},
                          {}, {"LANG=C.UTF-8"});
        CPPUNIT_ASSERT_MESSAGE(v.out, has(v.out, "\n" + std::string(31, '-') + "\n"));
        CPPUNIT_ASSERT_MESSAGE(v.out, has(v.out, " 1    test   running   日本 é\n"));
    }

    void echoPwdCd() {
        // echo: the words, escaped as asked, and no closing blank line
        same({"echo", "a", "b"}, 0, "a b\n", "");
        same({"echo", "--shell", "a b", "c'd", "x"}, 0, "'a b' 'c'\\''d' x\n", "");
        same({"echo", "--xml", "<a&b>", "q\""}, 0, "&lt;a&amp;b&gt; q&quot;\n", "");
        same({"echo", "--split", "a,b,,c d"}, 0, "a\nb,c d\n\n", "");
        same({"echo", "--", "--all"}, 0, "--all\n", "");
        same({"echo a; echo b"}, 0, "a\nb\n", "");
        // cd only where a session goes on; pwd as the shell's
        same({"cd", "/tmp"}, 1, "\n", "error: cd: command valid only in interactive mode\n");
        RunResult r = run({(binDir() / "cvirsh").string(), "-c", dir_->embedUri()},
                          "cd /nonexistent\ncd " + dir_->path().string() + "\npwd\n");
        CPPUNIT_ASSERT_EQUAL(dir_->path().string() + "\n\n",
                             r.out.substr(r.out.size() - dir_->path().string().size() - 2));
        CPPUNIT_ASSERT_MESSAGE(r.err,
                               has(r.err, "error: cd: No such file or directory: /nonexistent\n"));
    }

    void listStateFilters() {
        // a state filter lists inactive domains too; --table is the default layout
        RunResult r = sh({"list", "--state-shutoff", "--name"});
        CPPUNIT_ASSERT_EQUAL(std::string("test\n\n"), r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("\n"), sh({"list", "--state-running", "--name"}).out);
        CPPUNIT_ASSERT_EQUAL(sh({"list", "--all"}).out,
                             sh({"list", "--table", "--all", "--managed-save"}).out);
        if (auto v = virsh({"list", "--state-running", "--name"}))
            CPPUNIT_ASSERT_EQUAL(std::string("test\n\n"), v->out);
        same({"list", "--table", "--name"}, 1, "\n",
             "error: Options --table and --name are mutually exclusive\n");
        // options for what cvirt keeps none of: accepted
        CPPUNIT_ASSERT_EQUAL(sh({"dumpxml", "test"}).out,
                             sh({"dumpxml", "--security-info", "test"}).out);
        r = sh({"undefine", "test", "--remove-all-storage", "--snapshots-metadata",
                "--managed-save", "--checkpoints-metadata"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        CPPUNIT_ASSERT_EQUAL(std::string("Domain 'test' has been undefined\n\n"), r.out);
    }

    void dumpxmlXPath() {
        // each match on a line of its own, formatted as libxml2 does; --wrap under <nodes>
        same({"dumpxml", "test", "--xpath", "//name"}, 0, "<name>test</name>\n\n", "");
        same({"dumpxml", "test", "--xpath", "//vcpu/text()|//name"}, 0, "<name>test</name>\n2\n\n",
             "");
        same({"dumpxml", "test", "--xpath", "//nothing"}, 0, "\n", "");
        same({"dumpxml", "test", "--xpath", "//nothing", "--wrap"}, 0, "<nodes/>\n\n", "");
        same({"dumpxml", "test", "--xpath", "count(//vcpu)"}, 1, "\n",
             "error: internal error: Incorrect xpath 'count(//vcpu)'\n");
        RunResult r = sh({"dumpxml", "test", "--xpath", "//filesystem/target/@dir"});
        CPPUNIT_ASSERT_EQUAL(std::string(" dir=\"/\"\n\n"), r.out);
        r = sh({"dumpxml", "test", "--xpath", "//filesystem/target/@dir|//vcpu", "--wrap"});
        CPPUNIT_ASSERT_EQUAL(
            std::string("<nodes dir=\"/\">\n  <vcpu placement=\"static\">2</vcpu>\n"
                        "</nodes>\n\n"),
            r.out);
        // an expression that does not compile: libxml2's complaint, nothing selected
        r = sh({"dumpxml", "test", "--xpath", "//["});
        CPPUNIT_ASSERT_EQUAL(0, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "XPath error : Invalid expression"));
    }

    void defineValidate() {
        std::string bad = (dir_->path() / "bad.xml").string();
        std::ofstream(bad) << "<domain type='lxc'><name>v</name><memory>1024</memory><bogus/>"
                              "<os><type>exe</type><init>/bin/sh</init></os></domain>";
        RunResult r = sh({"define", "--validate", bad});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(
            r.err, has(r.err, "error: Failed to define domain from " + bad +
                                  "\nerror: XML document failed to validate against schema: "
                                  "Unable to validate doc against ") &&
                       has(r.err, "domain.rng\n" + bad + ":1: <bogus>"));
        // without --validate cvirt refuses it too (nothing is dropped), in its own words
        r = sh({"define", bad});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "error: XML error: " + bad + ":1: <bogus>"));
        r = sh({"define", "--validate", file_});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
        if (auto v = virsh({"define", "--validate", bad})) {
            CPPUNIT_ASSERT_EQUAL(1, v->status);
            CPPUNIT_ASSERT_MESSAGE(v->err, has(v->err, "failed to validate against schema"));
        }
    }

    void domstatsFilters() {
        const std::string state = "Domain: 'test'\n  state.state=5\n  state.reason=0\n\n";
        CPPUNIT_ASSERT_EQUAL(state, sh({"domstats", "--state", "--list-persistent", "--raw"}).out);
        CPPUNIT_ASSERT_EQUAL(state, sh({"domstats", "--state", "--list-shutoff"}).out);
        CPPUNIT_ASSERT_EQUAL(state, sh({"domstats", "--state", "--list-inactive"}).out);
        for (const char* none :
             {"--list-transient", "--list-active", "--list-other", "--list-running"}) {
            RunResult r = sh({"domstats", "--state", none});
            CPPUNIT_ASSERT_EQUAL_MESSAGE(r.err, 0, r.status);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(none, std::string("\n"), r.out);
        }
        same({"domstats", "--list-transient"}, 0, "\n", "");
    }

    void descAndMetadata() {
        same({"desc", "test"}, 0, "No description for domain: test\n", "");
        same({"desc test --new-desc 'a b'; desc test"}, 0,
             "Domain description updated successfully\na b\n", "");
        same({"desc --title test x y; desc test --title"}, 0,
             "Domain title updated successfully\nx y\n", "");
        same({"metadata", "test", "http://x"}, 1, "\n",
             "error: metadata not found: Requested metadata element is not present\n");
        same({"metadata", "test", "http://x", "--set", "<a/>"}, 1, "\n",
             "error: namespace key is required when modifying metadata\n");
        same({"metadata test http://ex.org/a --key ex --set '<foo bar=\"1\"><baz/></foo>'; "
              "metadata test http://ex.org/a"},
             0, "Metadata modified\n\n<foo bar=\"1\">\n  <baz/>\n</foo>\n\n", "");
        // stored: the domain's own copy, in the namespace under the key
        RunResult r =
            sh({"metadata test http://ex.org/a --key ex --set '<foo bar=\"1\"/>' "
                "--config; dumpxml test --xpath //metadata/*"});
        CPPUNIT_ASSERT_EQUAL(
            std::string(
                "Metadata modified\n\n<ex:foo xmlns:ex=\"http://ex.org/a\" bar=\"1\"/>\n\n"),
            r.out);
        CPPUNIT_ASSERT_EQUAL(std::string("<foo bar=\"1\"/>\n\n"),
                             sh({"-r", "metadata", "test", "http://ex.org/a"}).out);
        r = sh({"-r", "desc", "test", "--new-desc", "x"});
        CPPUNIT_ASSERT_EQUAL(1, r.status);
        r = sh({"desc", "test", "--title", "--new-desc", "a\nb"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: Failed to set new domain title\nerror: invalid "
                                         "argument: title can't contain newlines\n"),
                             r.err);
    }

    void guestCommandsOfAContainer() {
        // what libvirt-lxc has no call for, in libvirt's words
        same({"setvcpus", "test", "0", "--config"}, 1, "\n",
             "error: Can't set 0 processors for a VM\n");
        RunResult r = sh({"setvcpus", "test", "1", "--config"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: this function is not supported by the connection "
                                         "driver: virDomainSetVcpusFlags\n"),
                             r.err);
        same({"setvcpus", "test", "1", "--maximum", "--live"}, 1, "\n",
             "error: Option --config is required by option --maximum\n");
        same({"setvcpus", "test", "1", "--guest", "--config"}, 1, "\n",
             "error: Options --guest and --config are mutually exclusive\n");
        same({"setvcpus", "test", "1", "--current", "--live"}, 1, "\n",
             "error: Options --current and --live are mutually exclusive\n");
        // every flag reaches the driver, which libvirt-lxc has no entry in
        for (const char* f : {"--guest", "--hotpluggable", "--live"}) {
            r = sh({"setvcpus", "test", "1", f});
            CPPUNIT_ASSERT_EQUAL(std::string("error: this function is not supported by the "
                                             "connection driver: virDomainSetVcpusFlags\n"),
                                 r.err);
        }
        // a container's filesystems are no <disk>
        CPPUNIT_ASSERT_EQUAL(std::string(" Target   Source\n------------------\n\n"),
                             sh({"domblklist", "test"}).out);
        CPPUNIT_ASSERT_EQUAL(
            std::string(" Type   Device   Target   Source\n" + std::string(34, '-') + "\n\n"),
            sh({"domblklist", "test", "--details", "--inactive"}).out);
        r = sh({"domrename", "test", "test"});  // virsh's test domain runs: cvirsh alone
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Requested operation is not valid: Can't rename domain to itself\n"),
            r.err);
        r = sh({"domrename", "test", ""});
        CPPUNIT_ASSERT_EQUAL(
            std::string("error: Failed to get option 'new-name': Option argument is empty\n"),
            r.err);
    }

    void shutdownModes() {
        same({"shutdown", "test", "--mode", "bogus"}, 1, "\n",
             "error: Unknown mode bogus value, expecting 'acpi', 'agent', 'initctl', 'signal', "
             "or 'paravirt'\n");
        // libvirt-lxc's flags check comes before the state check
        RunResult r = sh({"shutdown", "test", "--mode", "acpi,initctl"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: Failed to shutdown domain 'test'\nerror: "
                                         "unsupported flags (0x1) in function "
                                         "lxcDomainShutdownFlags\n"),
                             r.err);
        r = sh({"reboot", "test", "--mode", "agent"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: Failed to reboot domain 'test'\nerror: "
                                         "unsupported flags (0x2) in function lxcDomainReboot\n"),
                             r.err);
        r = sh({"shutdown", "test", "--mode", "initctl"});
        CPPUNIT_ASSERT_EQUAL(std::string("error: Failed to shutdown domain 'test'\nerror: "
                                         "Operation not supported: Container does not provide "
                                         "an initctl pipe\n"),
                             r.err);
        r = sh({"shutdown", "test", "--mode", "signal,initctl"});
        CPPUNIT_ASSERT_MESSAGE(r.err, has(r.err, "domain is not running"));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(GrammarTest);
