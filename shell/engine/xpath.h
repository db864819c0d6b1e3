// SPDX-License-Identifier: GPL-3.0-or-later
// dumpxml --xpath: virsh evaluates the expression on its side of the connection, over the
// XML the driver returned (virshDumpXML), with libxml2.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cvirt::shell {

// Each node the expression selects, serialised as libxml2 formats it, one per line; with
// `wrap`, copies of all of them as children of one <nodes> element. An expression that is not
// a node set (count(), a string) throws "Incorrect xpath 'EXPR'"; one that does not compile
// selects nothing, libxml2 having printed its own complaint to stderr, as virsh does.
std::string selectXPath(std::string_view xml, const std::string& expr, bool wrap);

// For each node `expr` selects, the string value of each of `fields` (XPath expressions
// evaluated at that node): how virsh reads devices out of the XML (domblklist).
std::vector<std::vector<std::string>> selectFields(std::string_view xml, const std::string& expr,
                                                   const std::vector<std::string>& fields);

}  // namespace cvirt::shell
