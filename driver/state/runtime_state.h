// Live state of running domains under <runDir>: <name>.xml is the live XML (with id), written
// by whoever starts the domain; its presence is what "running" means to every reader.
// Also keeps the per-root id counter and the last shut-off reason of each domain.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/uri.h"

namespace cvirt::state {

struct LiveDomain {
    std::string name;
    int id = 0;
    int stateReason = 1;  // virDomainRunningReason, booted
    pid_t controllerPid = 0;
    pid_t initPid = 0;
    bool paused = false;
};

class RuntimeState {
public:
    // Called with the name and live XML of a domain whose controller died, before its state
    // files are removed: the backend removes what the controller owned (cgroup, devices).
    using StaleCleanup = std::function<void(const std::string& name, const std::string& liveXml)>;

    explicit RuntimeState(DriverPaths paths, StaleCleanup onStale = {})
        : paths_(std::move(paths)), onStale_(std::move(onStale)) {}

    std::vector<std::string> runningNames() const;  // one readdir
    // A running domain, or nullopt. A domain whose controller died is cleaned up here
    // (state files removed, shut-off reason 'crashed') and reported as not running.
    std::optional<LiveDomain> find(std::string_view name) const;
    std::optional<std::string> liveXml(std::string_view name) const;

    // A running domain's live XML after a live change (setmem, schedinfo, …); the caller
    // holds the domain lock.
    void replaceLiveXml(std::string_view name, const std::string& xml);

    // Marks a running domain paused (its cgroup frozen) or running again.
    void setPaused(std::string_view name, bool paused);

    // The reason the domain last stopped (virDomainShutoffReason); 0 (unknown) if none.
    int shutoffReason(std::string_view name) const;
    void setShutoffReason(std::string_view name, int reason);
    // Forgets what is kept about an undefined domain. Lock files stay: removing one that
    // another process waits on would let two holders in.
    void clear(std::string_view name);

    // Next domain id of this root (1, 2, …). Callers serialise through the id lock.
    int allocateId();

private:
    DriverPaths paths_;
    StaleCleanup onStale_;
};

}  // namespace cvirt::state
