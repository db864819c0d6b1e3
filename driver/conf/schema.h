// SPDX-License-Identifier: GPL-3.0-or-later
// RelaxNG validation of domain XML against schemas/domain.rng (libxml2). The compiled schema
// is cached for the life of the process.
#pragma once

#include <filesystem>
#include <string_view>

namespace cvirt::conf {

// Throws Error(XmlError, "FILE:LINE: <element>: what is wrong") on the first violation, on
// malformed XML, and on any DOCTYPE that declares entities (never expanded, never fetched).
void validateDomainSchema(std::string_view xml, std::string_view filename);

// The same against another of our schemas.
enum class Schema { Domain, Network, Snapshot, StoragePool, StorageVol };
void validateSchema(Schema which, std::string_view xml, std::string_view filename);

// Refuses a DOCTYPE that declares entities or names an external DTD (entities are never
// expanded or fetched). Run before any parser sees the document.
void refuseUnsafeXml(std::string_view xml, std::string_view filename);

// Directory holding domain.rng: $CVIRT_SCHEMA_DIR, else the build-time source dir, else
// the installed location.
std::filesystem::path schemaDir();

}  // namespace cvirt::conf
