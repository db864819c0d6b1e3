// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/runtime_state.h"

#include <poll.h>
#include <sys/syscall.h>

#include <signal.h>
#include <unistd.h>

#include <dirent.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <set>
#include <thread>

#include "cvirt/error.h"
#include "state/config_store.h"
#include "state/domain_lock.h"
#include "state/events.h"
#include "state/pid_file.h"
#include "state/uri.h"
#include "util/file.h"
#include "util/process_ref.h"

namespace cvirt::state {

namespace fs = std::filesystem;

bool processAlive(pid_t pid) {
    if (pid <= 0 || (::kill(pid, 0) < 0 && errno != EPERM)) return false;
    auto stat = util::readKernelFileIfExists("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return false;
    size_t paren = stat->rfind(')');
    return paren == std::string::npos || paren + 2 >= stat->size() || (*stat)[paren + 2] != 'Z';
}

bool waitProcessGone(pid_t pid, int timeoutMs) {
    return util::ProcessRef::of(pid).waitGone(timeoutMs);  // on its pidfd: no polling interval
}

RuntimeState::Scan RuntimeState::scan() const {
    // One pass: live XMLs, and records without one (a controller starting, stopping or dead).
    std::set<std::string> live, owned, paused;
    DIR* dir = ::opendir(paths_.runDir.c_str());  // open until the looks are done
    if (dir) {
        while (dirent* e = ::readdir(dir)) {
            std::string_view f = e->d_name;
            if (f.empty() || f[0] == '.') continue;
            if (f.ends_with(".xml") && f.size() > 4)
                live.emplace(f.substr(0, f.size() - 4));
            else if (f.ends_with(".owner") && f.size() > 6)
                owned.emplace(f.substr(0, f.size() - 6));
            else if (f.ends_with(".paused") && f.size() > 7)
                paused.emplace(f.substr(0, f.size() - 7));
        }
    }
    Scan out;
    for (const auto& name : owned)
        if (!live.count(name) && isStale(name)) out.stale.push_back(name);
    for (const auto& name : live) {
        if (auto found = look(name, false, paused.count(name) > 0, dir ? ::dirfd(dir) : -1)) {
            out.running.push_back(name);
            out.live.push_back(std::move(*found));
        } else if (isStale(name)) {
            out.stale.push_back(name);
        }
    }
    if (dir) ::closedir(dir);
    return out;
}

std::optional<std::string> RuntimeState::liveXml(std::string_view name) const {
    if (!find(name)) return std::nullopt;
    return util::readFileIfExists(entryPath(paths_.runDir, name, ".xml"));
}

namespace {

// The controller a domain's state files name: its record's (written before it makes
// anything), else its pid file's.
util::ProcessRef controllerOf(const std::optional<OwnerRecord>& owner,
                              const std::optional<PidFile>& pids) {
    if (owner) return {owner->controller, owner->controllerStart};
    if (pids) return pids->controller;
    return {};
}

}  // namespace

RuntimeState::RuntimeState(DriverPaths paths) : paths_(std::move(paths)) {}
RuntimeState::~RuntimeState() = default;
RuntimeState::RuntimeState(RuntimeState&&) noexcept = default;

bool RuntimeState::isStale(std::string_view name) const {
    auto file = [&](const char* ext) { return entryPath(paths_.runDir, name, ext); };
    auto pidText = util::readFileIfExists(file(".pid"));
    auto pids = pidText ? parsePidFile(*pidText) : std::nullopt;
    bool running = pids && ::access(file(".xml").c_str(), F_OK) == 0;
    if (running) return pids->controller.pid > 0 && !pids->controller.alive();
    // A start or a clean stop in progress has a record and no live XML; only a dead
    // controller makes either stale. A process that got its pid since does not keep the
    // domain: its start time differs.
    std::optional<OwnerRecord> owner;
    if (auto text = util::readFileIfExists(file(".owner"))) owner = parseOwnerRecord(*text);
    if (!owner) return false;
    util::ProcessRef controller = controllerOf(owner, pids);
    return controller.pid > 0 && !controller.alive();
}

std::optional<LiveDomain> RuntimeState::find(std::string_view name) const {
    return look(name, true, std::nullopt);
}

namespace {

// The live XML starts "<domain type='…' id='N'": the id is in its first bytes.
constexpr size_t kLiveXmlHead = 256;

}  // namespace

std::optional<LiveDomain> RuntimeState::look(std::string_view name, bool whole,
                                             std::optional<bool> paused, int runDirFd) const {
    std::string n(name);
    // Through the open run directory where there is one: no walk down to it per file.
    const bool relative = runDirFd >= 0 && !whole;
    const int at = relative ? runDirFd : AT_FDCWD;
    const fs::path dir = relative ? fs::path() : paths_.runDir;
    fs::path xmlPath = entryPath(dir, n, ".xml");
    std::optional<std::string> xml, text;
    std::optional<PidFile> pids;
    if (relative) {
        // The scan saw NAME.xml: the pid file names the id, and the live XML is read only for
        // a pid file of an older controller, without one.
        text = util::readFileHead(at, entryPath(dir, n, ".pid"), 512);
        pids = text ? parsePidFile(*text) : std::nullopt;
        if (pids && pids->id > 0)
            xml.emplace();
        else if (pids)
            xml = util::readFileHead(at, xmlPath, kLiveXmlHead);
    } else {
        xml = whole ? util::readFileIfExists(xmlPath) : util::readFileHead(xmlPath, kLiveXmlHead);
        // A few bytes, in one read (no fstat).
        text = xml ? util::readFileHead(entryPath(dir, n, ".pid"), 512) : std::nullopt;
        pids = text ? parsePidFile(*text) : std::nullopt;
    }
    // The controller writes NAME.pid before NAME.xml and removes NAME.xml first: no XML, or no
    // pid file, is a start or a clean stop in progress — or what a controller that died left
    // (isStale). A dead controller's domain is not running either: its container died with
    // it (PDEATHSIG).
    if (!xml || !pids || !pids->controller.alive()) return std::nullopt;
    LiveDomain live;
    live.name = n;
    live.paused =
        paused ? *paused : ::access((entryPath(paths_.runDir, n, ".paused")).c_str(), F_OK) == 0;
    if (live.paused) live.stateReason = 1;  // virDomainPausedReason: user
    live.controller = pids->controller;
    live.init = pids->guest;
    live.controllerPid = pids->controller.pid;
    live.initPid = pids->guest.pid;
    live.id = pids->id;
    if (size_t p = xml->find("id='"); live.id <= 0 && p != std::string::npos && p < 200) {
        const char* b = xml->data() + p + 4;
        std::from_chars(b, xml->data() + xml->size(), live.id);
    }
    if (whole) live.record = std::move(*xml);
    return live;
}

bool RuntimeState::reap(std::string_view name, const StaleCleanup& cleanup, int waitMs,
                        int reasonIfRunning) {
    std::string n(name);
    std::optional<DomainLock> lock;
    try {
        if (DomainLock::heldFd(paths_.lockDir, n) < 0) {
            lock = DomainLock::tryAcquire(paths_.lockDir, n);
            if (!lock) return false;  // its holder is at work on the domain
        }
    } catch (const Error&) {
        return false;  // a reader that cannot lock leaves the cleaning to the next command
    }
    auto file = [&](const char* ext) { return entryPath(paths_.runDir, n, ext); };
    StaleDomain stale;
    stale.liveXml = util::readFileIfExists(file(".xml"));
    auto pidText = util::readFileIfExists(file(".pid"));
    auto pids = pidText ? parsePidFile(*pidText) : std::nullopt;
    if (auto text = util::readFileIfExists(file(".owner"))) stale.owner = parseOwnerRecord(*text);
    util::ProcessRef controller = controllerOf(stale.owner, pids);
    if (controller.pid <= 0) return true;  // nothing claimed: nothing to clean
    // A pid the kernel gave to another process since reads as gone (start time).
    if (!controller.waitGone(waitMs)) return false;
    // The guest died with its controller (death signal) unless something held it (a frozen
    // cgroup). Only a process that provably is the guest is killed here, by start time
    // through a pidfd; a container's processes go with its cgroup (cleanup), which holds
    // nothing but the domain's own.
    if (pids && pids->guest.startTime != 0) pids->guest.signal(SIGKILL);
    if (cleanup) cleanup(stale);
    // The record goes last: a cleaner killed halfway leaves it for the next one.
    bool wasRunning = ::unlink(file(".xml").c_str()) == 0;
    for (const char* ext : {".pid", ".sock", ".paused", ".owner"})
        ::unlink(file(ext).c_str());
    std::error_code ec;
    fs::remove_all(file(".d"), ec);  // a VM's sockets (qemu/endpoints.h)
    if (wasRunning) {
        try {
            setShutoffReason(name, reasonIfRunning);
        } catch (...) {
        }
        emitEvent(paths_, n, "stopped",
                  reasonIfRunning == kReasonDestroyed ? "destroyed" : "crashed");
    }
    return true;
}

void RuntimeState::replaceLiveXml(std::string_view name, const std::string& xml) {
    util::writeFileReplace(entryPath(paths_.runDir, name, ".xml"), xml, 0600);
}

util::StagedFile RuntimeState::stageLiveXml(std::string_view name, const std::string& xml) {
    return util::StagedFile(entryPath(paths_.runDir, name, ".xml"), xml, 0600);
}

void RuntimeState::setPaused(std::string_view name, bool paused) {
    fs::path marker = entryPath(paths_.runDir, name, ".paused");
    if (paused)
        util::writeFileReplace(marker, "", 0644);
    else
        util::removeFile(marker);
}

int RuntimeState::shutoffReason(std::string_view name) const {
    auto text = util::readFileIfExists(entryPath(paths_.runDir, name, ".reason"));
    int reason = 0;
    if (text) std::from_chars(text->data(), text->data() + text->size(), reason);
    return reason;
}

void RuntimeState::setShutoffReason(std::string_view name, int reason) {
    util::makeDirs(paths_.runDir, 0755);
    util::writeFileReplace(entryPath(paths_.runDir, name, ".reason"), std::to_string(reason) + "\n",
                           0644);
}

void RuntimeState::clear(std::string_view name) {
    util::removeFile(entryPath(paths_.runDir, name, ".reason"));
}

}  // namespace cvirt::state
