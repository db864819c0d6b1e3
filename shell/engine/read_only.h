// SPDX-License-Identifier: GPL-3.0-or-later
// What `cvirsh -r` lets through. virsh's read-only connection refuses each changing call in
// the daemon; cvirt's connections are local, so the shell refuses the command before it
// runs, with virsh's words ("operation forbidden: read only access prevents …").
#pragma once

#include <string_view>

#include "engine/command.h"

namespace cvirt::shell {

// True for a command that only reads with these arguments (tuning commands read when no
// value is given). Commands that are not known to read are taken to change something.
bool onlyReads(const Command& cmd, const po::variables_map& args);

}  // namespace cvirt::shell
