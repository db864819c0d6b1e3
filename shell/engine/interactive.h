// SPDX-License-Identifier: GPL-3.0-or-later
// The interactive loop: readline prompt, history as virsh keeps it (~/.cache/cvirsh/history,
// $CVIRSH_HISTSIZE lines), Tab completion (engine/completion.h). Without a terminal, reads
// commands from stdin.
#pragma once

#include "engine/session.h"

namespace cvirt::shell {

int runInteractive(Session& session);

}  // namespace cvirt::shell
