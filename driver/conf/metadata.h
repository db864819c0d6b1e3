// SPDX-License-Identifier: GPL-3.0-or-later
// The children of <metadata> (DomainDef::metadata, each self-contained with its namespace
// declaration) as virDomainGetMetadata and virDomainSetMetadata see them: one element per
// namespace URI, other namespaces' elements kept as they are.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cvirt::conf {

// The element in namespace `uri`, its prefix and declaration taken off, indented by two
// spaces and ending in a newline (as libvirt returns it); nullopt when there is none.
std::optional<std::string> metadataElement(const std::string& metadata, std::string_view uri);

// `metadata` without the element in namespace `uri`, and, when `xml` is given, with `xml`
// appended after the others, every element of it put in namespace `uri` under the prefix
// `key`. Throws Error(XmlError) for XML that is not one element, Error(InvalidArg) for a key
// that is not an XML name without a colon.
std::string withMetadataElement(const std::string& metadata, std::string_view uri,
                                std::string_view key, const std::optional<std::string>& xml);

}  // namespace cvirt::conf
