// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/live_files.h"

#include <unistd.h>

#include <iostream>

#include "conf/domain.h"
#include "cvirt/domain_state.h"
#include "cvirt/error.h"
#include "state/events.h"
#include "state/pid_file.h"
#include "state/runtime_state.h"
#include "state/uri.h"
#include "util/fault.h"
#include "util/file.h"
#include "util/process_ref.h"

namespace cvirt::controller {

LiveFiles::LiveFiles(state::DriverPaths paths, const std::string& name)
    : paths_(std::move(paths)), name_(name) {
    const auto& run = paths_.runDir;
    sock_ = state::entryPath(run, name, ".sock").string();
    pid_ = state::entryPath(run, name, ".pid").string();
    xml_ = state::entryPath(run, name, ".xml").string();
    paused_ = state::entryPath(run, name, ".paused").string();
    owner_ = state::entryPath(run, name, ".owner").string();
}

void LiveFiles::writePids(pid_t guest, int id) const {
    // Start times with the pids: a reader must not take another process that got one of these
    // pids after ours ended for ours (and kill it, or wait on it).
    state::PidFile f{util::ProcessRef::self(), util::ProcessRef::of(guest), id};
    util::writeFileReplace(pid_, state::formatPidFile(f), 0644);
}

void LiveFiles::writeXml(const conf::DomainDef& def, int id) const {
    util::writeFileReplace(xml_, conf::formatDomain(def, {.id = id}), 0600);
}

void LiveFiles::setPaused(bool paused) const {
    if (paused)
        util::writeFileReplace(paused_, "", 0644);
    else
        util::removeFile(paused_);
}

void LiveFiles::setStopReason(ShutoffReason reason) const noexcept {
    try {
        state::RuntimeState(paths_).setShutoffReason(name_, reason);
    } catch (const Error& e) {
        std::cerr << program_invocation_short_name << ": " << e.what() << std::endl;
    }
    state::emitEvent(paths_, name_, "stopped", stateReasonName(DomainState::Shutoff, reason));
}

void LiveFiles::announce(std::string_view event, std::string_view detail) const noexcept {
    state::emitEvent(paths_, name_, event, detail);
}

void LiveFiles::remove() const noexcept {
    ::unlink(xml_.c_str());
    util::fault::killPoint("stop:ctl-xml-removed");
    for (const std::string* p : {&pid_, &sock_, &paused_})
        ::unlink(p->c_str());
}

void LiveFiles::writeOwner(const state::OwnerRecord& record) const {
    state::OwnerRecord r = record;
    if (r.controller == ::getpid() && r.controllerStart == 0)
        r.controllerStart = util::ProcessRef::self().startTime;
    util::writeFileReplace(owner_, state::formatOwnerRecord(r), 0644);
}

void LiveFiles::removeOwner() const noexcept {
    ::unlink(owner_.c_str());
}

}  // namespace cvirt::controller
