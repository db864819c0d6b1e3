// SPDX-License-Identifier: GPL-3.0-or-later
// <runDir>/<name>.pid, written by a domain's controller once its guest (init, qemu) runs:
//   "<controller pid> <guest pid>\n<controller start time> <guest start time>\n"
// The start times (util/process_ref.h) tell a process that still runs from another one the
// kernel gave the same pid after it ended. A file without the second line (an older
// controller) names the processes by pid alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/process_ref.h"

namespace cvirt::state {

struct PidFile {
    util::ProcessRef controller, guest;
};

std::string formatPidFile(const PidFile& f);
// nullopt when the first line holds no controller pid.
std::optional<PidFile> parsePidFile(std::string_view text);

}  // namespace cvirt::state
