// SPDX-License-Identifier: GPL-3.0-or-later
// A backend::Backend for the API's unit tests (leveldb's EnvWrapper, ninja's
// VirtualFileSystem): it records every call, fails a call when told to, and runs a domain as
// far as the state files go, the way a controller does: a `sleep` it spawned stands for the
// controller and another for the guest, named in NAME.owner and NAME.pid, then NAME.xml is
// written (controller/live_files.h). Killing the controller's process is a controller that
// died. No cgroup, netlink or namespace: it runs without root.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "conf/domain_def.h"
#include "cvirt/domain_state.h"
#include "cvirt/error.h"
#include "state/runtime_state.h"
#include "util/child.h"

namespace cvirt::fake {

// One call a FakeBackend took, with the arguments that matter.
struct Call {
    std::string method;  // the Backend method: "start", "changeResources", …
    // "" for a call about no domain (describeGuest, serves, kind); for cleanupAfterCrash, the
    // domain whose controller its record names
    std::string domain;
    int id = 0;  // start: the id given; a call on a running domain: the domain's
    // start: the definition; changeResources: before and after; suspend, resume,
    // attachInterface (with the new interface, before the names are filled in), attachDevice,
    // detachDevice, usage, exec: the live definition
    std::vector<conf::DomainDef> defs;
    std::optional<conf::Interface> iface;   // detachInterface, setInterfaceLink
    std::optional<backend::Device> device;  // attachDevice, detachDevice; changeMedia: after
    // setInterfaceLink: up; openConsole: force; usage: UsageDetail::Devices; start: an
    // autodestroy descriptor was given
    bool flag = false;
    std::string text;  // start: the URI; monitor: the command; describeDomain, serves: the type
    std::vector<std::string> argv, env;       // exec
    std::optional<state::StaleDomain> stale;  // cleanupAfterCrash
};

// What the fake backends of one test share, beyond any one connection: the calls they took,
// the failures they are to make, the figures they report and the processes that stand for
// each running domain's controller and guest. While it lives, Connection::open gives every
// driver a FakeBackend of this host (connection_impl.h, setBackendFactoryForTesting).
// Destruction kills and reaps every process left and puts the real backends back.
class FakeHost {
public:
    FakeHost();
    ~FakeHost();
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    const std::vector<Call>& calls() const { return calls_; }
    std::vector<Call> calls(std::string_view method) const;  // of one method, in order
    std::vector<Call> callsFor(std::string_view domain) const;
    size_t count(std::string_view method) const { return calls(method).size(); }

    // The next call of `method` throws `error` once it is recorded, having done nothing: a
    // controller that reported its failure.
    void failNext(const std::string& method, Error error);
    // The next call of `method` finds the controller dying: it is killed (for start, once it
    // wrote its record and pid file), its state files stay as they are, and `error` is thrown.
    void crashNext(const std::string& method, Error error);
    // Runs `hook` in the next call of `method`, after it is recorded and before anything else.
    void onNext(const std::string& method, std::function<void()> hook);
    // destroy: the controller does not acknowledge (Backend::destroy returns false, and the
    // domain runs on until the caller kills the controller).
    bool destroyUnanswered = false;

    // What usage, interfaceAddresses, exec and monitor give back.
    backend::Usage usage;
    std::vector<InterfaceAddress> addresses;
    int execStatus = 0;
    std::string monitorReply = "{\"return\":{}}";

    // The processes of a domain a fake started: 0 when it started none, -1 once killed.
    pid_t controllerPid(const std::string& name) const;
    pid_t guestPid(const std::string& name) const;
    // kill -9 and reap: the controller (guest) died, its state files left behind.
    void killController(const std::string& name);
    void killGuest(const std::string& name);

private:
    friend class FakeBackend;
    struct Fault {
        bool crash = false;
        Error error;
    };
    struct Processes {
        util::Child controller, guest;
    };
    // Records `call`, runs its hook; the fault it is to make, if any.
    std::optional<Fault> enter(Call call);
    // Throws a fault's error, killing the domain's controller first if it crashes.
    [[noreturn]] void raise(const Fault& fault, const std::string& name);

    std::vector<Call> calls_;
    std::map<std::string, Fault, std::less<>> faults_;
    std::map<std::string, std::function<void()>, std::less<>> hooks_;
    std::map<std::string, Processes, std::less<>> processes_;
    std::map<pid_t, std::string> domainOf_;  // by controller pid: whom cleanupAfterCrash is for
};

class FakeBackend : public backend::Backend {
public:
    // `host` outlives the backend.
    FakeBackend(state::DriverPaths paths, FakeHost& host) : paths_(std::move(paths)), host_(host) {}

    state::DriverKind kind() const override;
    void start(const std::string& uri, const conf::DomainDef& def, int id, int autodestroyFd,
               const std::function<void()>& beforeHandOver) override;
    bool destroy(const state::LiveDomain& d, long teardownMs) override;
    void shutdown(const state::LiveDomain& d) override;
    void reboot(const state::LiveDomain& d) override;
    util::Fd openConsole(const state::LiveDomain& d, bool force,
                         const std::string& devname) override;
    void suspend(const state::LiveDomain& d, const conf::DomainDef& live) override;
    void resume(const state::LiveDomain& d, const conf::DomainDef& live) override;
    void changeResources(const state::LiveDomain& d, const conf::DomainDef& before,
                         const conf::DomainDef& after) override;
    void attachInterface(const state::LiveDomain& d, conf::DomainDef& live) override;
    void detachInterface(const state::LiveDomain& d, const conf::Interface& gone) override;
    void attachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                      backend::Device& dev) override;
    void detachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                      const backend::Device& gone) override;
    void changeMedia(const state::LiveDomain& d, const conf::Disk& before,
                     const conf::Disk& after) override;
    void setInterfaceLink(const state::LiveDomain& d, const conf::Interface& iface,
                          bool up) override;
    std::vector<InterfaceAddress> interfaceAddresses(const state::LiveDomain& d) const override;
    backend::Usage usage(const state::LiveDomain& d, const conf::DomainDef& live,
                         backend::UsageDetail detail) const override;
    int exec(const state::LiveDomain& d, const conf::DomainDef& live,
             const std::vector<std::string>& argv, const std::vector<std::string>& env) override;
    std::string monitor(const state::LiveDomain& d, std::string_view commandJson) override;
    void cleanupAfterCrash(const state::StaleDomain& stale) noexcept override;
    void describeGuest(pugi::xml_node caps) const override;
    void describeDomain(pugi::xml_node caps, std::string_view virtType,
                        std::string_view machine) const override;
    bool serves(std::string_view virtType) const override;

private:
    // A call on running domain `d`: recorded, its hook run, its fault raised.
    void enter(const state::LiveDomain& d, Call call) const;
    // What the controller does when the guest stops: the reason, the state files, the
    // record last, then it exits.
    void stop(const std::string& name, ShutoffReason reason);

    state::DriverPaths paths_;
    FakeHost& host_;
};

}  // namespace cvirt::fake
