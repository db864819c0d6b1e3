// SPDX-License-Identifier: GPL-3.0-or-later
// Reading an LXC config for domxml-from-native (lxc_native_import.cc): its lines as key/value
// entries, with lxc.include followed (files and directories, bounded), the 1.x/2.x key names
// mapped to 3.x's, and every line checked for bytes that have no place in it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "conf/lxc_native.h"
#include "cvirt/error.h"

namespace cvirt::conf::lxcread {

// One `key = value` line, with where it came from.
struct Entry {
    std::string key, value, file;
    int line = 0;
    std::string where() const { return file + ":" + std::to_string(line); }
};

std::string trim(std::string_view s);
std::vector<std::string> words(std::string_view s);
// Words with "…" and '…' quoting, as LXC splits lxc.init.cmd.
std::vector<std::string> quotedWords(std::string_view s);
// Throws naming the file and line when it holds a NUL, newline or other control character
// (tabs separate fields), a byte that is not UTF-8 or a bidi override. `what` names a line
// that is not a key (an fstab entry); otherwise the key is named.
void refuseBadLine(std::string_view raw, const std::string& file, int line, std::string_view what);
// InvalidArg naming the entry's place, key and value, and `why`.
Error bad(const Entry& e, const std::string& why);

// The entries of `text` (named `file`) in order, includes read through `read`.
std::vector<Entry> readEntries(std::string_view text, const std::string& file,
                               const NativeReader& read);

}  // namespace cvirt::conf::lxcread
