// SPDX-License-Identifier: GPL-3.0-or-later
// 8 worker processes race the real cvirsh (one-shot commands, one embed root) through define,
// start, destroy, undefine, list and dominfo on 20 domains for CVIRT_STRESS_SECONDS (default
// 120). Every command succeeds or prints "error: " and why; no domain ever has two inits; the
// stored XML is always one whole version that some define wrote; `list --all` agrees with the
// processes; and once everything is destroyed and undefined nothing is left.
#include <cppunit/extensions/HelperMacros.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "cgroup/domain_cgroup.h"
#include "cgroup/layout.h"
#include "conf/domain.h"
#include "support/container_util.h"
#include "support/test_util.h"

using namespace cvirt;
using namespace cvirt::testenv;
namespace fs = std::filesystem;

std::optional<std::string> cvirt::testenv::missingPrerequisite() {
    return missingForContainers();
}

namespace {

constexpr int kWorkers = 8;
constexpr int kDomains = 20;

int stressSeconds() {
    const char* env = std::getenv("CVIRT_STRESS_SECONDS");
    int n = env && *env ? std::atoi(env) : 120;
    return n > 0 ? n : 120;
}

std::string domainName(int i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "cvirt-test-race%02d", i);
    return buf;
}

// The marker in a container init's command line: its domain's name and this run's root
// directory (another run of this test on the same host has inits of the same names).
std::string gRunRoot;
std::string initMarker(const std::string& name) {
    return ": " + name + " " + gRunRoot;
}

// A version of a domain's XML: the tag in <title>, and a description long enough (~16 KiB)
// that a torn write could not parse as the same version.
std::string versionXml(const std::string& name, const std::string& tag) {
    std::string desc;
    while (desc.size() < 16384)
        desc += tag + " ";
    CtOptions o{.initargs = {"-c", "sleep 1000; " + initMarker(name)},
                .extra = "<title>" + tag + "</title><description>" + desc + "</description>"};
    return containerXml(name, o);
}

std::string descriptionFor(const std::string& tag) {
    std::string desc;
    while (desc.size() < 16384)
        desc += tag + " ";
    return desc;
}

// Live pids whose command line contains `needle` (zombies left out).
std::vector<pid_t> processesWith(const std::string& needle, const std::string& also = {}) {
    std::vector<pid_t> out;
    for (const auto& e : fs::directory_iterator("/proc")) {
        std::string pid = e.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmd = procText(e.path() / "cmdline");
        for (char& c : cmd)
            if (c == '\0') c = ' ';
        if (cmd.find(needle) == std::string::npos) continue;
        if (!also.empty() && cmd.find(also) == std::string::npos) continue;
        std::string stat = procText(e.path() / "stat");
        size_t paren = stat.rfind(')');
        if (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z')
            continue;
        out.push_back(std::atoi(pid.c_str()));
    }
    return out;
}

// "error: domain 'x' is not running" → "domain '…' is not running": the reason, names out.
std::string reasonOf(const std::string& errLine) {
    std::string r = errLine.substr(7), out;
    bool quoted = false;
    for (char c : r) {
        if (c == '\'') {
            out += quoted ? "…'" : "'";
            quoted = !quoted;
        } else if (!quoted) {
            out += c;
        }
    }
    return out;
}

// One worker: random commands until `deadline`; one line per command into `log`:
// op TAB domain TAB tag TAB status TAB first stderr line.
void worker(int id, const std::string& uri, const fs::path& scratch, const fs::path& log,
            std::chrono::steady_clock::time_point deadline) {
    std::mt19937 rng(static_cast<unsigned>(id * 7919 + ::getpid()));
    std::ofstream out(log);
    std::string cvirsh = (binDir() / "cvirsh").string();
    int seq = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        int dom = static_cast<int>(rng() % kDomains);
        std::string name = domainName(dom);
        unsigned pick = rng() % 100;
        std::string op, tag;
        std::vector<std::string> argv = {cvirsh, "-c", uri};
        if (pick < 25) {
            op = "define";
            tag = "v" + std::to_string(id) + "-" + std::to_string(seq++);
            fs::path file = scratch / ("w" + std::to_string(id) + ".xml");
            std::ofstream(file) << versionXml(name, tag);
            argv.insert(argv.end(), {"define", file.string()});
        } else if (pick < 55) {
            op = "start";
        } else if (pick < 80) {
            op = "destroy";
        } else if (pick < 92) {
            op = "undefine";
        } else if (pick < 96) {
            op = "list";
        } else {
            op = "dominfo";
        }
        if (op == "list")
            argv.insert(argv.end(), {"list", "--all"});
        else if (op != "define")
            argv.insert(argv.end(), {op, name});
        RunResult r = run(argv);
        // the cause: the last error line (a failed call prints what failed, then why)
        std::string err = r.err.substr(0, r.err.find_last_not_of('\n') + 1);
        err = err.substr(err.rfind('\n') == std::string::npos ? 0 : err.rfind('\n') + 1);
        out << op << '\t' << name << '\t' << tag << '\t' << r.status << '\t' << err << '\n';
        out.flush();
    }
}

struct Record {
    std::string op, domain, tag;
    int status = 0;
    std::string err;
};

}  // namespace

class ConcurrencyTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(ConcurrencyTest);
    CPPUNIT_TEST(shellsRacing);
    CPPUNIT_TEST_SUITE_END();

    TempDir* dir_ = nullptr;
    TempDir* scratch_ = nullptr;
    std::vector<pid_t> workers_;  // waited for by the test; killed by tearDown if it failed

    RunResult sh(std::vector<std::string> args) {
        std::vector<std::string> argv = {(binDir() / "cvirsh").string(), "-c", dir_->embedUri()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv);
    }
    // Container inits of `name`: pid 1 of their pid namespace (busybox sh runs `sleep` in a
    // forked child that keeps the same command line).
    std::vector<pid_t> initsOf(const std::string& name) {
        std::vector<pid_t> out;
        for (pid_t p : processesWith("sleep 1000; " + initMarker(name))) {
            std::string status = procText("/proc/" + std::to_string(p) + "/status");
            size_t at = status.find("NSpid:");
            if (at == std::string::npos) continue;
            std::string line = status.substr(at, status.find('\n', at) - at);
            if (line.size() >= 2 && line.substr(line.size() - 2) == "\t1") out.push_back(p);
        }
        return out;
    }
    std::vector<pid_t> controllersOf(const std::string& name) {
        return processesWith("cvirt-lxc-controller --uri " + dir_->embedUri() + " --name " + name +
                             " ");
    }

public:
    void setUp() override {
        dir_ = new TempDir;
        scratch_ = new TempDir;
        gRunRoot = dir_->path().string();
    }
    void tearDown() override {
        for (pid_t p : workers_) {
            ::kill(p, SIGKILL);
            ::waitpid(p, nullptr, 0);
        }
        workers_.clear();
        for (int i = 0; i < kDomains; ++i) {
            sh({"destroy", domainName(i)});
            sh({"undefine", domainName(i)});
        }
        delete scratch_;
        delete dir_;
    }

    void shellsRacing() {
        const int seconds = stressSeconds();
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        std::vector<pid_t>& workers = workers_;
        for (int w = 0; w < kWorkers; ++w) {
            pid_t p = ::fork();
            if (p == 0) {
                try {
                    worker(w, dir_->embedUri(), scratch_->path(),
                           scratch_->path() / ("w" + std::to_string(w) + ".log"), deadline);
                } catch (...) {
                    _exit(1);
                }
                _exit(0);
            }
            workers.push_back(p);
        }
        // Meanwhile: never two inits of one domain.
        std::vector<std::string> doubles;
        int samples = 0;
        while (std::chrono::steady_clock::now() < deadline) {
            ++samples;
            for (int i = 0; i < kDomains; ++i) {
                auto inits = initsOf(domainName(i));
                if (inits.size() > 1)
                    doubles.push_back(domainName(i) + ": " + std::to_string(inits.size()) +
                                      " inits");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        for (pid_t p : workers) {
            int st = 0;
            ::waitpid(p, &st, 0);
            CPPUNIT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        }
        workers.clear();

        // What every command said.
        std::vector<Record> records;
        for (int w = 0; w < kWorkers; ++w) {
            std::ifstream in(scratch_->path() / ("w" + std::to_string(w) + ".log"));
            for (std::string line; std::getline(in, line);) {
                std::istringstream f(line);
                Record r;
                std::string status;
                std::getline(f, r.op, '\t');
                std::getline(f, r.domain, '\t');
                std::getline(f, r.tag, '\t');
                std::getline(f, status, '\t');
                std::getline(f, r.err);
                r.status = std::atoi(status.c_str());
                records.push_back(r);
            }
        }
        std::map<std::string, std::map<std::string, int>> okByOp, refusedByOp;
        std::map<std::string, int> reasons;
        std::map<std::string, std::set<std::string>> versions;  // domain → tags defined
        std::vector<std::string> unexpected;
        int ok = 0;
        for (const auto& r : records) {
            if (r.op == "define") versions[r.domain].insert(r.tag);
            if (r.status == 0) {
                ++ok;
                ++okByOp[r.op][""];
                continue;
            }
            ++refusedByOp[r.op][""];
            if (r.status != 1 || r.err.rfind("error: ", 0) != 0 || r.err.size() <= 7) {
                unexpected.push_back(r.op + " " + r.domain + ": status " +
                                     std::to_string(r.status) + ": " + r.err);
                continue;
            }
            ++reasons[r.op + ": " + reasonOf(r.err)];
        }

        std::printf(
            "\nconcurrency: %d workers, %d domains, %d s: %zu commands, %d succeeded, "
            "%zu refused, %zu unexpected; %d samples of the processes\n",
            kWorkers, kDomains, seconds, records.size(), ok, records.size() - ok, unexpected.size(),
            samples);
        for (const char* op : {"define", "start", "destroy", "undefine", "list", "dominfo"})
            std::printf("  %-9s %6d ok %6d refused\n", op, okByOp[op][""], refusedByOp[op][""]);
        std::printf("refusals by reason:\n");
        for (const auto& [reason, n] : reasons)
            std::printf("  %6d  %s\n", n, reason.c_str());
        for (size_t i = 0; i < unexpected.size() && i < 20; ++i)
            std::printf("UNEXPECTED: %s\n", unexpected[i].c_str());
        for (size_t i = 0; i < doubles.size() && i < 20; ++i)
            std::printf("DOUBLE START: %s\n", doubles[i].c_str());
        std::fflush(stdout);

        // Now, at rest: processes, stored configs and the listing agree.
        RunResult list = sh({"list", "--all"});
        CPPUNIT_ASSERT_EQUAL_MESSAGE(list.err, 0, list.status);
        std::map<std::string, std::string> listed;  // name → state text
        {
            std::istringstream lines(list.out);
            for (std::string line; std::getline(lines, line);) {
                size_t at = line.find("cvirt-test-race");
                if (at == std::string::npos) continue;
                size_t end = line.find(' ', at);
                std::string state = line.substr(end);
                state = state.substr(state.find_first_not_of(' '));
                while (!state.empty() && state.back() == ' ')
                    state.pop_back();
                listed[line.substr(at, end - at)] = state;
            }
        }
        fs::path configDir = dir_->path() / "etc/cvirt/lxc";
        for (int i = 0; i < kDomains; ++i) {
            std::string name = domainName(i);
            auto inits = initsOf(name);
            auto controllers = controllersOf(name);
            CPPUNIT_ASSERT_MESSAGE(name, inits.size() <= 1);
            CPPUNIT_ASSERT_MESSAGE(name, controllers.size() <= 1);
            const bool isListed = listed.count(name) == 1;
            const std::string state = isListed ? listed.at(name) : "";
            bool running = state == "running";
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name + " listed '" + state + "'", running,
                                         inits.size() == 1);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name + " listed '" + state + "'", running,
                                         controllers.size() == 1);
            fs::path config = configDir / (name + ".xml");
            bool defined = fs::exists(config);
            CPPUNIT_ASSERT_EQUAL_MESSAGE(name + " listed '" + state + "'", defined || running,
                                         isListed);
            if (!defined) continue;
            conf::DomainDef def =
                conf::parseDomain(readText(config), {.filename = config.string()});
            CPPUNIT_ASSERT_MESSAGE(name + ": stored title '" + def.title + "' never written",
                                   versions[name].count(def.title) == 1);
            CPPUNIT_ASSERT_MESSAGE(name + ": description of another version",
                                   def.description == descriptionFor(def.title) ||
                                       def.description + " " == descriptionFor(def.title));
        }
        CPPUNIT_ASSERT_MESSAGE("double start", doubles.empty());
        CPPUNIT_ASSERT_MESSAGE("commands that failed without saying why", unexpected.empty());

        // Everything away: nothing of this root is left.
        for (int i = 0; i < kDomains; ++i) {
            std::string name = domainName(i);
            RunResult r = sh({"destroy", name});
            CPPUNIT_ASSERT_MESSAGE(r.err, r.status == 0 || has(r.err, "is not running") ||
                                              has(r.err, "failed to get domain"));
            r = sh({"undefine", name});
            CPPUNIT_ASSERT_MESSAGE(r.err, r.status == 0 || has(r.err, "failed to get domain"));
            CPPUNIT_ASSERT(initsOf(name).empty());
            CPPUNIT_ASSERT(controllersOf(name).empty());
        }
        CPPUNIT_ASSERT_MESSAGE(
            sh({"list", "--all", "--name"}).out,
            sh({"list", "--all", "--name"}).out.find_first_not_of('\n') == std::string::npos);
        const cgroup::HostLayout host = cgroup::detectHost();
        std::string tag = cgroup::leafName("", "lxc", dir_->path());
        for (const auto& h : host.hierarchies) {
            std::error_code ec;
            for (auto it = fs::recursive_directory_iterator(h.mount / "machine", ec);
                 !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
                CPPUNIT_ASSERT_MESSAGE(it->path().string(),
                                       it->path().string().find(tag) == std::string::npos);
        }
        for (const auto& e : fs::directory_iterator(dir_->path() / "run/cvirt/lxc")) {
            std::string n = e.path().filename().string();
            bool kept =
                n == "next-id" || n.ends_with(".reason") || n == "lock" || n.starts_with(".");
            CPPUNIT_ASSERT_MESSAGE("left in the run directory: " + n, kept);
        }
        for (const auto& e : fs::directory_iterator(configDir)) {
            std::string n = e.path().filename().string();
            CPPUNIT_ASSERT_MESSAGE("left in the config directory: " + n,
                                   n.starts_with(".") || n == "autostart");
        }
    }
};
CPPUNIT_TEST_SUITE_REGISTRATION(ConcurrencyTest);
