// SPDX-License-Identifier: GPL-3.0-or-later
// Time stamps along the start and stop paths, for the per-step profile of a start
// (bench/profile.cc, docs/PERFORMANCE.md "Where a start spends its time").
//
// Armed by one environment variable, read once per process:
//   CVIRT_STAMPS=FILE     every stamp appends "NANOSECONDS PID STEP\n" to FILE
// NANOSECONDS is CLOCK_MONOTONIC, shared by the shell, the controller and the container's
// child, so one file orders the steps of all three. The file is opened at the first stamp
// and kept open (close-on-exec: init never sees it); a container's child stamps through the
// descriptor it inherited from its controller, whatever root it pivoted into. Unset
// (production), a stamp costs one load of a cached value. The fault points (util/fault.h)
// stamp their names as well.
#pragma once

#include <string_view>

namespace cvirt::util {

// Appends this moment and `step` to $CVIRT_STAMPS, if set; else nothing. Never throws.
void stamp(std::string_view step) noexcept;

// Forgets the file's descriptor, as an exec would: for a forked child that closed it to run
// another program's code in place (controller/client.h). The next stamp opens it again.
void stampRestart() noexcept;

}  // namespace cvirt::util
