// SPDX-License-Identifier: GPL-3.0-or-later
// Hook scripts with libvirt's contract (https://libvirt.org/hooks.html): the script of a
// driver is <root>/etc/cvirt/hooks/<driver> ("lxc", "qemu"), run as
//   SCRIPT NAME OPERATION SUB-OPERATION -
// with the domain XML on stdin and its output captured, in a process group of its own that
// is killed when the connection's hook_timeout (cvirt.conf) passes.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "conf/domain_def.h"
#include "state/uri.h"

namespace cvirt::hooks {

namespace fs = std::filesystem;

// libvirt's pairs: prepare begin, start begin, started begin, stopped end, release end,
// reconnect begin.
enum class Op { Prepare, Start, Started, Stopped, Release, Reconnect };
enum class SubOp { Begin, End };
std::string_view opName(Op op);
std::string_view subOpName(SubOp sub);

class Hooks {
public:
    // The script of the driver `paths` belong to; `timeoutSec` 0 = no limit.
    Hooks(const state::DriverPaths& paths, unsigned timeoutSec);

    const fs::path& script() const { return script_; }
    // Whether the script is an executable file: one stat, made on every call, so a script
    // installed while a domain runs counts from its next operation on. Callers ask before
    // formatting XML: a domain without hooks pays nothing more.
    bool present() const;

    // Runs the script when present (nothing otherwise) and waits for it. A non-zero exit, a
    // signal or the timeout throws Error(HookFailed) worded as libvirt's: "Hook script
    // execution failed: internal error: Child process (SCRIPT NAME OP SUBOP -) unexpected
    // exit status N: <its stderr>". Whatever the script did is its own to undo.
    void run(std::string_view name, Op op, SubOp sub, std::string_view xml) const;
    // The same for hooks whose failure stops nothing: the message goes to stderr (a
    // controller's is the domain log). Never throws.
    void runLogged(std::string_view name, Op op, SubOp sub, std::string_view xml) const noexcept;

private:
    fs::path script_;
    unsigned timeoutSec_;
};

// A controller's hook call: `op` with the XML of `def` (live, with `id`, once running),
// formatted only when a script is present; `fatal` → run(), else runLogged(). Formatting
// errors follow the same rule.
void runForDomain(const Hooks& hooks, const conf::DomainDef& def, std::optional<int> id, Op op,
                  SubOp sub, bool fatal);

}  // namespace cvirt::hooks
