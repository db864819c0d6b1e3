// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-host-validate [lxc|qemu]: checks the host for what cvirt's drivers need and prints
// PASS/WARN/FAIL lines with a fix for each problem. Exit status 1 when any check fails.
#include <iostream>
#include <string>

#include "host/validate.h"

int main(int argc, char** argv) {
    std::string only = argc > 1 ? argv[1] : "";
    if (only == "-h" || only == "--help" || (!only.empty() && only != "lxc" && only != "qemu")) {
        std::cerr << "usage: cvirt-host-validate [lxc|qemu]\n";
        return only == "-h" || only == "--help" ? 0 : 2;
    }
    using namespace cvirt::host;
    std::vector<CheckResult> results = evaluate(gatherFacts());
    if (!only.empty()) {
        std::string driver = only == "lxc" ? "LXC" : "QEMU";
        std::erase_if(results, [&](const CheckResult& r) { return r.driver != driver; });
    }
    std::cout << formatResults(results);
    for (const auto& r : results)
        if (r.verdict == Verdict::Fail) return 1;
    return 0;
}
