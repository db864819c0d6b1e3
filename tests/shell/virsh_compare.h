// SPDX-License-Identifier: GPL-3.0-or-later
// The shell tests' one check against virsh: cvirsh (one-shot, on the embed root `uri`) prints
// `out` and `err` and exits `status` for `args`; virsh's test driver (`virsh -c
// test:///default`), when virsh is installed, does the same.
#pragma once

#include <cppunit/extensions/HelperMacros.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace cvirt::testenv {

inline void expectLikeVirsh(const std::string& uri, const std::vector<std::string>& args,
                            int status, const std::string& out, const std::string& err) {
    std::string words;
    for (const auto& a : args)
        words += " " + a;
    auto check = [&](const std::string& who, std::vector<std::string> argv) {
        argv.insert(argv.end(), args.begin(), args.end());
        RunResult r = run(argv);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(who + words + ": " + r.err, status, r.status);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(who + words, out, r.out);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(who + words, err, r.err);
    };
    check("cvirsh", {(binDir() / "cvirsh").string(), "-c", uri});
    const char* virsh = "/usr/bin/virsh";
    if (::access(virsh, X_OK) == 0) check("virsh", {virsh, "-c", "test:///default"});
}

}  // namespace cvirt::testenv
