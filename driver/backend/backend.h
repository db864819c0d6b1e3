// SPDX-License-Identifier: GPL-3.0-or-later
// The seam under driver/api/ (libvirt's driver table): everything that differs between a
// container and a VM. The API resolves the name, takes the domain lock, checks the state,
// persists and emits the event; then it asks the domain's Backend. lxc/ and qemu/ implement
// it, and they alone know the cgroup, netlink or QMP mechanics of a running domain.
//
// Every call on a running domain gets its state (state::LiveDomain) and its live definition,
// parsed once by the caller. Callers hold the domain lock unless a method says otherwise.
#pragma once

#include <functional>

#include <cstdint>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "conf/domain_def.h"
#include "cvirt/domain_stats.h"
#include "state/runtime_state.h"
#include "state/uri.h"
#include "util/fd.h"

namespace cvirt::backend {

// What a running domain uses now; the API copies it into DomainInfo and DomainStats.
struct Usage {
    uint64_t cpuNs = 0, cpuUserNs = 0, cpuSystemNs = 0;
    std::vector<uint64_t> perCpuNs;  // empty where the host does not count per CPU
    // dominfo's "Used memory": a container's charged memory, a VM's balloon.
    std::optional<uint64_t> guestMemoryKiB;
    // domstats' balloon.rss: the container's charged memory, qemu's resident set.
    uint64_t residentKiB = 0;
    uint64_t swapUsedKiB = 0;
    uint64_t pids = 0;
    std::optional<uint64_t> pidsMax;
    std::optional<unsigned> vcpusOnline;     // a VM's (query-cpus-fast)
    std::optional<uint64_t> balloonKiB;      // a VM's memory now
    std::vector<BlockStats> blocks;          // named as domblkstat shows them
    std::vector<InterfaceStats> interfaces;  // host ends
};

// A device hot-plugged other than an interface (attach-device, attach-disk, detach-device).
using Device = std::variant<conf::Filesystem, conf::Hostdev, conf::Disk>;

// How much usage() reads: dominfo needs CPU time and memory (Info), domstats all of it.
enum class UsageDetail { Info, Summary, Devices };

class Backend {
public:
    virtual ~Backend() = default;

    virtual state::DriverKind kind() const = 0;

    // Spawns the domain's controller and returns once the guest runs; otherwise throws the
    // controller's reason, with nothing left behind by a controller that reported it.
    // `autodestroyFd` (-1: none) goes to the controller, which destroys the domain once it
    // hangs up (the read end of a pipe whose write end the starting connection holds).
    // `beforeHandOver` (if set) runs once the controller is on its way and before it is given
    // the domain: if it throws, the controller leaves having made nothing and start rethrows.
    virtual void start(const std::string& uri, const conf::DomainDef& def, int id,
                       int autodestroyFd, const std::function<void()>& beforeHandOver) = 0;

    // Requests to the domain's controller. destroy: true once the controller removed
    // everything, or died (the caller repairs); false when it did not acknowledge in time or
    // did not finish within `teardownMs` after (< 0: no limit), and the caller kills it.
    virtual bool destroy(const state::LiveDomain& d, long teardownMs) = 0;
    // Asks the guest to stop (the controller kills it after shutdown_timeout).
    virtual void shutdown(const state::LiveDomain& d) = 0;
    // Restarts the guest in place (same id); returns once it runs again.
    virtual void reboot(const state::LiveDomain& d) = 0;
    // A stream connected to console `devname` ("": the first); throws if another client has
    // it and !force.
    virtual util::Fd openConsole(const state::LiveDomain& d, bool force,
                                 const std::string& devname) = 0;

    // Pauses or continues every process of the domain, with the record and the event. The
    // caller checked the domain is running and not (or, for resume, is) paused.
    virtual void suspend(const state::LiveDomain& d, const conf::DomainDef& live) = 0;
    virtual void resume(const state::LiveDomain& d, const conf::DomainDef& live) = 0;

    // Applies to the running domain what differs in resources between two live definitions;
    // throws, having changed nothing, what it cannot apply. Called the other way round puts
    // it back.
    virtual void changeResources(const state::LiveDomain& d, const conf::DomainDef& before,
                                 const conf::DomainDef& after) = 0;

    // Creates the host side of the interface just appended to `live` (validated, with every
    // other interface as it runs) and fills in the names it got.
    virtual void attachInterface(const state::LiveDomain& d, conf::DomainDef& live) = 0;
    // Removes a running interface, already taken out of the live definition.
    virtual void detachInterface(const state::LiveDomain& d, const conf::Interface& gone) = 0;
    // domif-setlink on an interface's host end.
    virtual void setInterfaceLink(const state::LiveDomain& d, const conf::Interface& iface,
                                  bool up) = 0;
    // Makes `dev`, already appended to `live` (validated), appear in the running domain;
    // throws, having changed nothing, what it cannot attach (libvirt's "device type 'X'
    // cannot be attached"). `dev` may get names it was given (a VM disk's alias).
    virtual void attachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                              Device& dev) = 0;
    // Removes a running device, already taken out of `live`.
    virtual void detachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                              const Device& gone) = 0;
    // A VM's cdrom gets `after`'s medium (no source: ejected) in place of `before`'s.
    virtual void changeMedia(const state::LiveDomain& d, const conf::Disk& before,
                             const conf::Disk& after) = 0;
    // Addresses the guest has configured (domifaddr); no lock needed.
    virtual std::vector<InterfaceAddress> interfaceAddresses(const state::LiveDomain& d) const = 0;

    // Counters of a running domain; zero where it stopped meanwhile. No lock needed.
    virtual Usage usage(const state::LiveDomain& d, const conf::DomainDef& live,
                        UsageDetail detail) const = 0;

    // Runs argv inside a running container (see Domain::exec); its exit status. No lock.
    virtual int exec(const state::LiveDomain& d, const conf::DomainDef& live,
                     const std::vector<std::string>& argv, const std::vector<std::string>& env) = 0;
    // One QMP command (JSON text) to a running VM; qemu's answer. No lock.
    virtual std::string monitor(const state::LiveDomain& d, std::string_view commandJson) = 0;
    // domhostname: the name the running guest has now. No lock. By default libvirt's refusal
    // for a VM without a guest agent (cvirt's VMs have none).
    virtual std::string hostname(const state::LiveDomain& d);

    // Removes what a controller that died (kill -9, crash) left behind, as its record and
    // live XML name them. Never throws. Called by state::RuntimeState::reap, which holds the
    // domain lock.
    virtual void cleanupAfterCrash(const state::StaleDomain& stale) noexcept = 0;

    // capabilities: the <guest> element of this backend's domains.
    virtual void describeGuest(pugi::xml_node caps) const = 0;
    // domcapabilities for `virtType` (one this backend serves) and `machine` (empty: the
    // default one): the document's children. Throws ConfigUnsupported for a machine it has not.
    virtual void describeDomain(pugi::xml_node caps, std::string_view virtType,
                                std::string_view machine) const = 0;
    // Whether this backend serves domains of `virtType` ("lxc", "qemu", "kvm").
    virtual bool serves(std::string_view virtType) const = 0;
};

// The part both backends share: a domain is run by a controller process (cvirt-lxc-controller,
// cvirt-qemu-controller) that answers the same requests on its socket (controller/client.h).
class ControlledBackend : public Backend {
public:
    explicit ControlledBackend(state::DriverPaths paths) : paths_(std::move(paths)) {}
    bool destroy(const state::LiveDomain& d, long teardownMs) override;
    void shutdown(const state::LiveDomain& d) override;
    void reboot(const state::LiveDomain& d) override;
    util::Fd openConsole(const state::LiveDomain& d, bool force,
                         const std::string& devname) override;

protected:
    state::DriverPaths paths_;
};

}  // namespace cvirt::backend
