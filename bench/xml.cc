// cvirt-bench-xml [SOURCE_DIR] [SECONDS]: throughput of parse (RelaxNG + build) + defaults +
// validate + format over the repository's example and fixture domains, on one core.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "conf/domain.h"
#include "conf/schema.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    fs::path src = argc > 1 ? fs::path(argv[1]) : fs::path(CVIRT_SOURCE_DIR);
    double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    std::vector<std::pair<std::string, std::string>> docs;
    for (const auto& dir : {src / "xml-examples", src / "tests/data/domain/good"})
        for (const auto& e : fs::directory_iterator(dir)) {
            std::string n = e.path().filename().string();
            if (!n.ends_with(".xml") || n.ends_with(".out.xml")) continue;
            std::ifstream in(e.path());
            std::stringstream ss;
            ss << in.rdbuf();
            docs.emplace_back(n, ss.str());
        }
    size_t bytes = 0;
    for (auto& d : docs) bytes += d.second.size();
    // Warm-up compiles the schema once, as every cvirsh process does.
    auto t0 = Clock::now();
    cvirt::conf::validateDomainSchema(docs[0].second, docs[0].first);
    double compileMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();

    Clock::duration schema{}, build{}, format{};
    size_t n = 0;
    auto start = Clock::now();
    while (Clock::now() - start < std::chrono::duration<double>(seconds)) {
        for (const auto& [name, text] : docs) {
            auto a = Clock::now();
            cvirt::conf::validateDomainSchema(text, name);
            auto b = Clock::now();
            auto def = cvirt::conf::parseDomain(text, {.filename = name, .validateSchema = false});
            cvirt::conf::applyDefaults(def);
            cvirt::conf::validate(def, name);
            auto c = Clock::now();
            std::string out = cvirt::conf::formatDomain(def);
            auto d = Clock::now();
            schema += b - a;
            build += c - b;
            format += d - c;
            ++n;
        }
    }
    double total = std::chrono::duration<double>(schema + build + format).count();
    auto pct = [&](Clock::duration x) { return 100.0 * std::chrono::duration<double>(x).count() / total; };
    std::printf("documents: %zu (mean %zu bytes), schema compile: %.2f ms (once per process)\n",
                docs.size(), bytes / docs.size(), compileMs);
    std::printf("parse+validate+format: %.0f domains/s, %.1f us/domain (target >= 5000/s)\n",
                n / total, 1e6 * total / n);
    std::printf("  schema validation %.0f%%, build+defaults+checks %.0f%%, format %.0f%%\n",
                pct(schema), pct(build), pct(format));
    return 0;
}
