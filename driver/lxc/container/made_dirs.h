// SPDX-License-Identifier: GPL-3.0-or-later
// The directories a start makes in the container's root for its mount targets, removed
// again (deepest first) when the root cannot be set up, so a failed start leaves the root as
// it found it. Child side of clone(), before pivot_root.
#pragma once

#include <string>
#include <vector>

namespace cvirt::lxc {

class MadeDirs {
public:
    explicit MadeDirs(const std::string& root) : root_(root.empty() ? "/" : root) {}
    MadeDirs(const MadeDirs&) = delete;
    MadeDirs& operator=(const MadeDirs&) = delete;
    // Unless keep() was called: detaches what is mounted on each directory noted, then
    // removes it if empty. Never throws; what cannot be removed stays.
    ~MadeDirs();

    // Call before makeDirsInRoot(root, target): remembers which components of `target` are
    // not there yet. A target that passes through a symbolic link is not noted (its
    // directories are left rather than looked for through the link).
    void note(const std::string& target);
    // The root is set up: what was made stays.
    void keep() { kept_ = true; }

private:
    struct Made {
        std::vector<std::string> parts;  // the target's components
        size_t first = 0;                // parts[first..] did not exist
    };
    std::string root_;
    std::vector<Made> made_;
    bool kept_ = false;
};

}  // namespace cvirt::lxc
