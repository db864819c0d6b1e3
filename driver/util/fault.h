// SPDX-License-Identifier: GPL-3.0-or-later
// TEST ONLY: named fault-injection points on the start and stop paths (leveldb's
// db/fault_injection_test.cc idea), so tests can prove that a shell or a controller dying, or
// a step failing, anywhere in between leaves a state the next command repairs.
//
// Armed by one environment variable, read once per process:
//   CVIRT_TEST_FAULT=<point>:<action>       e.g. start:ctl-cgroup-created:kill
// actions:
//   kill   SIGKILL the process that reaches the point (the shell or the controller: the
//          point's name says which; controllers inherit the shell's environment)
//   fail   throw Error(OperationFailed, "fault injected at '<point>'") there; ignored by
//          killPoint(), which sits where nothing may throw (teardown)
// Unset (production), a point costs one load of a cached pointer. The names, in the order a
// start or a stop passes them, are the table of tests/integration/fault_test.cc, which checks
// it against the calls in driver/ and runs every point with every action.
#pragma once

namespace cvirt::util::fault {

// Kills this process or throws, if CVIRT_TEST_FAULT names `name`; else nothing.
void point(const char* name);
// The same where throwing is not allowed: `fail` is ignored, only `kill` acts.
void killPoint(const char* name) noexcept;

}  // namespace cvirt::util::fault
