// SPDX-License-Identifier: GPL-3.0-or-later
// From a command line to a handler: quoting, ';' separation, option parsing, errors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/command.h"
#include "engine/session.h"

namespace cvirt::shell {

// Splits like virsh: whitespace separates, '…' and "…" quote, backslash escapes, and an
// unquoted ';' ends a command. Throws Error(InvalidArg) on an unterminated quote.
std::vector<std::vector<std::string>> splitCommands(std::string_view line);

// Runs one command (argv[0] is its name). Prints "error: …" for failures; returns the exit
// status (0 ok, 1 error).
int runCommand(Session& session, const std::vector<std::string>& argv);
// Runs every ';'-separated command of `line`; the status of the last one, as virsh's.
int runLine(Session& session, std::string_view line);

// The closest command name within a small edit distance, for "did you mean".
std::string suggestCommand(std::string_view typed);

void printHelp(Session& session, std::string_view topic);
// "name <domain> [--opt <opt>]…", as help and the man page show it.
std::string synopsis(const Command& cmd);

}  // namespace cvirt::shell
