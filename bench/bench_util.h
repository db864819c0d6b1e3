// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the benchmark programs: durations, medians, memory, temp roots.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>  // environ

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "state/pid_file.h"

namespace cvirt::bench {

using Clock = std::chrono::steady_clock;

inline double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}
inline double us(Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}
inline double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// The last non-empty line of a file (a tool's stderr: tools print their reason last).
inline std::string lastLine(const std::string& path) {
    std::ifstream in(path);
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty()) last = line;
    return last;
}

// Runs argv (looked up on PATH) with stdin and stdout on /dev/null and stderr into `errFile`;
// its exit code, -1 when it did not exit normally or could not be spawned.
inline int run(const std::vector<std::string>& argv, const std::string& errFile = "/dev/null") {
    std::vector<char*> a;
    for (const auto& s : argv)
        a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, a[0], &fa, nullptr, a.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// Waits (up to 10 s) until the controller of the transient domain `name` has exited: it
// removes everything it made first. Returns at once when its pid file is already gone.
inline void waitControllerGone(const std::filesystem::path& runDir, const std::string& name) {
    std::ifstream in(runDir / (name + ".pid"));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto pids = state::parsePidFile(text)) pids->controller.waitGone(10000);
}

// Proportional set size of a process (/proc/PID/smaps_rollup), -1 when it is gone.
inline long pssKiB(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pss:", 0) == 0) return std::stol(line.substr(4));
    return -1;
}

// A fresh directory for an embed root under $TMPDIR (default /tmp). The root holds run/
// (live state): TMPDIR=/dev/shm puts it on a tmpfs, as a real host's /run is.
inline std::string tempRoot() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") + "/cvirt-bench-XXXXXX";
    if (!mkdtemp(tmpl.data())) std::abort();
    return tmpl;
}

}  // namespace cvirt::bench
