#include "supervisor/live_files.h"

#include <unistd.h>

#include <iostream>

#include "conf/domain.h"
#include "cvirt/connection.h"
#include "cvirt/error.h"
#include "state/events.h"
#include "state/runtime_state.h"
#include "state/uri.h"
#include "util/fault.h"
#include "util/file.h"

namespace cvirt::supervisor {

LiveFiles::LiveFiles(state::DriverPaths paths, const std::string& name)
    : paths_(std::move(paths)), name_(name) {
    const auto& run = paths_.runDir;
    sock_ = state::entryPath(run, name, ".sock").string();
    pid_ = state::entryPath(run, name, ".pid").string();
    xml_ = state::entryPath(run, name, ".xml").string();
    paused_ = state::entryPath(run, name, ".paused").string();
    owner_ = state::entryPath(run, name, ".owner").string();
}

void LiveFiles::writePids(pid_t guest) const {
    util::writeFileReplace(pid_, std::to_string(::getpid()) + " " + std::to_string(guest) + "\n",
                           0644);
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

void LiveFiles::setStopReason(int reason) const noexcept {
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
    util::writeFileReplace(owner_, state::formatOwnerRecord(record), 0644);
}

void LiveFiles::removeOwner() const noexcept {
    ::unlink(owner_.c_str());
}

}  // namespace cvirt::supervisor
