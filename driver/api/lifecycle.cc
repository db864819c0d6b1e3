// SPDX-License-Identifier: GPL-3.0-or-later
// Domain lifecycle: resolve and lock (DomainOp) → check state → act (backend, or a request to
// the domain's controller) → the controller or backend persists state.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>

#include "api/domain_op.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "cvirt/connection.h"
#include "state/domain_ids.h"
#include "state/domain_lock.h"
#include "state/driver_config.h"
#include "state/events.h"
#include "util/fault.h"
#include "util/stamp.h"

namespace cvirt {

namespace {

// How long a start waits for a controller still tearing the domain down, and for one that
// failed to exit before its leftovers are removed.
constexpr int kSupervisorExitMs = 10000;

// How long a destroy waits, once the controller heard it, for the teardown to finish before
// it kills the controller: the stopped and release hooks may take hook_timeout each; without
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

void startLocked(ConnectionImpl& conn, DriverState& d, const conf::DomainDef& def, bool autodestroy,
                 const std::function<void()>& beforeHandOver = {}) {
    if (d.runtime.find(def.name))
        throw Error(ErrorCode::OperationInvalid, "domain '" + def.name + "' is already active");
    // Not running, but its controller may still be tearing it down (after shutdown, or a
    // destroy whose shell died), or have died: the cgroup and link names must be free for
    // the new one.
    if (!d.repair(def.name, kSupervisorExitMs))
        throw Error(ErrorCode::OperationInvalid,
                    "domain '" + def.name +
                        "' is still shutting down (its controller has not "
                        "exited within " +
                        std::to_string(kSupervisorExitMs / 1000) + " s)");
    util::stamp("shell:repaired");
    int id = state::allocateDomainId(state::runBase(d.paths));
    bool withdrawn = false;  // by beforeHandOver: the controller got nothing and made nothing
    std::function<void()> check;
    if (beforeHandOver)
        check = [&] {
            try {
                beforeHandOver();
            } catch (...) {
                withdrawn = true;
                throw;
            }
        };
    try {
        int watch = autodestroy ? conn.autodestroy().watchFd() : -1;
        d.backend->start(conn.uri().text, def, id, watch, check);
        if (auto live = autodestroy ? d.runtime.find(def.name) : std::nullopt)
            conn.autodestroy().started(live->controller);
    } catch (const Error&) {
        if (withdrawn) {
            state::releaseDomainId(state::runBase(d.paths), id);
            throw;
        }
        // A controller that reported its failure removed what it made; one that died did
        // not: remove that now, still under the lock, so the next start finds nothing.
        d.repair(def.name, kSupervisorExitMs);
        throw;
    }
}

// How long a request that failed waits to learn whether the domain stopped meanwhile (its
// controller reaps init within milliseconds of its death).
constexpr int kStoppedMs = 500;

}  // namespace

void Domain::start(bool paused, bool autodestroy) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    if (!op.persistent()) {
        if (op.live())
            throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is already active");
        throw noDomain(name_);
    }
    util::fault::point("start:shell-locked");
    startLocked(*conn_, op.driver(), *op.persistent(), autodestroy);
    if (paused) {
        // still under the lock: no other call sees it running before it is frozen
        DomainOp started(*conn_, name_);
        started.backend().suspend(started.requireRunning(), started.liveDef());
    }
}

Domain Connection::create(std::string_view xml, std::string_view filename, bool autodestroy) {
    util::stamp("shell:create");
    // The model first, without the RelaxNG pass (2.5 ms here, most of it the schema's
    // compile): that pass runs while the controller starts, before it is given the domain
    // (Backend::start). What parseDomain would say stays the same: the element parsers' error
    // first, then the schema's, before any other check's.
    conf::DomainDef def = conf::parseDomain(xml, {.filename = filename, .validateSchema = false});
    util::stamp("shell:xml-parsed");
    bool schemaChecked = false;
    auto checkSchema = [&] {
        schemaChecked = true;
        conf::validateDomainSchema(xml, filename);
        util::stamp("shell:xml-validated");
    };
    try {
        conf::dropLiveState(def);  // the running domain gets its own
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
        startLocked(*impl_, d, def, autodestroy, checkSchema);
    } catch (const Error&) {
        if (!schemaChecked) checkSchema();  // its error is the one to read, as before
        throw;
    }
    return Domain(impl_, def.name);
}

// How long destroy --graceful waits for init to end after SIGTERM (libvirt's
// virProcessKillPainfully waits 10 s before it would escalate).
constexpr int kGracefulMs = 10000;

void Domain::destroy(bool graceful) {
    DomainOp op(*conn_, name_);
    DriverState& d = op.driver();
    state::LiveDomain live = op.requireRunning();
    util::fault::point("stop:shell-checked");
    if (graceful) {
        // SIGTERM alone; the controller tears down after init as after any exit of it
        live.init.signal(SIGTERM);
        if (!live.init.waitGone(kGracefulMs))
            throw Error(ErrorCode::SystemError,
                        "Failed to terminate process " + std::to_string(live.initPid) +
                            " with SIGTERM: " + std::strerror(EBUSY),
                        0);
        live.controller.waitGone(kSupervisorExitMs);
        if (d.runtime.isStale(name_)) d.repair(name_);
        return;
    }
    bool done = false;
    try {
        done = op.backend().destroy(live, teardownLimitMs(*conn_));
    } catch (const Error&) {
        // It died before we could ask: that is off too, once its leftovers are gone.
        if (live.controller.alive()) throw;
        done = true;
    }
    util::fault::killPoint("stop:shell-answered");
    if (!done) {
        // Unresponsive (stopped, wedged): destroy is the forceful stop, as libvirt's is. The
        // controller is killed (by start time, through a pidfd: never a process that took its
        // pid); its container dies with it (death signal) and with its cgroup, which the
        // repair below removes with everything else it owned.
        live.controller.signal(SIGKILL);
    }
    // The connection closes once the controller removed everything, or because it died
    // halfway; in that case what it left is removed here (under the domain lock), once it
    // has exited.
    live.controller.waitGone(kSupervisorExitMs);
    if (!done)
        d.repair(name_, kSupervisorExitMs, state::kReasonDestroyed);
    else if (d.runtime.isStale(name_))
        d.repair(name_);
}

namespace {

// virCheckFlags of libvirt's driver for the modes asked, then whether cvirt honours them.
void checkModes(const backend::Backend& b, unsigned modes, bool reboot) {
    const bool lxc = b.kind() == state::DriverKind::Lxc;
    const unsigned supported = lxc ? Domain::kModeInitctl | Domain::kModeSignal
                                   : Domain::kModeAcpi | Domain::kModeAgent | Domain::kModeParavirt;
    if (unsigned extra = modes & ~supported) {
        char text[128];
        std::snprintf(text, sizeof text, "unsupported flags (0x%x) in function %s%s", extra,
                      lxc ? "lxcDomain" : "qemuDomain", reboot ? "Reboot" : "ShutdownFlags");
        throw Error(ErrorCode::InvalidArg, text);
    }
    if (lxc && modes == Domain::kModeInitctl)
        throw Error(ErrorCode::ConfigUnsupported,
                    "Operation not supported: Container does not provide an initctl pipe");
    if (!lxc && modes == Domain::kModeAgent)
        throw Error(ErrorCode::ConfigUnsupported,
                    "argument unsupported: QEMU guest agent is not configured");
}

}  // namespace

void Domain::shutdown(unsigned modes) {
    DomainOp op(*conn_, name_);
    checkModes(op.backend(), modes, false);
    state::LiveDomain live = op.requireRunning();
    try {
        op.backend().shutdown(live);
    } catch (const Error&) {
        // A controller tearing the domain down closes the connection without a word.
        if (live.init.waitGone(kStoppedMs))
            throw Error(
                ErrorCode::OperationInvalid,
                "domain '" + name_ + "' is not running (it stopped while it was being shut down)");
        throw;
    }
}

void Domain::reboot(unsigned modes) {
    DomainOp op(*conn_, name_);
    checkModes(op.backend(), modes, true);
    op.backend().reboot(op.requireRunning());
}

void Domain::suspend() {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    if (op.requireRunning().paused)
        throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is already paused");
    op.backend().suspend(op.requireRunning(), op.liveDef());
}

void Domain::resume() {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    if (!op.requireRunning().paused)
        throw Error(ErrorCode::OperationInvalid, "domain '" + name_ + "' is not paused");
    op.backend().resume(op.requireRunning(), op.liveDef());
}

int Domain::openConsole(bool force, const std::string& devname) {
    DomainOp op(*conn_, name_);
    return op.backend().openConsole(op.requireRunning(), force, devname).release();
}

int Domain::initPid() const {
    DomainOp op(*conn_, name_);
    return op.requireRunning().initPid;
}

int Domain::exec(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    DomainOp op(*conn_, name_);
    return op.backend().exec(op.requireRunning(), op.liveDef(), argv, env);
}

std::string Domain::qemuMonitorCommand(std::string_view command, bool hmp) {
    DomainOp op(*conn_, name_);
    if (!hmp) return op.backend().monitor(op.requireRunning(), command);
    // As libvirt's qemuMonitorJSONHumanCommand: the text of the reply's "return".
    const char* wrapper = "human-monitor-command";
    nlohmann::json call = {{"execute", wrapper},
                           {"arguments", {{"command-line", std::string(command)}}}};
    auto answer = nlohmann::json::parse(op.backend().monitor(op.requireRunning(), call.dump()),
                                        nullptr, false);
    if (answer.is_object() && answer.contains("error"))
        throw Error(ErrorCode::Internal,
                    std::string("internal error: unable to execute QEMU command '") + wrapper +
                        "': " + answer["error"].value("desc", "unknown error"));
    if (!answer.is_object() || !answer.contains("return") || !answer["return"].is_string())
        throw Error(ErrorCode::Internal,
                    std::string("internal error: unexpected answer to '") + wrapper + "'");
    return answer["return"].get<std::string>();
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
