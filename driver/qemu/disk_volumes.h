// SPDX-License-Identifier: GPL-3.0-or-later
// <disk type='volume'>: each such disk of a VM given the path of its pool's volume, and its
// format, before the command line is made (libvirt's virDomainDiskTranslateSourcePool). The
// disk stays type='volume' in the live XML, as in libvirt's.
#pragma once

#include <filesystem>

#include "conf/domain_def.h"

namespace cvirt::qemu {

// Throws naming the pool or volume (storage/volume_lookup.h), a directory volume, or a
// <driver type> that is not the volume's format.
void resolveVolumeDisks(conf::DomainDef& def, const std::filesystem::path& root);

}  // namespace cvirt::qemu
