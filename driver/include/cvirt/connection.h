// Public API of libcvirt: a connection to one driver root, and the domains it holds.
// Every call throws cvirt::Error; "not found" becomes ErrorCode::NoDomain here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvirt/error.h"

namespace cvirt {

// libvirt's virDomainState values and names ("running", "shut off", …).
enum class DomainState {
    NoState,
    Running,
    Blocked,
    Paused,
    Shutdown,
    Shutoff,
    Crashed,
    PmSuspended
};
std::string_view stateName(DomainState state);
// libvirt's reason names per state ("unknown", "booted", "destroyed", "crashed", …).
std::string_view stateReasonName(DomainState state, int reason);

// virDomainShutoffReason subset
enum ShutoffReason {
    kShutoffUnknown = 0,
    kShutoffShutdown,
    kShutoffDestroyed,
    kShutoffCrashed,
    kShutoffMigrated,
    kShutoffSaved,
    kShutoffFailed,
    kShutoffFromSnapshot,
    kShutoffDaemon
};
// virDomainRunningReason subset
enum RunningReason { kRunningUnknown = 0, kRunningBooted };

struct DomainSummary {
    std::string name;
    std::string uuid;  // 8-4-4-4-12
    std::string type;  // "lxc", "qemu", "kvm"
    std::string title;
    std::optional<int> id;  // set while running
    DomainState state = DomainState::Shutoff;
    int reason = 0;
    bool persistent = true;
    bool autostart = false;
};

struct DomainInfo {
    DomainSummary summary;
    std::string osType;  // "exe" or "hvm"
    uint64_t maxMemKiB = 0;
    uint64_t usedMemKiB = 0;
    unsigned vcpus = 0;
    uint64_t cpuTimeNs = 0;
};

struct ListFilter {
    bool active = true;     // include running/paused domains
    bool inactive = false;  // include shut-off domains
    // What the caller needs beyond name/state/id; left out, those fields stay empty, so a
    // plain `list --all` of 10,000 domains reads no config file.
    bool needUuid = false;
    bool needTitle = false;
    bool needAutostart = false;
};

class Connection;

class Domain {
public:
    const std::string& name() const { return name_; }
    DomainInfo info() const;
    DomainSummary summary() const;
    // Persistent definition (inactive = true) or live XML when running.
    std::string xml(bool inactive = false) const;
    void undefine();
    void setAutostart(bool enabled);
    bool autostart() const;

    // Lifecycle. start() returns once init runs (or throws the reason, leaving nothing
    // behind); destroy() once every process is gone and cleaned up; shutdown() once init
    // was asked to stop; reboot() once the domain runs again with the same id.
    void start();
    void destroy();
    void shutdown();
    void reboot();
    // Freeze / thaw every process of the domain (cgroup freezer); return once the kernel
    // reports the new state.
    void suspend();
    void resume();
    // A stream connected to the console (caller owns the fd). Throws if another client is
    // attached and !force.
    int openConsole(bool force = false);
    // Pid of the container's init, as seen from the host (running containers only).
    int initPid() const;
    // Runs argv inside every namespace of the running container, stdio passed through.
    // Returns the command's exit status.
    int exec(const std::vector<std::string>& argv);

private:
    friend class Connection;
    Domain(std::shared_ptr<class ConnectionImpl> conn, std::string name)
        : conn_(std::move(conn)), name_(std::move(name)) {}
    std::shared_ptr<class ConnectionImpl> conn_;
    std::string name_;
};

class Connection {
public:
    // uri empty → $CVIRT_DEFAULT_URI, else "lxc:///system". Accepted: lxc:///system,
    // qemu:///system, cvirt:///system and each with ///embed?root=DIR.
    static Connection open(std::string_view uri = {});
    static std::string defaultUri();

    const std::string& uri() const;

    // Parses, validates and stores `xml` (atomic write, domain lock). A redefinition keeps
    // the stored uuid. `filename` is named in error messages.
    Domain define(std::string_view xml, std::string_view filename = "domain XML");

    // By name, uuid or id (virsh's lookup order: id, uuid, name). Throws NoDomain.
    Domain lookup(std::string_view key) const;
    std::optional<Domain> find(std::string_view name) const;

    // Starts a transient domain from `xml`: it runs but has no persistent config.
    Domain create(std::string_view xml, std::string_view filename = "domain XML");

    // Starts every autostart domain that is not running; returns the names started and
    // reports each failure to `onError` without stopping.
    std::vector<std::string> autostartAll(void (*onError)(const std::string& name,
                                                          const Error& error) = nullptr);

    std::vector<DomainSummary> list(const ListFilter& filter) const;
    std::vector<std::string> domainNames() const;  // for completion; sorted

private:
    explicit Connection(std::shared_ptr<ConnectionImpl> impl) : impl_(std::move(impl)) {}
    std::shared_ptr<ConnectionImpl> impl_;
};

std::string_view version();  // "0.1.0"

}  // namespace cvirt
