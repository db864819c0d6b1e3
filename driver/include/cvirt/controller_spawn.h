// SPDX-License-Identifier: GPL-3.0-or-later
// How this process starts a container's controller (the one process per running container
// that supervises it). By default the controller is a program of its own, started by fork
// and exec. A program that starts domains from one thread and then exits (cvirsh) may let
// the driver start it by fork alone: the detached child runs the controller's code in place
// of the caller's, with the same descriptors, signal state, command line and process name an
// exec'd one gets, and skips the exec of the controller's program (~0.9 ms here).
#pragma once

#include "cvirt/export.h"

namespace cvirt {

// Checked again at every start: a process with more than one thread at that moment, or a
// controller program named by $CVIRT_LXC_CONTROLLER, still gets fork and exec. Off unless a
// program turns it on; libcvirt.so's other users (cvirtd) keep fork and exec.
CVIRT_API void forkControllersInProcess(bool enable = true) noexcept;

}  // namespace cvirt
