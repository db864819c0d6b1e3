// SPDX-License-Identifier: GPL-3.0-or-later
// What a name, path or value may not contain, wherever it comes from (domain and network
// XML, LXC configs, the command line): a control character (C0, DEL, C1), bytes that are not
// UTF-8, or a bidirectional override that makes the text read other than it is. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cvirt::conf {

enum class TextKind {
    Value,     // names, paths, values: none of the above
    FreeText,  // <description>, <metadata>: line breaks and tabs allowed, overrides too
    Line,      // one line of an LXC config or fstab: tabs separate fields, nothing else
};

// Why `text` cannot be used, e.g. "contains a control character (U+000A)", or nullopt.
std::optional<std::string> textProblem(std::string_view text, TextKind kind = TextKind::Value);
// `text` with every byte textProblem() could object to shown as '?', for messages.
std::string printable(std::string_view text);

}  // namespace cvirt::conf
