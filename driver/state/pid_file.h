// SPDX-License-Identifier: GPL-3.0-or-later
// <runDir>/<name>.pid, written by a domain's controller once its guest (init, qemu) runs:
//   "<controller pid> <guest pid>\n<controller start time> <guest start time>\n<domain id>\n"
// The start times (util/process_ref.h) tell a process that still runs from another one the
// kernel gave the same pid after it ended. A file without the second line (an older
// controller) names the processes by pid alone. The id is the live XML's, there for a listing
// that would otherwise open the live XML for it alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/process_ref.h"

namespace cvirt::state {

struct PidFile {
    util::ProcessRef controller, guest;
    int id = 0;  // the domain's id (third line); 0 in a file from before it was written there
};

std::string formatPidFile(const PidFile& f);
// nullopt when the first line holds no controller pid.
std::optional<PidFile> parsePidFile(std::string_view text);

}  // namespace cvirt::state
