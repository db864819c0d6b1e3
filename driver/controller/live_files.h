// SPDX-License-Identifier: GPL-3.0-or-later
// The state files a controller keeps for its running domain under <runDir>: NAME.sock (its
// socket), NAME.pid (state/pid_file.h: pids and start times of itself and init or qemu),
// NAME.paused, and NAME.xml, the live XML, written last: its presence is what "running" means to
// every reader. NAME.owner (state/owner_record.h) is written before anything else and removed after
// everything.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "conf/domain_def.h"
#include "cvirt/domain_state.h"
#include "state/owner_record.h"
#include "state/uri.h"

namespace cvirt::controller {

class LiveFiles {
public:
    LiveFiles(state::DriverPaths paths, const std::string& name);

    const std::string& socketPath() const { return sock_; }
    const std::string& pausedPath() const { return paused_; }

    void writePids(pid_t guest, int id) const;
    void writeXml(const conf::DomainDef& def, int id) const;
    void setPaused(bool paused) const;
    // Why the domain stopped (virDomainShutoffReason), kept after the files go (logged on
    // failure), and the "stopped" event with it.
    void setStopReason(ShutoffReason reason) const noexcept;
    // A lifecycle event of this domain (state/events.h).
    void announce(std::string_view event, std::string_view detail) const noexcept;
    // Removes the live XML first, then the pid file, socket and pause marker.
    void remove() const noexcept;

    // The record of what this controller owns: rewritten before each object it names is made,
    // removed once all of them are gone. writeOwner throws.
    void writeOwner(const state::OwnerRecord& record) const;
    void removeOwner() const noexcept;

private:
    state::DriverPaths paths_;
    std::string name_, sock_, pid_, xml_, paused_, owner_;
};

}  // namespace cvirt::controller
