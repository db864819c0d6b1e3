// SPDX-License-Identifier: GPL-3.0-or-later
// cvirsh's own options, before the command (virsh: tools/virsh.c, virshParseArgv). One
// Boost.Program_options table serves parsing, `cvirsh --help` and the man page.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace cvirt::shell {

struct GlobalOptions {
    std::string uri;                     // -c; empty: the default URI
    bool quiet = false;                  // -q: no informational lines, no table headers
    bool readonly = false;               // -r: refuse every command that changes something
    bool timing = false;                 // -t: "(Time: N ms)" after each command
    int debugLevel = -1;                 // -d 0..4; -1: none
    std::string logFile;                 // -l
    char escape = 0x1d;                  // -e: the console's escape character (^])
    bool help = false;                   // -h
    std::optional<std::string> version;  // -v ("short"), -V / --version=long ("long")
    std::vector<std::string> command;    // the words after the options
};

const boost::program_options::options_description& globalOptionTable();

// Reads argv[1..] up to the first word that is not one of the options (or past `--`).
// Throws Error(InvalidArg) with virsh's wording ("unsupported option '-x'. See --help.").
// Warnings virsh prints and goes on after (a debug level out of range) go to `warn`.
GlobalOptions parseGlobalOptions(const std::vector<std::string>& args, std::ostream& warn);

}  // namespace cvirt::shell
