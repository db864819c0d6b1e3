// SPDX-License-Identifier: GPL-3.0-or-later
#include "controller/loop.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <iostream>

#include "conf/domain.h"
#include "controller/protocol.h"
#include "controller/pty.h"
#include "cvirt/error.h"
#include "util/fault.h"
#include "util/file.h"
#include "util/stream.h"

namespace cvirt::controller {

namespace {

constexpr size_t kMaxRequest = 64 * 1024;  // a QMP command on one line

std::ostream& logLine() {
    return std::cerr << program_invocation_short_name << ": ";
}

}  // namespace

ExitDecision decideExit(const conf::DomainDef& def, bool destroyed, GuestExit how) {
    using conf::LifecycleAction;
    if (destroyed) return {LifecycleAction::Destroy, kShutoffDestroyed};
    switch (how) {
        case GuestExit::Reboot:
            return {def.onReboot.value_or(LifecycleAction::Restart), kShutoffShutdown};
        case GuestExit::Poweroff:
            return {def.onPoweroff.value_or(LifecycleAction::Destroy), kShutoffShutdown};
        case GuestExit::Crash:
            break;
    }
    return {def.onCrash.value_or(LifecycleAction::Destroy), kShutoffCrashed};
}

Loop::Loop(Guest& guest, const conf::DomainDef& def, const state::DriverPaths& paths, int id,
           const state::DriverConfig& config)
    : guest_(guest), def_(def), paths_(paths), id_(id), config_(config), files_(paths, def.name) {}

void Loop::start() {
    // A failure from here on still runs the stopped and release hooks, as libvirt's does.
    hooks_.prepare(paths_, config_, def_);
    util::makeDirs(paths_.runDir, 0755);
    guest_.prepare();
    listen_ = util::listenUnix(files_.socketPath());
    util::fault::point("start:ctl-socket-listening");
    guest_.launch();
    files_.writePids(guest_.process().pid(), id_);
    util::fault::point("start:ctl-pid-written");
    // libvirt's live XML: the console's host pty and the devices' aliases (formatDomain)
    conf::DomainDef live = def_;
    if (!consolePath_.empty()) conf::recordConsolePty(live, consolePath_);
    files_.writeXml(live, id_);
    util::fault::point("start:ctl-xml-written");
    files_.announce("started", "booted");
    hooks_.started(live, id_);
    ::malloc_trim(0);  // give back what setting up needed: one controller per running domain
}

void Loop::startHook() {
    if (!hooks_.running()) hooks_.start(def_);
}

std::string Loop::openConsole() {
    Pty pty = Pty::open();
    if (consoles_.empty()) consolePath_ = pty.slavePath;  // the first, named in the live XML
    consoles_.emplace_back(std::move(pty.master));
    return pty.slavePath;
}

ConsoleProxy& Loop::console(const std::string& devname) {
    if (consoles_.empty())
        throw Error(ErrorCode::OperationInvalid, "the domain has no serial console");
    if (devname.empty()) return consoles_[0];
    // libvirt's names: the alias (the live XML's console0, console1, … or a user's ua-…), and
    // a VM's serial console under its serial's
    for (size_t i = 0; i < def_.consoles.size() && i < consoles_.size(); ++i)
        if (devname == def_.consoles[i].alias || devname == "console" + std::to_string(i))
            return consoles_[i];
    if (!def_.serials.empty() && (devname == def_.serials[0].alias || devname == "serial0"))
        return consoles_[0];
    throw Error(ErrorCode::OperationInvalid, "cannot find character device '" + devname + "'");
}

void Loop::watch(std::function<int()> fd, std::function<void(short)> ready) {
    watched_.push_back({std::move(fd), std::move(ready)});
}

void Loop::tearDown(bool ran) noexcept {
    if (tornDown_) return;
    tornDown_ = true;
    guest_.kill();
    guest_.process().reset();
    for (auto& c : consoles_)
        c.drain();  // what the guest printed last, into the log
    hooks_.stopped(def_);
    guest_.release();
    util::fault::killPoint("stop:ctl-files");
    // The reason first: a reader that sees the live state gone must also see why.
    if (ran) files_.setStopReason(stopReason_);
    files_.remove();
    hooks_.release(def_);
    util::fault::killPoint("stop:ctl-owner");
    files_.removeOwner();  // last: nothing is left that a cleaner would have to find
}

void Loop::handleConnection() {
    util::Fd client(::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) return;
    std::string line = readRequest(client.get(), kMaxRequest);
    try {
        handleRequest(line, client);
    } catch (const Error& e) {
        if (client) reply(client.get(), encodeError(e));
    }
}

void Loop::handleRequest(const std::string& line, util::Fd& client) {
    if (line == "destroy") {
        util::fault::killPoint("stop:ctl-destroy-received");
        destroyGuest();
        reply(client.get(), "ok");  // heard: a client that hears nothing takes us for wedged
        waiters_.push_back(std::move(client));
    } else if (line == "shutdown") {
        guest_.askShutdown();
        asked_.shutdown = true;
        if (config_.shutdownTimeoutSec > 0)  // 0: the guest takes as long as it takes
            shutdownDeadlineMs_ = util::monotonicMs() + config_.shutdownTimeoutSec * 1000L;
        reply(client.get(), "ok");
    } else if (line == "reboot") {
        if (guest_.askReboot() == Guest::Reboot::InPlace) {
            reply(client.get(), "ok");
            return;
        }
        asked_.reboot = true;
        guest_.kill();
        waiters_.push_back(std::move(client));  // answered once the guest runs again
    } else if (auto req = parseConsoleRequest(line)) {
        console(req->devname).handleRequest(std::move(client), req->force);
    } else if (line == "ping") {
        reply(client.get(), "ok " + std::to_string(guest_.process().pid()));
    } else if (!guest_.handleRequest(line, client)) {
        throw Error(ErrorCode::InvalidArg, "unknown request '" + line.substr(0, 64) + "'");
    }
}

void Loop::destroyGuest() noexcept {
    destroyRequested_ = true;
    guest_.kill();
}

bool Loop::onGuestExit(int status) {
    GuestExit how = guest_.classifyExit(status, asked_);
    ExitDecision decision = decideExit(def_, destroyRequested_, how);
    asked_ = {};
    shutdownDeadlineMs_ = -1;
    bool relaunched = false;
    if (decision.restart()) {
        try {
            guest_.relaunch();
            files_.writePids(guest_.process().pid(), id_);  // the live XML stays: live changes kept
            relaunched = true;
        } catch (const Error& e) {
            logLine() << "restart of '" << def_.name << "' failed: " << e.what() << std::endl;
            decision.reason = kShutoffFailed;
        }
    }
    guest_.exitHandled(relaunched);
    if (!relaunched) {
        stopReason_ = decision.reason;
        return false;
    }
    waiters_.clear();  // a reboot request is answered by the close
    return true;
}

int Loop::run(util::Fd autodestroy) {
    // Each round polls the console, the guest's own descriptors, the socket and the guest's
    // process, and handles what is ready in that order.
    std::vector<Handler> handlers;
    for (ConsoleProxy& c : consoles_) {  // opened before run(), never again
        handlers.push_back({[&c] { return c.masterFd(); },
                            [&c](short ev) {
                                if (ev & POLLIN) c.onOutput();
                            }});
        handlers.push_back({[&c] { return c.clientFd(); },
                            [&c](short ev) {
                                if (ev & (POLLIN | POLLHUP | POLLERR)) c.onInput();
                            }});
    }
    handlers.insert(handlers.end(), watched_.begin(), watched_.end());
    // Never written to: the only event is the hang-up of the last writer.
    handlers.push_back({[&autodestroy] { return autodestroy.get(); },
                        [this, &autodestroy](short ev) {
                            if (!(ev & (POLLHUP | POLLERR | POLLIN))) return;
                            logLine() << "the connection that started '" << def_.name
                                      << "' with autodestroy is closed: destroying it" << std::endl;
                            autodestroy.reset();
                            destroyGuest();
                        }});
    handlers.push_back({[this] { return listen_.get(); },
                        [this](short ev) {
                            if (ev & POLLIN) handleConnection();
                        }});
    bool done = false;
    handlers.push_back({[this] { return guest_.process().pidfd(); },
                        [this, &done](short ev) {
                            if (!(ev & POLLIN)) return;
                            // Cannot be waited for (never seen): taken for killed.
                            int status = guest_.process().wait().value_or(SIGKILL);
                            util::fault::killPoint("stop:ctl-init-reaped");
                            done = !onGuestExit(status);
                        }});
    std::vector<pollfd> fds(handlers.size());
    while (!done) {
        for (size_t i = 0; i < handlers.size(); ++i)
            fds[i] = {handlers[i].fd(), POLLIN, 0};  // a negative fd is not polled
        int timeout = -1;
        if (shutdownDeadlineMs_ >= 0)
            timeout = static_cast<int>(std::max(0L, shutdownDeadlineMs_ - util::monotonicMs()));
        int rc = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout);
        if (rc < 0 && errno != EINTR) break;
        if (shutdownDeadlineMs_ >= 0 && util::monotonicMs() >= shutdownDeadlineMs_) {
            logLine() << "'" << def_.name << "' did not power off in time: killing it" << std::endl;
            guest_.process().signal(SIGKILL);  // escalate a shutdown the guest ignored
            shutdownDeadlineMs_ = -1;
        }
        if (rc <= 0) continue;
        for (size_t i = 0; i < handlers.size() && !done; ++i)
            // Not when an earlier handler this round changed the descriptor (a console
            // client let go, a QMP connection lost).
            if (fds[i].revents && fds[i].fd == handlers[i].fd()) handlers[i].ready(fds[i].revents);
    }
    tearDown(true);
    waiters_.clear();  // destroy callers see EOF: everything is gone
    return 0;
}

}  // namespace cvirt::controller
