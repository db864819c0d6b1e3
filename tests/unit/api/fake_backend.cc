// SPDX-License-Identifier: GPL-3.0-or-later
#include "fake_backend.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>

#include "api/connection_impl.h"
#include "controller/live_files.h"
#include "state/owner_record.h"
#include "state/pid_file.h"
#include "util/file.h"
#include "util/process_ref.h"

extern char** environ;

namespace cvirt::fake {

namespace {

// A process that does nothing until it is killed, with no descriptor of ours (stdio on
// /dev/null, the rest close-on-exec as all of ours are): an abandoned one holds no pipe of
// the test runner nor a domain lock.
util::Child spawnSleeper() {
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDWR, 0);
    ::posix_spawn_file_actions_adddup2(&actions, 0, 1);
    ::posix_spawn_file_actions_adddup2(&actions, 0, 2);
    char name[] = "sleep", seconds[] = "3600";
    char* argv[] = {name, seconds, nullptr};
    pid_t pid = -1;
    int rc = ::posix_spawnp(&pid, "sleep", &actions, nullptr, argv, environ);
    ::posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throwSystemError(rc, "cannot spawn 'sleep'");
    return util::Child(pid);
}

}  // namespace

// --- FakeHost ---------------------------------------------------------------------------

FakeHost::FakeHost() {
    setBackendFactoryForTesting(
        [this](const state::DriverPaths& paths, const std::filesystem::path&) {
            return std::make_unique<FakeBackend>(paths, *this);
        });
}

FakeHost::~FakeHost() {
    setBackendFactoryForTesting(nullptr);
}

std::vector<Call> FakeHost::calls(std::string_view method) const {
    std::vector<Call> out;
    for (const auto& c : calls_)
        if (c.method == method) out.push_back(c);
    return out;
}

std::vector<Call> FakeHost::callsFor(std::string_view domain) const {
    std::vector<Call> out;
    for (const auto& c : calls_)
        if (c.domain == domain) out.push_back(c);
    return out;
}

void FakeHost::failNext(const std::string& method, Error error) {
    faults_.insert_or_assign(method, Fault{false, std::move(error)});
}

void FakeHost::crashNext(const std::string& method, Error error) {
    faults_.insert_or_assign(method, Fault{true, std::move(error)});
}

void FakeHost::onNext(const std::string& method, std::function<void()> hook) {
    hooks_.insert_or_assign(method, std::move(hook));
}

pid_t FakeHost::controllerPid(const std::string& name) const {
    auto it = processes_.find(name);
    return it == processes_.end() ? 0 : it->second.controller.pid();
}

pid_t FakeHost::guestPid(const std::string& name) const {
    auto it = processes_.find(name);
    return it == processes_.end() ? 0 : it->second.guest.pid();
}

void FakeHost::killController(const std::string& name) {
    if (auto it = processes_.find(name); it != processes_.end()) it->second.controller.reset();
}

void FakeHost::killGuest(const std::string& name) {
    if (auto it = processes_.find(name); it != processes_.end()) it->second.guest.reset();
}

std::optional<FakeHost::Fault> FakeHost::enter(Call call) {
    std::string method = call.method;
    calls_.push_back(std::move(call));
    if (auto hook = hooks_.extract(method)) hook.mapped()();
    if (auto fault = faults_.extract(method)) return std::move(fault.mapped());
    return std::nullopt;
}

void FakeHost::raise(const Fault& fault, const std::string& name) {
    if (fault.crash) killController(name);
    throw fault.error;
}

// --- FakeBackend ------------------------------------------------------------------------

void FakeBackend::enter(const state::LiveDomain& d, Call call) const {
    call.domain = d.name;
    call.id = d.id;
    if (auto fault = host_.enter(std::move(call))) host_.raise(*fault, d.name);
}

void FakeBackend::stop(const std::string& name, ShutoffReason reason) {
    controller::LiveFiles files(paths_, name);
    host_.killGuest(name);
    files.setStopReason(reason);
    files.remove();
    files.removeOwner();
    host_.processes_.erase(name);  // the controller exits
}

state::DriverKind FakeBackend::kind() const {
    host_.enter({.method = "kind"});
    return paths_.kind;
}

void FakeBackend::start(const std::string& uri, const conf::DomainDef& def, int id,
                        int autodestroyFd, const std::function<void()>& beforeHandOver) {
    if (beforeHandOver) beforeHandOver();  // no controller yet: nothing to take back
    auto fault = host_.enter({.method = "start",
                              .domain = def.name,
                              .id = id,
                              .defs = {def},
                              .flag = autodestroyFd >= 0,
                              .text = uri});
    if (fault && !fault->crash) throw fault->error;
    // A controller's order (lxc/controller/controller.cc): its record before it makes
    // anything, the pid file once the guest runs, the live XML last.
    util::makeDirs(paths_.runDir, 0755);
    controller::LiveFiles files(paths_, def.name);
    FakeHost::Processes& p = host_.processes_[def.name];
    p.controller = spawnSleeper();
    host_.domainOf_[p.controller.pid()] = def.name;
    util::ProcessRef controller = util::ProcessRef::of(p.controller.pid());
    state::OwnerRecord owner{.controller = controller.pid,
                             .controllerStart = controller.startTime,
                             .cgroupLeaf = def.name};
    for (const auto& n : def.interfaces)
        if (!n.targetDev.empty()) owner.links.push_back(n.targetDev);
    files.writeOwner(owner);
    p.guest = spawnSleeper();
    state::PidFile pids{controller, util::ProcessRef::of(p.guest.pid()), id};
    util::writeFileReplace(state::entryPath(paths_.runDir, def.name, ".pid"),
                           state::formatPidFile(pids), 0644);
    if (fault) host_.raise(*fault, def.name);
    files.writeXml(def, id);
    files.announce("started", "booted");
}

bool FakeBackend::destroy(const state::LiveDomain& d, long) {
    enter(d, {.method = "destroy"});
    if (host_.destroyUnanswered) return false;
    stop(d.name, kShutoffDestroyed);
    return true;
}

void FakeBackend::shutdown(const state::LiveDomain& d) {
    enter(d, {.method = "shutdown"});
    stop(d.name, kShutoffShutdown);  // the guest obeys at once
}

void FakeBackend::reboot(const state::LiveDomain& d) {
    enter(d, {.method = "reboot"});
    // A new guest under the same controller; the live XML stays (controller/live_files.h).
    FakeHost::Processes& p = host_.processes_[d.name];
    p.guest = spawnSleeper();
    state::PidFile pids{d.controller, util::ProcessRef::of(p.guest.pid()), d.id};
    util::writeFileReplace(state::entryPath(paths_.runDir, d.name, ".pid"),
                           state::formatPidFile(pids), 0644);
    controller::LiveFiles(paths_, d.name).announce("reboot", "-");
}

util::Fd FakeBackend::openConsole(const state::LiveDomain& d, bool force,
                                  const std::string& devname) {
    enter(d, {.method = "openConsole", .flag = force, .text = devname});
    int ends[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) < 0)
        throwSystemError(errno, "cannot make a console stream");
    ::close(ends[1]);  // the console hangs up at once
    return util::Fd(ends[0]);
}

void FakeBackend::suspend(const state::LiveDomain& d, const conf::DomainDef& live) {
    enter(d, {.method = "suspend", .defs = {live}});
    controller::LiveFiles files(paths_, d.name);
    files.setPaused(true);
    files.announce("suspended", "paused");
}

void FakeBackend::resume(const state::LiveDomain& d, const conf::DomainDef& live) {
    enter(d, {.method = "resume", .defs = {live}});
    controller::LiveFiles files(paths_, d.name);
    files.setPaused(false);
    files.announce("resumed", "unpaused");
}

void FakeBackend::changeResources(const state::LiveDomain& d, const conf::DomainDef& before,
                                  const conf::DomainDef& after) {
    enter(d, {.method = "changeResources", .defs = {before, after}});
}

void FakeBackend::attachInterface(const state::LiveDomain& d, conf::DomainDef& live) {
    enter(d, {.method = "attachInterface", .defs = {live}});
    // Names by position, as net::planInterfaces gives them, with "fake" for "cvt".
    size_t index = live.interfaces.size() - 1;
    conf::Interface& iface = live.interfaces.back();
    if (iface.targetDev.empty())
        iface.targetDev = "fake" + std::to_string(d.id) + "-" + std::to_string(index);
    if (iface.guestDev.empty()) iface.guestDev = "eth" + std::to_string(index);
}

void FakeBackend::detachInterface(const state::LiveDomain& d, const conf::Interface& gone) {
    enter(d, {.method = "detachInterface", .iface = gone});
}

void FakeBackend::attachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                               backend::Device& dev) {
    enter(d, {.method = "attachDevice", .defs = {live}, .device = dev});
}

void FakeBackend::detachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                               const backend::Device& gone) {
    enter(d, {.method = "detachDevice", .defs = {live}, .device = gone});
}

void FakeBackend::changeMedia(const state::LiveDomain& d, const conf::Disk&,
                              const conf::Disk& after) {
    enter(d, {.method = "changeMedia", .device = after});
}

void FakeBackend::setInterfaceLink(const state::LiveDomain& d, const conf::Interface& iface,
                                   bool up) {
    enter(d, {.method = "setInterfaceLink", .iface = iface, .flag = up});
}

std::vector<InterfaceAddress> FakeBackend::interfaceAddresses(const state::LiveDomain& d) const {
    enter(d, {.method = "interfaceAddresses"});
    return host_.addresses;
}

backend::Usage FakeBackend::usage(const state::LiveDomain& d, const conf::DomainDef& live,
                                  backend::UsageDetail detail) const {
    enter(d, {.method = "usage", .defs = {live}, .flag = detail == backend::UsageDetail::Devices});
    return host_.usage;
}

int FakeBackend::exec(const state::LiveDomain& d, const conf::DomainDef& live,
                      const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    enter(d, {.method = "exec", .defs = {live}, .argv = argv, .env = env});
    return host_.execStatus;
}

std::string FakeBackend::monitor(const state::LiveDomain& d, std::string_view commandJson) {
    enter(d, {.method = "monitor", .text = std::string(commandJson)});
    return host_.monitorReply;
}

void FakeBackend::cleanupAfterCrash(const state::StaleDomain& stale) noexcept {
    try {
        std::string name;
        if (stale.owner)
            if (auto it = host_.domainOf_.find(stale.owner->controller);
                it != host_.domainOf_.end())
                name = it->second;
        host_.enter({.method = "cleanupAfterCrash", .domain = name, .stale = stale});
    } catch (...) {
    }
}

void FakeBackend::describeGuest(pugi::xml_node caps) const {
    host_.enter({.method = "describeGuest"});
    caps.append_child("guest").append_attribute("fake") = state::driverName(paths_.kind).data();
}

void FakeBackend::describeDomain(pugi::xml_node caps, std::string_view virtType,
                                 std::string_view machine) const {
    host_.enter({.method = "describeDomain", .text = std::string(virtType)});
    std::string driver(state::driverName(paths_.kind));
    caps.append_child("path").text() = ("/usr/bin/fake-" + driver).c_str();
    caps.append_child("arch").text() = "x86_64";
    pugi::xml_node fake = caps.append_child("fake");
    fake.append_attribute("driver") = driver.c_str();
    fake.append_attribute("type") = std::string(virtType).c_str();
    fake.append_attribute("machine") = std::string(machine).c_str();
}

bool FakeBackend::serves(std::string_view virtType) const {
    host_.enter({.method = "serves", .text = std::string(virtType)});
    if (paths_.kind == state::DriverKind::Qemu) return virtType == "qemu" || virtType == "kvm";
    return virtType == "lxc";
}

}  // namespace cvirt::fake
