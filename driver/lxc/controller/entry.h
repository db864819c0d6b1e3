// SPDX-License-Identifier: GPL-3.0-or-later
// The whole of cvirt-lxc-controller (see controller.h): what its main() runs, and what a
// detached child of a single-threaded cvirsh runs in place, without exec (controller/client.h).
#pragma once

namespace cvirt::lxc {

// argv as cvirt-lxc-controller takes it (--uri URI --name NAME --id N --ready-fd FD, the
// domain XML on stdin); returns the exit code.
int controllerMain(int argc, char** argv);

}  // namespace cvirt::lxc
