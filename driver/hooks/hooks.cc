// SPDX-License-Identifier: GPL-3.0-or-later
#include "hooks/hooks.h"

#include "conf/domain.h"

#include <sys/stat.h>

#include <cerrno>
#include <iostream>

#include "cvirt/error.h"
#include "util/process.h"

namespace cvirt::hooks {

namespace {

std::string_view trimmed(std::string_view s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

}  // namespace

std::string_view opName(Op op) {
    switch (op) {
        case Op::Prepare:
            return "prepare";
        case Op::Start:
            return "start";
        case Op::Started:
            return "started";
        case Op::Stopped:
            return "stopped";
        case Op::Release:
            return "release";
        case Op::Reconnect:
            return "reconnect";
    }
    return "unknown";
}

std::string_view subOpName(SubOp sub) {
    return sub == SubOp::Begin ? "begin" : "end";
}

Hooks::Hooks(const state::DriverPaths& paths, unsigned timeoutSec)
    : script_(paths.configDir.parent_path() / "hooks" / state::driverName(paths.kind)),
      timeoutSec_(timeoutSec) {}

bool Hooks::present() const {
    struct stat st {};
    return ::stat(script_.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

void Hooks::run(std::string_view name, Op op, SubOp sub, std::string_view xml) const {
    if (!present()) return;
    std::vector<std::string> argv = {script_.string(), std::string(name), std::string(opName(op)),
                                     std::string(subOpName(sub)), "-"};
    util::ProcessResult r;
    try {
        r = util::runProcess(argv,
                             util::ProcessOptions{.input = xml, .timeoutMs = timeoutSec_ * 1000L});
    } catch (Error& e) {
        throw Error(ErrorCode::HookFailed,
                    "Hook script execution failed: " + std::string(e.what()));
    }
    if (r.status == 0 && !r.timedOut) return;
    std::string command;
    for (const auto& a : argv)
        command += (command.empty() ? "" : " ") + a;
    std::string how;
    if (r.timedOut)
        how = "killed after " + std::to_string(timeoutSec_) + " s (hook_timeout)";
    else if (r.termSignal)
        how = "fatal signal " + std::to_string(r.termSignal);
    else
        how = "unexpected exit status " + std::to_string(r.status);
    std::string message =
        "Hook script execution failed: internal error: Child process (" + command + ") " + how;
    if (std::string_view err = trimmed(r.err); !err.empty()) message += ": " + std::string(err);
    throw Error(ErrorCode::HookFailed, std::move(message));
}

void Hooks::runLogged(std::string_view name, Op op, SubOp sub,
                      std::string_view xml) const noexcept {
    try {
        run(name, op, sub, xml);
    } catch (const std::exception& e) {
        std::cerr << program_invocation_short_name << ": " << e.what() << std::endl;
    }
}

void runForDomain(const Hooks& hooks, const conf::DomainDef& def, std::optional<int> id, Op op,
                  SubOp sub, bool fatal) {
    if (!hooks.present()) return;  // no script: not even the XML is made
    std::string xml;
    try {
        xml = conf::formatDomain(def, id ? conf::FormatFlags{.id = *id} : conf::FormatFlags{});
    } catch (const Error& e) {
        if (fatal) throw;
        std::cerr << program_invocation_short_name << ": " << e.what() << std::endl;
        return;
    }
    if (fatal)
        hooks.run(def.name, op, sub, xml);
    else
        hooks.runLogged(def.name, op, sub, xml);
}

}  // namespace cvirt::hooks
