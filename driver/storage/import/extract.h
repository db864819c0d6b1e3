// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-vol-import's extraction: one archive (a rootfs tar or an image layer, any compression
// libarchive reads) into a directory, member by member under storage/archive_path.h's rules.
// Directories are walked from the root one component at a time without following links, so
// no member reaches outside through a link an earlier member made. Throws cvirt::Error
// naming the member at the first refusal (absolute path, '..', a link leaving the root, a
// device node, a truncated or corrupt stream); what was extracted until then is left for the
// caller, which removes the whole directory.
#pragma once

#include <string>
#include <vector>

namespace cvirt::storage::import {

struct ExtractOptions {
    bool layer = false;  // an image layer: OCI whiteouts (".wh.") delete what lower layers made
};

// Extracts the archive at `archive` into the directory `root` (an open O_DIRECTORY fd).
void extractArchive(const std::string& archive, int root, const ExtractOptions& opts);

// The top-level member names of the archive at `archive` (read to its end, so a truncated
// stream fails here), for telling a plain rootfs from an image archive.
std::vector<std::string> memberNames(const std::string& archive);

}  // namespace cvirt::storage::import
