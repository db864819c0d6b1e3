// SPDX-License-Identifier: GPL-3.0-or-later
// The terminal side of `console`: raw mode, bytes both ways, the escape character leaves. The
// terminal is restored on every exit path.
#pragma once

#include <iosfwd>
#include <string_view>

namespace cvirt::shell {

// Proxies stdin/stdout <-> `stream` until `escape` (Ctrl-] unless -e) on stdin or the stream
// closes. Prints
// virsh's banner to `out`. Owns `stream`: closed on return and on throw. Returns 0; throws
// cvirt::Error on I/O failure.
int runConsole(int stream, std::string_view domain, std::ostream& out, char escape = 0x1d);

}  // namespace cvirt::shell
