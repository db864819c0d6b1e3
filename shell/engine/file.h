// SPDX-License-Identifier: GPL-3.0-or-later
// The files a command names (define FILE, net-define FILE, attach-device FILE, …) and edit's
// copy of the XML: whole-file reads and writes. Errors are cvirt::Error(SystemError) naming
// the path, as the driver's are.
#pragma once

#include <string>
#include <string_view>

namespace cvirt::shell {

std::string readFile(const std::string& path);
// Creates or truncates `path` (an existing file keeps its mode).
void writeFile(const std::string& path, std::string_view data);

}  // namespace cvirt::shell
