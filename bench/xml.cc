// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-bench-xml [SOURCE_DIR] [SECONDS]: throughput of the domain XML pipeline that `define`
// runs on user input — parseDomain (RelaxNG validation, then build) + applyDefaults +
// validate + formatDomain — on one thread, over every xml-examples/*.xml and
// tests/data/domain/good/*.xml (not *.out.xml) whose root element is <domain> (the examples
// also hold <network> documents, which `net-define` reads). A benchmark: it asserts nothing.
//
// Two timed phases of at least SECONDS each (default 2):
//   1. the real calls back to back, one clock read per pass over the set: the headline;
//   2. the same work split into stages, each timed: schema validation (libxml2 RelaxNG),
//      build (pugixml parse + model + defaults + semantic checks), format.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "conf/domain.h"
#include "conf/schema.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTargetPerSecond = 5000;

struct Document {
    std::string name;  // relative to the source dir, named in errors
    std::string text;
};

// The name of the first element, past the prolog and comments ("" when there is none).
std::string rootElement(const std::string& text) {
    size_t at = 0;
    while ((at = text.find('<', at)) != std::string::npos) {
        if (text.compare(at, 4, "<!--") == 0) {
            at = text.find("-->", at);
            if (at == std::string::npos) return "";
        } else if (text.compare(at, 2, "<?") == 0 || text.compare(at, 2, "<!") == 0) {
            ++at;
        } else {
            size_t end = text.find_first_of(" \t\r\n/>", at + 1);
            return text.substr(at + 1, end == std::string::npos ? end : end - at - 1);
        }
    }
    return "";
}

bool hasDocuments(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "xml-examples", ec) &&
           fs::is_directory(dir / "tests/data/domain/good", ec);
}

// The argument, else the source tree above the binary (build/bin/..), else the tree this
// binary was configured from.
fs::path findSourceDir(int argc, char** argv) {
    if (argc > 1) return argv[1];
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        for (fs::path dir = exe.parent_path(); dir.has_relative_path(); dir = dir.parent_path())
            if (hasDocuments(dir)) return dir;
    return CVIRT_SOURCE_DIR;
}

std::vector<Document> readDocuments(const fs::path& src, std::vector<std::string>& skipped) {
    std::vector<Document> docs;
    for (const char* sub : {"xml-examples", "tests/data/domain/good"}) {
        std::vector<fs::path> paths;
        for (const auto& entry : fs::directory_iterator(src / sub)) {
            std::string n = entry.path().filename().string();
            if (entry.is_regular_file() && n.ends_with(".xml") && !n.ends_with(".out.xml"))
                paths.push_back(entry.path());
        }
        std::sort(paths.begin(), paths.end());
        for (const auto& p : paths) {
            std::ifstream in(p, std::ios::binary);
            std::stringstream ss;
            ss << in.rdbuf();
            std::string name = std::string(sub) + "/" + p.filename().string();
            if (rootElement(ss.str()) == "domain")
                docs.push_back({name, ss.str()});
            else
                skipped.push_back(name);
        }
    }
    return docs;
}

double cpuSeconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
    namespace conf = cvirt::conf;
    const fs::path src = findSourceDir(argc, argv);
    const double minSeconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    if (!hasDocuments(src)) {
        std::fprintf(stderr,
                     "cvirt-bench-xml: no xml-examples/ and tests/data/domain/good/ in '%s'\n",
                     src.c_str());
        return 2;
    }
    std::vector<std::string> skipped;
    const std::vector<Document> docs = readDocuments(src, skipped);
    if (docs.empty()) {
        std::fprintf(stderr, "cvirt-bench-xml: no documents under '%s'\n", src.c_str());
        return 2;
    }
    size_t bytes = 0;
    for (const auto& d : docs)
        bytes += d.text.size();

    // Every document once, untimed except the first call (which compiles the schema, as
    // every cvirsh process does once); a failure here means the pipeline is not ready.
    double compileMs = 0;
    for (const auto& d : docs) {
        try {
            if (&d == &docs.front()) {
                auto t0 = Clock::now();
                conf::validateDomainSchema(d.text, d.name);
                compileMs = 1e3 * seconds(Clock::now() - t0);
            }
            conf::DomainDef def = conf::parseDomain(d.text, {.filename = d.name});
            conf::applyDefaults(def);
            conf::validate(def, d.name);
            (void)conf::formatDomain(def);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cvirt-bench-xml: %s: %s\n", d.name.c_str(), e.what());
            return 1;
        }
    }

    // Phase 1: the real calls, whole passes over the set.
    size_t sink = 0, n = 0;
    const auto deadline = std::chrono::duration<double>(minSeconds);
    double cpu0 = cpuSeconds();
    auto start = Clock::now();
    while (Clock::now() - start < deadline) {
        for (const auto& d : docs) {
            conf::DomainDef def = conf::parseDomain(d.text, {.filename = d.name});
            conf::applyDefaults(def);
            conf::validate(def, d.name);
            sink += conf::formatDomain(def).size();
        }
        n += docs.size();
    }
    const double wall = seconds(Clock::now() - start);
    const double cpu = cpuSeconds() - cpu0;

    // Phase 2: the same work in timed stages. parseDomain without the schema pass is the
    // build stage (it still refuses unsafe DOCTYPEs, as the schema path does).
    Clock::duration schema{}, build{}, format{};
    size_t n2 = 0;
    start = Clock::now();
    while (Clock::now() - start < deadline) {
        for (const auto& d : docs) {
            auto a = Clock::now();
            conf::validateDomainSchema(d.text, d.name);
            auto b = Clock::now();
            conf::DomainDef def =
                conf::parseDomain(d.text, {.filename = d.name, .validateSchema = false});
            conf::applyDefaults(def);
            conf::validate(def, d.name);
            auto c = Clock::now();
            sink += conf::formatDomain(def).size();
            auto e = Clock::now();
            schema += b - a;
            build += c - b;
            format += e - c;
        }
        n2 += docs.size();
    }
    const double staged = seconds(schema + build + format);
    auto share = [&](Clock::duration x) { return 100.0 * seconds(x) / staged; };
    auto perDoc = [&](Clock::duration x) { return 1e6 * seconds(x) / static_cast<double>(n2); };

    const double rate = static_cast<double>(n) / wall;
    std::printf(
        "documents: %zu from %s (mean %zu bytes); schema compile %.2f ms, once per process\n",
        docs.size(), src.c_str(), bytes / docs.size(), compileMs);
    if (!skipped.empty()) {
        std::printf("not domain documents, left out:");
        for (const auto& name : skipped)
            std::printf(" %s", name.c_str());
        std::printf("\n");
    }
    std::printf("%-34s %10.0f domains/s  %7.1f us/domain   target >= %.0f/s  %s\n",
                "parse+defaults+validate+format", rate, 1e6 * wall / static_cast<double>(n),
                kTargetPerSecond, rate >= kTargetPerSecond ? "PASS" : "MISS");
    std::printf("%-34s %10.0f domains/s  (%zu domains in %.2f s wall, %.2f s cpu)\n",
                "  per cpu-second of this process", static_cast<double>(n) / cpu, n, wall, cpu);
    std::printf("stages (%zu domains timed separately):\n", n2);
    std::printf("  schema validation (RelaxNG)       %5.1f us  %3.0f%%\n", perDoc(schema),
                share(schema));
    std::printf("  build (parse, defaults, checks)   %5.1f us  %3.0f%%\n", perDoc(build),
                share(build));
    std::printf("  format                            %5.1f us  %3.0f%%\n", perDoc(format),
                share(format));
    return sink == 0;  // keeps the output alive; never 0 after a pass
}
