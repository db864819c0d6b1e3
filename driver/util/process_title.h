// SPDX-License-Identifier: GPL-3.0-or-later
// What ps shows for a process that runs another program's code without exec'ing it (a
// controller forked from cvirsh, controller/client.h): the command line and name that
// program would have.
#pragma once

namespace cvirt::util {

// Points /proc/self/cmdline at a copy of `argv` (nullptr-terminated) and sets the process
// name (comm) to argv[0]'s last component, as exec(argv[0]) would. False when the kernel
// refused the command line (PR_SET_MM needs CAP_SYS_RESOURCE); the name may be set then.
// For a single-threaded process (it changes the process's memory map fields); never throws.
bool setProcessTitle(const char* const* argv) noexcept;

// Fields `first` … `first + count - 1` of /proc/self/stat, numbered as proc(5) does (from 1;
// 3 is the state), as numbers; false when it cannot be read.
bool selfStatFields(int first, int count, unsigned long* out) noexcept;

}  // namespace cvirt::util
