// SPDX-License-Identifier: GPL-3.0-or-later
// virsh's editor round (vshEditWriteToTempFile, vshEditFile, vshEditReadBackFile): a text in
// a temporary file, $VISUAL, else $EDITOR, else vi on it, the file read back. edit, desc
// --edit and metadata --edit share it.
#pragma once

#include <functional>
#include <string>

#include "engine/session.h"

namespace cvirt::shell {

// The text as the editor left it; the temporary file (SUFFIX, e.g. ".xml") is gone after.
// Throws when the editor fails (an error exit leaves everything as it was).
std::string editText(const std::string& text, const char* suffix);

// virsh-edit.c's loop: edits `text`; unchanged: false. Else `apply(edited, path)` (path:
// the temporary file, for messages): true once it succeeds; when it throws, the error is printed
// and "Failed. Try again? [y,n,?]:" asked: y edits the edited text again, n gives up with
// `abandoned` (OperationFailed).
bool editUntilApplied(Session& s, const std::string& text, const char* suffix,
                      const std::function<void(const std::string&, const std::string&)>& apply,
                      const std::string& abandoned);

}  // namespace cvirt::shell
