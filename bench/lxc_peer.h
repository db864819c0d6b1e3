// SPDX-License-Identifier: GPL-3.0-or-later
// LXC as the benchmarks' peer: its containers' configs and the cgroups they leave.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace cvirt::bench {

inline bool have(const std::string& tool) {
    return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// lxcpath/NAME/config. Cgroups go to PREFIX+NAME{,.mon} and the monitor's pivot to
// PREFIX+pivot (LXC's defaults are lxc.payload.NAME, lxc.monitor.NAME, lxc.pivot).
inline void writeLxcConfig(const std::filesystem::path& lxcpath, const std::string& name,
                           const std::string& rootfs, const std::string& init,
                           const std::string& net,
                           const std::string& cgroupPrefix = "cvirt-bench-lxc-") {
    std::filesystem::create_directories(lxcpath / name);
    std::ofstream(lxcpath / name / "config")
        << "lxc.include = /usr/share/lxc/config/common.conf\n"
        << "lxc.uts.name = " << name << "\nlxc.rootfs.path = dir:" << rootfs << "\n"
        << net << "lxc.cgroup.memory.limit_in_bytes = 64M\nlxc.init.cmd = " << init << "\n"
        << "lxc.cgroup.dir.container = " << cgroupPrefix << name << "\n"
        << "lxc.cgroup.dir.monitor = " << cgroupPrefix << name << ".mon\n"
        << "lxc.cgroup.dir.monitor.pivot = " << cgroupPrefix << "pivot\n";
}

// Every cgroup named PREFIX* in each hierarchy, children first (LXC makes PIVOT/lxc.pivot;
// it holds the last monitor until that exits). False if some are left after a second.
inline bool removeLxcCgroups(const std::string& cgroupPrefix = "cvirt-bench-lxc-") {
    namespace fs = std::filesystem;
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::error_code ec;
        std::vector<fs::path> dirs;
        for (const auto& h : fs::directory_iterator("/sys/fs/cgroup", ec))
            for (const auto& d : fs::directory_iterator(h.path(), ec))
                if (d.is_directory() && d.path().filename().string().starts_with(cgroupPrefix)) {
                    dirs.push_back(d.path());
                    for (const auto& sub : fs::recursive_directory_iterator(d.path(), ec))
                        if (sub.is_directory()) dirs.push_back(sub.path());
                }
        std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
            return a.native().size() > b.native().size();
        });
        bool left = false;
        for (const auto& d : dirs)
            if (::rmdir(d.c_str()) < 0 && errno != ENOENT) left = true;
        if (!left) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::fprintf(stderr, "could not remove every %s* cgroup\n", cgroupPrefix.c_str());
    return false;
}

}  // namespace cvirt::bench
