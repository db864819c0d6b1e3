// SPDX-License-Identifier: GPL-3.0-or-later
// What cvirt runs on, as capabilities shows it under <host> in cvirt's XML namespace: the
// cgroup layout and controllers, the namespaces, whether /dev/kvm is usable. A host fact,
// whatever drivers a connection has.
#pragma once

#include <pugixml.hpp>

namespace cvirt::host {

// Appends <cvirt:cgroups>, <cvirt:namespaces> and <cvirt:kvm> to `host`, which declares the
// cvirt prefix (backend::kHostNamespace).
void describeHost(pugi::xml_node host);

}  // namespace cvirt::host
