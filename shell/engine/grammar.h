// SPDX-License-Identifier: GPL-3.0-or-later
// virsh's command grammar over a command's Boost option table (virsh: tools/vsh.c,
// vshCommandParse). Boost.Program_options describes the options and converts the values;
// the words are read the way virsh reads them:
//  - `--name value` and `--name=value`; a flag given a value is an error;
//  - other words ("data") fill the positional options in order, skipping those already
//    given by name; the last positional may take every remaining word (an argument vector);
//  - a word that begins with a single dash is data, and after `--` every word is;
//  - an option may be given once, except one that collects a list;
//  - `--help` anywhere asks for the command's help.
#pragma once

#include <string>
#include <vector>

#include "engine/command.h"

namespace cvirt::shell {

struct ParsedCommand {
    po::variables_map args;
    bool help = false;  // `--help` was given: print the command's help instead of running it
};

// Throws Error(InvalidArg) with virsh's message ("command 'X' doesn't support option --y",
// "option --y already seen", "expected syntax: --y <string>", "unexpected data 'w'",
// "command 'X' requires <y> option").
ParsedCommand parseCommand(const Command& cmd, const std::vector<std::string>& words);

// The options that data fills, in order (the command's positional description).
std::vector<std::string> positionalNames(const po::positional_options_description& pos);
// Whether the last positional takes every remaining word.
bool takesArgv(const po::positional_options_description& pos);

}  // namespace cvirt::shell
