// SPDX-License-Identifier: GPL-3.0-or-later
// Live state of running domains under <runDir>: <name>.xml is the live XML (with id), written
// by whoever starts the domain; its presence is what "running" means to every reader.
// <name>.owner (state/owner_record.h) names the controller and what it made, from before it
// makes anything until it removed everything: a dead controller's leftovers are found there.
// Also keeps the last shut-off reason of each domain (ids: state/domain_ids.h).
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/owner_record.h"
#include "state/uri.h"
#include "util/file.h"
#include "util/process_ref.h"

namespace cvirt::state {

struct LiveDomain {
    std::string name;
    int id = 0;
    int stateReason = 1;  // virDomainRunningReason, booted
    pid_t controllerPid = 0;
    pid_t initPid = 0;
    util::ProcessRef controller, init;  // the same with start times (0 if the file had none)
    bool paused = false;
    std::string record;  // the live XML as read with the rest
};

// What a controller that died (kill -9, crash) left of a domain.
struct StaleDomain {
    std::optional<std::string> liveXml;  // it had started the domain
    std::optional<OwnerRecord> owner;    // what it had claimed (absent from older controllers)
};

// Whether `pid` runs; a zombie counts as dead (a killed controller may wait for its reaper).
// By pid alone: where the start time is known, util::ProcessRef tells a reused pid apart.
bool processAlive(pid_t pid);
// Polls processAlive for up to `timeoutMs`; true once `pid` is gone.
bool waitProcessGone(pid_t pid, int timeoutMs);

// virDomainShutoffReason values reap() records.
inline constexpr int kReasonDestroyed = 2;
inline constexpr int kReasonCrashed = 3;

class RuntimeState {
public:
    // Removes what a dead controller owned (cgroup, links), before its state files go: the
    // domain's backend (backend::Backend::cleanupAfterCrash).
    using StaleCleanup = std::function<void(const StaleDomain& stale)>;

    explicit RuntimeState(DriverPaths paths);
    ~RuntimeState();
    RuntimeState(RuntimeState&&) noexcept;

    // Reads only: none of these changes anything, on disk or on the host.
    //
    // One readdir: the domains whose controller runs and has started them, and those a
    // controller that died left state of (its record, or its live XML): what reap() cleans
    // up. A controller still starting or tearing down is in neither.
    // `live` holds the running ones as find() would return them, in the order of `running`,
    // but without their record (a listing needs names, ids and states: it reads each live
    // XML's head, its pid file and its controller's /proc/PID/stat, nothing more).
    struct Scan {
        std::vector<std::string> running, stale;
        std::vector<LiveDomain> live;
    };
    Scan scan() const;
    std::vector<std::string> runningNames() const { return scan().running; }
    bool isStale(std::string_view name) const;
    // A running domain (its controller alive and its live XML written), or nullopt.
    std::optional<LiveDomain> find(std::string_view name) const;
    std::optional<std::string> liveXml(std::string_view name) const;

    // Cleans up after the controller of `name` if it is dead, once it is, waiting up to
    // `waitMs` for it to exit: kills a surviving init, lets the backend remove what the
    // record and live XML name (`cleanup`), removes the state files (the record last) and,
    // if the domain had been running, records the shut-off reason and emits the event.
    // Runs under the domain lock: the one this process holds, else taken without waiting
    // (another holder is busy with the domain and finds the same). Returns false while a
    // controller still runs without a live XML (starting, or tearing down), or the lock is
    // held elsewhere; true once no controller is left. Processes are told apart by start
    // time (state/pid_file.h): one that took a dead controller's or init's pid is neither
    // waited for nor killed. `reasonIfRunning`: the shut-off reason recorded for a domain
    // that was running (a destroy that had to kill its controller says destroyed).
    bool reap(std::string_view name, const StaleCleanup& cleanup, int waitMs = 0,
              int reasonIfRunning = kReasonCrashed);

    // A running domain's live XML after a live change (setmem, schedinfo, …); the caller
    // holds the domain lock.
    void replaceLiveXml(std::string_view name, const std::string& xml);
    // The same in two steps, for a change of kernel state: stage the new XML (a full disk
    // fails here, before anything changed), change the kernel, then commit() — or drop it
    // and undo the change, so the record and the domain never disagree.
    util::StagedFile stageLiveXml(std::string_view name, const std::string& xml);

    // Marks a running domain paused (its cgroup frozen) or running again. The marker is
    // written before the freeze and removed after the thaw (removal needs no space).
    void setPaused(std::string_view name, bool paused);

    // The reason the domain last stopped (virDomainShutoffReason); 0 (unknown) if none.
    int shutoffReason(std::string_view name) const;
    void setShutoffReason(std::string_view name, int reason);
    // Forgets what is kept about an undefined domain. Lock files stay: removing one that
    // another process waits on would let two holders in.
    void clear(std::string_view name);

private:
    // find(), with what the caller knows: `whole` reads the whole live XML into `record`
    // (else its head, for the id, and the files through `runDirFd`, the run directory open);
    // `paused`, when known from a readdir, spares a look.
    std::optional<LiveDomain> look(std::string_view name, bool whole, std::optional<bool> paused,
                                   int runDirFd = -1) const;

    DriverPaths paths_;
};

}  // namespace cvirt::state
