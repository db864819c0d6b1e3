// SPDX-License-Identifier: GPL-3.0-or-later
// The rules an image import (vol-import) holds archive members to, pure so they are tested
// alone: a member's path stays below the volume's root, a link's target too. The extraction
// itself (libarchive) is in storage/import/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cvirt::storage {

// Member path `name` ("./usr/bin/", "etc/passwd") as its components below the volume's root
// ("." and empty components dropped; {} is the root itself). Throws Error(InvalidArg) naming
// the member for an absolute path or a ".." component.
std::vector<std::string> memberPath(std::string_view name);

// Whether a symbolic link at `link` (components, as memberPath gives) with target `target`
// resolves inside the volume: an absolute target is the container's view, taken from the
// volume's root; a relative one from the link's directory; neither may climb above the root.
bool linkStaysInside(const std::vector<std::string>& link, std::string_view target);

// OCI whiteouts (image-spec layer.md): ".wh..wh..opq" makes its directory opaque; ".wh.NAME"
// deletes NAME.
inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";

}  // namespace cvirt::storage
