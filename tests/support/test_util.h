// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by tests: source paths, temp dirs, running cvirsh, skipping with a reason.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cvirt::testenv {

namespace fs = std::filesystem;

// A test file may define this (weak default: no prerequisite) to skip its whole binary.
std::optional<std::string> missingPrerequisite();
// Prints "SKIP: <reason>" and returns 77 (CTest SKIP_RETURN_CODE).
int skip(const std::string& reason);
// One case (or part of one) cannot run here: prints "SKIP (part): <reason>" and counts it, so
// the binary's closing line reports it as skipped rather than passed. The caller returns.
void skipCase(const std::string& reason);
int casesSkipped();

// fork(), tried again while the kernel says EAGAIN (a machine short of pids for a moment);
// -1 with errno set when it still fails. Never hand -1 to waitpid: that waits for any child.
pid_t forkChild();
// Held from creating a child's pipes until the parent has closed the child's ends of them. A
// child that another thread forks meanwhile and that does not exec (execCapture's) would keep
// a copy of those ends open as long as it lives, and the reader would wait for it: a 30 s
// command's child held a concurrent `ps` call for 30 s (stop_race_test's flake, issue 15).
std::unique_lock<std::mutex> pipeLock();

// In a forked child: execv(argv[0], argv), or _exit(127) when that fails.
[[noreturn]] void execArgv(const std::vector<std::string>& argv);

fs::path sourceDir();  // repository root
fs::path binDir();     // build/bin
std::string readText(const fs::path& p);
// A /proc file of a process that may exit meanwhile: "" then (iostreams would throw on ESRCH).
std::string procText(const fs::path& file);
std::vector<fs::path> filesIn(const fs::path& dir, const std::string& ext);  // sorted
// The domain documents of xml-examples/ (root element <domain>), sorted: the others there are
// network, pool, volume and snapshot documents, which examples_test defines each its way.
std::vector<fs::path> domainExamples();

// A fresh directory under $TMPDIR, removed (recursively) by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    std::string embedUri(const std::string& driver = "lxc") const;  // DRIVER:///embed?root=…

private:
    fs::path path_;
};

struct RunResult {
    int status = -1;  // exit status
    std::string out, err;
};
// Runs argv (argv[0] is a path), with `input` on stdin; captures stdout and stderr.
RunResult run(const std::vector<std::string>& argv, const std::string& input = {},
              const std::vector<std::string>& extraEnv = {});

// Whether `part` occurs in `text`.
inline bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// stdout of `sh -c cmd`, trailing newlines removed.
std::string shell(const std::string& cmd);

}  // namespace cvirt::testenv
