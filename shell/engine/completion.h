// SPDX-License-Identifier: GPL-3.0-or-later
// Tab completion, for readline and for `cvirsh complete` (bash): command names first, then
// option names, then the values of the option the word fills — by that option's name, as
// virsh's per-option completers do: domain and network names from the live connection,
// file names where a command reads a file, directories for `cd`, command names for `help`.
#pragma once

#include <string>
#include <vector>

#include "engine/command.h"
#include "engine/session.h"

namespace cvirt::shell {

struct Completion {
    std::vector<std::string> words;
    bool files = false;  // the words are paths: a directory is to be completed into
};

// Completes the last of `words` (the command line so far, the partial word last).
Completion complete(Session& session, const std::vector<std::string>& words);

// The option of `cmd` that the last of `words` fills: the one named just before it
// (`--file <Tab>`), else the next positional not given by name; empty when none.
std::string optionBeingFilled(const Command& cmd, const std::vector<std::string>& words);

}  // namespace cvirt::shell
