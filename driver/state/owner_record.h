// SPDX-License-Identifier: GPL-3.0-or-later
// <runDir>/<name>.owner: which controller owns a domain's kernel objects, and which objects.
// The controller writes it first thing, adds each object's name *before* it creates the
// object and removes the file last, once everything is gone. A controller killed anywhere in
// between (kill -9, crash) therefore leaves a record naming all it may have made: whoever
// finds the controller dead (RuntimeState, under the domain lock) removes those and then the
// record. Naming an object that was never made is harmless: removal of a missing cgroup or
// link is a no-op.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cvirt::state {

struct OwnerRecord {
    pid_t controller = 0;
    uint64_t controllerStart = 0;             // its start time (util/process_ref.h); 0: unknown
    std::string cgroupPartition, cgroupLeaf;  // empty until the controller creates one
    std::vector<std::string> links;           // host ends of veths, before creation

    bool operator==(const OwnerRecord&) const = default;
};

// One "key value" line each: "controller PID START" (read as "supervisor PID START" too),
// "cgroup-partition P", "cgroup-leaf L", "link NAME" (repeated). Unknown keys are skipped (a newer
// writer).
std::string formatOwnerRecord(const OwnerRecord& r);
OwnerRecord parseOwnerRecord(std::string_view text);

}  // namespace cvirt::state
