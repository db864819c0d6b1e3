// Domain lifecycle: lock → load → check state → act (backend) → the backend persists state.
#include <signal.h>
#include <unistd.h>

#include "api/connection_impl.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "lxc/backend.h"
#include "lxc/enter.h"
#include "qemu/backend.h"
#include "state/domain_lock.h"
#include "state/driver_config.h"
#include "state/events.h"
#include "supervisor/client.h"
#include "util/fault.h"

namespace cvirt {

namespace {

DriverState& driverOrThrow(ConnectionImpl& impl, const std::string& name) {
    DriverState* d = impl.driverOf(name);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name + "'");
    return *d;
}

bool isVm(const DriverState& d) {
    return d.paths.kind == state::DriverKind::Qemu;
}

int nextId(DriverState& d) {
    auto lock = state::DomainLock::acquireDriver(d.paths.lockDir, "id");
    return d.runtime.allocateId();
}

// How long a start waits for a supervisor still tearing the domain down, and for one that
// failed to exit before its leftovers are removed.
constexpr int kSupervisorExitMs = 10000;

// How long a destroy waits, once the supervisor heard it, for the teardown to finish before
// it kills the supervisor: the stopped and release hooks may take hook_timeout each; without
// a hook limit, as long as the hooks take.
long teardownLimitMs(const ConnectionImpl& conn) {
    state::DriverConfig config;
    try {
        config = state::loadDriverConfig(conn.uri().root);
    } catch (const Error&) {
    }
    if (config.hookTimeoutSec == 0) return -1;
    return 2L * config.hookTimeoutSec * 1000 + 10000;
}

void startLocked(const std::string& uri, DriverState& d, const conf::DomainDef& def) {
    if (d.runtime.find(def.name))  // also cleans up after a supervisor that died
        throw Error(ErrorCode::OperationInvalid, "domain '" + def.name + "' is already active");
    // Not running, but its supervisor may still be tearing it down (after shutdown, or a
    // destroy whose shell died): the cgroup and link names must be free for the new one.
    if (!d.runtime.reap(def.name, kSupervisorExitMs))
        throw Error(ErrorCode::OperationInvalid,
                    "domain '" + def.name +
                        "' is still shutting down (its supervisor has not "
                        "exited within " +
                        std::to_string(kSupervisorExitMs / 1000) + " s)");
    try {
        if (isVm(d))
            qemu::start(uri, d.paths, def, nextId(d));
        else
            lxc::start(uri, d.paths, def, nextId(d));
    } catch (const Error&) {
        // A supervisor that reported its failure removed what it made; one that died did
        // not: remove that now, still under the lock, so the next start finds nothing.
        d.runtime.reap(def.name, kSupervisorExitMs);
        throw;
    }
}

// How long a request that failed waits to learn whether the domain stopped meanwhile (its
// supervisor reaps init within milliseconds of its death).
constexpr int kStoppedMs = 500;

state::LiveDomain requireRunning(const DriverState& d, const std::string& name) {
    auto live = d.runtime.find(name);
    if (!live) throw Error(ErrorCode::OperationInvalid, "domain '" + name + "' is not running");
    return *live;
}

}  // namespace

void Domain::start() {
    DriverState& d = driverOrThrow(*conn_, name_);
    auto lock = state::DomainLock::acquire(d.paths.lockDir, name_);
    std::optional<conf::DomainDef> def = d.store.load(name_);
    if (!def) {
        if (d.runtime.find(name_))
            throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is already active");
        throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    }
    util::fault::point("start:shell-locked");
    startLocked(conn_->uri().text, d, *def);
}

Domain Connection::create(std::string_view xml, std::string_view filename) {
    conf::DomainDef def = conf::parseDomain(xml, {.filename = filename});
    DriverState& d = impl_->driverFor(def.type);
    auto lock = state::DomainLock::acquire(d.paths.lockDir, def.name);
    if (auto existing = d.store.load(def.name)) {
        if (def.uuid && def.uuid != existing->uuid)
            throw Error(ErrorCode::DomainExists,
                        "domain '" + def.name + "' already exists with another uuid");
        def.uuid = existing->uuid;
    }
    conf::applyDefaults(def);
    conf::validate(def, filename);
    startLocked(impl_->uri().text, d, def);
    return Domain(impl_, def.name);
}

void Domain::destroy() {
    DriverState& d = driverOrThrow(*conn_, name_);
    state::LiveDomain live = requireRunning(d, name_);
    util::fault::point("stop:shell-checked");
    bool done = false;
    try {
        done = supervisor::destroy(d.paths, name_, teardownLimitMs(*conn_));
    } catch (const Error&) {
        // It died before we could ask: that is off too, once its leftovers are gone.
        if (live.controller.alive()) throw;
        done = true;
    }
    util::fault::killPoint("stop:shell-answered");
    if (!done) {
        // Unresponsive (stopped, wedged): destroy is the forceful stop, as libvirt's is. The
        // supervisor is killed (by start time, through a pidfd: never a process that took its
        // pid); its container dies with it (death signal) and with its cgroup, which
        // RuntimeState::reap removes below with everything else it owned.
        live.controller.signal(SIGKILL);
    }
    // The connection closes once the supervisor removed everything, or because it died
    // halfway; in that case what it left is removed here (RuntimeState::reap, under the
    // domain lock), once it has exited.
    live.controller.waitGone(kSupervisorExitMs);
    if (done)
        d.runtime.find(name_);
    else
        d.runtime.reap(name_, kSupervisorExitMs, state::kReasonDestroyed);
}

void Domain::shutdown() {
    DriverState& d = driverOrThrow(*conn_, name_);
    state::LiveDomain live = requireRunning(d, name_);
    try {
        supervisor::shutdown(d.paths, name_);
    } catch (const Error&) {
        // A supervisor tearing the domain down closes the connection without a word.
        if (state::waitProcessGone(live.initPid, kStoppedMs))
            throw Error(
                ErrorCode::OperationInvalid,
                "domain '" + name_ + "' is not running (it stopped while it was being shut down)");
        throw;
    }
}

void Domain::reboot() {
    DriverState& d = driverOrThrow(*conn_, name_);
    requireRunning(d, name_);
    supervisor::reboot(d.paths, name_);
}

namespace {
cgroup::DomainCgroup domainCgroup(const ConnectionImpl& conn, const DriverState& d,
                                  const std::string& name) {
    auto xml = d.runtime.liveXml(name);
    if (!xml) throw Error(ErrorCode::OperationInvalid, "domain '" + name + "' is not running");
    return conn.cgroupOf(conf::parseDomain(*xml, {.filename = name, .validateSchema = false}));
}
}  // namespace

void Domain::suspend() {
    DriverState& d = driverOrThrow(*conn_, name_);
    auto lock = state::DomainLock::acquire(d.paths.lockDir, name_);
    if (requireRunning(d, name_).paused)
        throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is already paused");
    if (isVm(d)) {
        qemu::monitor(d.paths, name_, "stop");  // the controller marks it paused (STOP event)
        return;
    }
    // The record first (a full disk stops here, with nothing frozen), then the freeze; a
    // freeze that fails takes the record back.
    auto cg = domainCgroup(*conn_, d, name_);
    d.runtime.setPaused(name_, true);
    try {
        cg.freeze(true);
    } catch (const Error&) {
        try {
            cg.freeze(false);
        } catch (const Error&) {
        }
        d.runtime.setPaused(name_, false);
        throw;
    }
    state::emitEvent(d.paths, name_, "suspended", "paused");
}

void Domain::resume() {
    DriverState& d = driverOrThrow(*conn_, name_);
    auto lock = state::DomainLock::acquire(d.paths.lockDir, name_);
    if (!requireRunning(d, name_).paused)
        throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is not paused");
    if (isVm(d)) {
        qemu::monitor(d.paths, name_, "cont");
        return;
    }
    domainCgroup(*conn_, d, name_).freeze(false);
    d.runtime.setPaused(name_, false);
    state::emitEvent(d.paths, name_, "resumed", "unpaused");
}

int Domain::openConsole(bool force) {
    DriverState& d = driverOrThrow(*conn_, name_);
    requireRunning(d, name_);
    return supervisor::openConsole(d.paths, name_, force).release();
}

int Domain::initPid() const {
    DriverState& d = driverOrThrow(*conn_, name_);
    return requireRunning(d, name_).initPid;
}

int Domain::exec(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    DriverState& d = driverOrThrow(*conn_, name_);
    if (isVm(d))
        throw Error(ErrorCode::OperationInvalid,
                    "domain '" + name_ + "' is a virtual machine: use its console");
    state::LiveDomain live = requireRunning(d, name_);
    auto xml = d.runtime.liveXml(name_);
    if (!xml) throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is not running");
    conf::DomainDef def = conf::parseDomain(*xml, {.filename = name_, .validateSchema = false});
    auto cg = conn_->cgroupOf(def);
    int status = lxc::runInside({.initPid = live.initPid, .controllerPid = live.controllerPid}, def,
                                argv, env, &cg);
    // A destroy that raced the command kills it (137) or its way in (255): say so.
    if ((status == 137 || status == 255) && state::waitProcessGone(live.initPid, kStoppedMs))
        throw Error(ErrorCode::OperationFailed,
                    "domain '" + name_ + "' stopped while the command ran (it ended with status " +
                        std::to_string(status) + ")");
    return status;
}

std::string Domain::qemuMonitorCommand(std::string_view commandJson) {
    DriverState& d = driverOrThrow(*conn_, name_);
    if (!isVm(d))
        throw Error(ErrorCode::OperationInvalid,
                    "domain '" + name_ + "' is not a qemu domain: it has no monitor");
    requireRunning(d, name_);
    return qemu::monitorText(d.paths, name_, std::string(commandJson));
}

std::vector<std::string> Connection::autostartAll(void (*onError)(const std::string&,
                                                                  const Error&)) {
    std::vector<std::string> started;
    for (auto& d : impl_->drivers()) {
        for (const auto& name : d.store.autostartNames()) {
            try {
                if (d.runtime.find(name)) continue;
                Domain(impl_, name).start();
                started.push_back(name);
            } catch (const Error& e) {
                if (onError) onError(name, e);
            }
        }
    }
    return started;
}

}  // namespace cvirt
