// SPDX-License-Identifier: GPL-3.0-or-later
// Where an installed cvirt's files are: the prefix above the running program's bin/ (or
// sbin/), and the prefix above the directory libcvirt.so was loaded from when the driver runs
// as that shared library (a client program may live anywhere).
#pragma once

#include <filesystem>
#include <vector>

namespace cvirt::util {

// PREFIX of PREFIX/bin/program, then PREFIX of PREFIX/lib/libcvirt.so.0 (when shared).
std::vector<std::filesystem::path> installPrefixes();

}  // namespace cvirt::util
