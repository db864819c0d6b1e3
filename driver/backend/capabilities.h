// SPDX-License-Identifier: GPL-3.0-or-later
// Pieces of libvirt's <capabilities> and <domainCapabilities> documents that every backend
// writes the same way.
#pragma once

#include <initializer_list>
#include <pugixml.hpp>
#include <string>

namespace cvirt::backend {

// cvirt's own elements under <capabilities><host> are in this namespace, prefix "cvirt:".
inline constexpr const char* kHostNamespace = "http://cvirt.org/schemas/capabilities/cvirt/1.0";

// The host's architecture as uname(2) names it ("x86_64").
std::string machine();

// <guest><os_type/><arch name=…><wordsize/><emulator/><machine/>…<domain type=…/>…</arch>.
void addGuest(pugi::xml_node caps, const char* osType, const std::string& emulator,
              std::initializer_list<const char*> machines,
              std::initializer_list<const char*> domainTypes);

// <enum name=…><value/>…</enum> of domainCapabilities.
void addEnum(pugi::xml_node parent, const char* name, std::initializer_list<const char*> values);

// <NAME supported='yes'/> under <devices> of domainCapabilities.
pugi::xml_node addDevice(pugi::xml_node devices, const char* name);

}  // namespace cvirt::backend
