// SPDX-License-Identifier: GPL-3.0-or-later
// Domain ids. One counter per root, shared by every domain driver of it (lxc, qemu): an id
// names one running domain of the root, container or VM, for as long as the host runs
// (the counter lives under <root>/run/cvirt, which a boot empties, as libvirt's ids restart).
#pragma once

#include <filesystem>

#include "state/uri.h"

namespace cvirt::state {

// The directory that holds the drivers' run directories: <root>/run/cvirt.
std::filesystem::path runBase(const DriverPaths& paths);

// The next id of the root whose run directories are below `runBase` (1, 2, …): read and
// advanced under an exclusive flock of <runBase>/.id.lock, so concurrent starts in any
// process, of either kind, never get the same id. A root whose shared counter does not exist
// yet continues after the largest one its drivers kept on their own (<runBase>/DRIVER/next-id,
// before the counter was shared), so ids still running keep theirs alone. Throws
// SystemError naming the file that cannot be locked, read or written.
int allocateDomainId(const std::filesystem::path& runBase);

// Gives `id` back when it is still the last one given (a start withdrawn before its
// controller got the domain, api/lifecycle.cc): the next start gets it, as if never taken.
// Once another start took one after it, the gap stays, as after any failed start. Never
// throws.
void releaseDomainId(const std::filesystem::path& runBase, int id) noexcept;

}  // namespace cvirt::state
