// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/domain_hooks.h"

namespace cvirt::controller {

using hooks::Op;
using hooks::SubOp;

void DomainHooks::prepare(const state::DriverPaths& paths, const state::DriverConfig& config,
                          const conf::DomainDef& def) {
    hooks_.emplace(paths, config.hookTimeoutSec);
    owed_ = true;
    hooks::runForDomain(*hooks_, def, std::nullopt, Op::Prepare, SubOp::Begin, true);
}

void DomainHooks::start(const conf::DomainDef& def) {
    if (hooks_) hooks::runForDomain(*hooks_, def, std::nullopt, Op::Start, SubOp::Begin, true);
}

void DomainHooks::started(const conf::DomainDef& def, int id) {
    id_ = id;
    if (hooks_) hooks::runForDomain(*hooks_, def, id_, Op::Started, SubOp::Begin, false);
}

void DomainHooks::stopped(const conf::DomainDef& def) noexcept {
    if (owed_ && hooks_) hooks::runForDomain(*hooks_, def, id_, Op::Stopped, SubOp::End, false);
}

void DomainHooks::release(const conf::DomainDef& def) noexcept {
    id_.reset();
    if (owed_ && hooks_)
        hooks::runForDomain(*hooks_, def, std::nullopt, Op::Release, SubOp::End, false);
    owed_ = false;
}

}  // namespace cvirt::controller
