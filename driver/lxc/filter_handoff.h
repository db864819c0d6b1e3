// SPDX-License-Identifier: GPL-3.0-or-later
// The seccomp program of a container, handed from its controller to the container's child.
// libseccomp takes most of a millisecond to compile it: the controller does that on a thread
// of its own while the child builds the root, and writes the program into this mapping
// (shared, anonymous, made before clone) before the message that lets the child go on past
// its root; the child reads it after that message and loads it last before exec, as before.
// Nothing of the container runs while the mapping is in its address space: execve drops it.
#pragma once

#include <linux/filter.h>

#include <optional>
#include <vector>

namespace cvirt::lxc {

class FilterHandoff {
public:
    FilterHandoff();  // throws when the mapping cannot be made
    ~FilterHandoff();
    FilterHandoff(const FilterHandoff&) = delete;
    FilterHandoff& operator=(const FilterHandoff&) = delete;

    // The controller's side, once: the program (none: the container runs without a filter).
    // Throws when it is longer than the kernel takes.
    void put(const std::optional<std::vector<sock_filter>>& program);
    // The child's side, after the controller's go-ahead: what put() wrote. Throws when
    // nothing was put (a controller that let the child go on too early).
    std::optional<std::vector<sock_filter>> take() const;

private:
    struct Block;
    Block* block_ = nullptr;
};

}  // namespace cvirt::lxc
