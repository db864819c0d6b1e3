// SPDX-License-Identifier: GPL-3.0-or-later
// Helper programs: where cvirt's own live, and running one with input and captured output.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace cvirt::util {

// `name` next to the running binary, in the build tree or in libexec; $ENV_VAR overrides.
// Throws naming the variable when none is found.
std::string helperPath(const std::string& name, const char* envVar);

// Waits for the child `pid` (EINTR retried) and returns its exit code, 128 + the signal that
// ended it, or 255 when it cannot be waited for.
int waitExitStatus(pid_t pid) noexcept;

// In a child between fork and exec (async-signal-safe): default dispositions and nothing
// blocked, as a program started from a shell expects. Ignored signals and the signal mask
// survive exec: a controller ignores SIGPIPE and SIGHUP, cvirtd blocks SIGTERM and SIGINT
// for its signalfd, and neither may reach a container's init or dnsmasq.
void resetSignalsForExec() noexcept;

struct ProcessOptions {
    std::string_view input;  // written to the child's stdin, which is then closed
    long timeoutMs = 0;      // 0: wait as long as it takes
};

struct ProcessResult {
    int status = -1;        // exit code; 128 + signal when killed
    int termSignal = 0;     // the signal that ended it; 0 when it exited
    bool timedOut = false;  // the deadline passed: its process group was killed (SIGKILL)
    std::string out, err;
};

// Runs argv (argv[0] a path or a name found on $PATH) in a process group of its own, with
// default signal dispositions, and waits for it. Input is written and both outputs are read
// in one poll loop: a child that never reads its stdin, or exits before reading all of it,
// neither blocks the caller nor raises SIGPIPE in it. Output is collected until the child
// exits; what a process it left behind writes later is not waited for. At the deadline the
// whole group is killed and the result says so. Throws only when the child cannot be made.
// Name the type at the call, `runProcess(argv, ProcessOptions{.timeoutMs = 500})`: GCC finds a
// bare designated list ambiguous with the string overload.
ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& opts);
inline ProcessResult runProcess(const std::vector<std::string>& argv,
                                const std::string& input = {}) {
    return runProcess(argv, ProcessOptions{.input = input});
}

}  // namespace cvirt::util
