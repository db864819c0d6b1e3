// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's size units (b, bytes, k, KB, KiB, M, MB, MiB, … EiB), shared by the XML parser
// and the shell's scaled options (setmem 512M, memtune --hard-limit 1G).
#pragma once

#include <cstdint>
#include <string_view>

#include "cvirt/export.h"

namespace cvirt {

// Bytes per unit, case-insensitive; "k"/"KiB" = 1024, "KB" = 1000. 0 when unknown.
CVIRT_API uint64_t unitScale(std::string_view unit);

// "N" or "N<unit>" → KiB rounded up; a bare number is in `defaultUnit`. Throws
// Error(InvalidArg) naming the text on a bad number, an unknown unit or an overflow.
CVIRT_API uint64_t scaledToKiB(std::string_view text, std::string_view defaultUnit = "KiB");

}  // namespace cvirt
