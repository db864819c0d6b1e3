// SPDX-License-Identifier: GPL-3.0-or-later
// The LXC backend (backend/backend.h): containers, run by cvirt-lxc-controller. Starting one
// is spawning its controller (talking to a running controller is controller/client.h); the
// live changes of a running container (freezer, limits, interfaces, usage) are its cgroup and
// its network namespace, changed from here (lxc/live.cc), and its mount namespace and device
// whitelist for hot-plugged filesystems and host devices (lxc/hotplug.cc).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "backend/backend.h"
#include "cgroup/brief_counters.h"
#include "cgroup/domain_cgroup.h"
#include "state/uri.h"

namespace cvirt::lxc {

class LxcBackend : public backend::ControlledBackend {
public:
    // `root`: the connection's embed root ("" for the system), which names the cgroups.
    LxcBackend(state::DriverPaths paths, std::filesystem::path root)
        : ControlledBackend(std::move(paths)), root_(std::move(root)) {}

    state::DriverKind kind() const override { return state::DriverKind::Lxc; }
    void start(const std::string& uri, const conf::DomainDef& def, int id, int autodestroyFd,
               const std::function<void()>& beforeHandOver) override;
    void suspend(const state::LiveDomain& d, const conf::DomainDef& live) override;
    void resume(const state::LiveDomain& d, const conf::DomainDef& live) override;
    void changeResources(const state::LiveDomain& d, const conf::DomainDef& before,
                         const conf::DomainDef& after) override;
    void attachInterface(const state::LiveDomain& d, conf::DomainDef& live) override;
    void detachInterface(const state::LiveDomain& d, const conf::Interface& gone) override;
    void setInterfaceLink(const state::LiveDomain& d, const conf::Interface& iface,
                          bool up) override;
    void attachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                      backend::Device& dev) override;
    void detachDevice(const state::LiveDomain& d, const conf::DomainDef& live,
                      const backend::Device& gone) override;
    void changeMedia(const state::LiveDomain& d, const conf::Disk& before,
                     const conf::Disk& after) override;
    std::vector<InterfaceAddress> interfaceAddresses(const state::LiveDomain& d) const override;
    backend::Usage usage(const state::LiveDomain& d, const conf::DomainDef& live,
                         backend::UsageDetail detail) const override;
    int exec(const state::LiveDomain& d, const conf::DomainDef& live,
             const std::vector<std::string>& argv, const std::vector<std::string>& env) override;
    std::string monitor(const state::LiveDomain& d, std::string_view commandJson) override;
    std::string hostname(const state::LiveDomain& d) override;
    void cleanupAfterCrash(const state::StaleDomain& stale) noexcept override;
    void describeGuest(pugi::xml_node caps) const override;
    void describeDomain(pugi::xml_node caps, std::string_view virtType,
                        std::string_view machine) const override;
    bool serves(std::string_view virtType) const override { return virtType == "lxc"; }

private:
    // The host's cgroup layout, read once.
    const cgroup::HostLayout& hostCgroups() const;
    // The cgroup of a running container, from its live definition; not owned.
    cgroup::DomainCgroup cgroupOf(const conf::DomainDef& live) const;

    std::filesystem::path root_;
    mutable std::optional<cgroup::HostLayout> hostCgroups_;
    mutable cgroup::BriefCountersCache counters_;  // usage(Info): dominfo's two counters
};

// Path of the controller binary: $CVIRT_LXC_CONTROLLER, next to the running program, the
// build tree, or the install location.
std::string controllerPath();

}  // namespace cvirt::lxc
