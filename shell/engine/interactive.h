// The interactive loop: readline prompt, history in ~/.cvirsh_history, Tab completion of
// commands, options and domain names. Without a terminal, reads commands from stdin.
#pragma once

#include "engine/session.h"

namespace cvirt::shell {

int runInteractive(Session& session);

// Completion candidates for the word at `wordIndex` of `words` (the partial word last):
// command names, then option names, then domain names. Used by readline and by tests.
std::vector<std::string> completions(Session& session, const std::vector<std::string>& words);

}  // namespace cvirt::shell
