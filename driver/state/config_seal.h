// SPDX-License-Identifier: GPL-3.0-or-later
// The seal on a stored domain config: its first line is a comment carrying the FNV-1a digest
// of the rest. A config whose seal matches is one cvirt validated and wrote itself, so start
// reads it without the RelaxNG pass (2–6 ms); a config edited behind cvirt's back (or
// written before seals) is checked against the schema at each use, as a define would.
#pragma once

#include <string>
#include <string_view>

namespace cvirt::state {

// `xml` with the seal line before it; `name` is only for the comment's advice.
std::string sealConfig(std::string_view name, std::string_view xml);

// `file` without its seal line, when it has one (no digest computed: listings stay cheap).
std::string_view withoutSeal(std::string_view file);
// The seal is there and names the digest of what follows it (one pass over the file).
bool sealHolds(std::string_view file);

}  // namespace cvirt::state
