// SPDX-License-Identifier: GPL-3.0-or-later
// A controller started by fork alone (cvirt/controller_spawn.h): the detached child of a
// single-threaded caller runs the controller program's main in place, with what an exec of
// it would have given it: the same descriptors (spawn arranges them), default signal
// dispositions and an empty signal mask, the program's command line and name for ps and the
// tests that look for it, its own stamp file descriptor. /proc/PID/exe still names the
// caller's program (cvirsh), whose code is the controller's as well.
#pragma once

namespace cvirt::controller {

using ProgramMain = int (*)(int argc, char** argv);

// Whether a controller may be started by fork alone now: the program allowed it and this
// process runs one thread (/proc/self/stat).
bool inProcessAllowed();

// In the detached child, its signals reset and its descriptors arranged as the program's:
// runs `entry(argc, argv)` and _exits with its result, never returning into the caller's
// code. Returns only when ps could not be shown `argv` (no CAP_SYS_RESOURCE): exec then.
void runInProcess(ProgramMain entry, int argc, char** argv) noexcept;

}  // namespace cvirt::controller
