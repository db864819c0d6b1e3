// SPDX-License-Identifier: GPL-3.0-or-later
// The QEMU backend (backend/backend.h): VMs, each run by a cvirt-qemu-controller, the parent
// of qemu. What changes a running VM are QMP requests, sent through its controller (which
// holds the one QMP connection qemu allows).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "conf/domain_def.h"
#include "qemu/qmp.h"
#include "state/uri.h"

namespace cvirt::qemu {

// Where Debian installs qemu.
inline constexpr const char* kEmulator = "/usr/bin/qemu-system-x86_64";

class QemuBackend : public backend::ControlledBackend {
public:
    explicit QemuBackend(state::DriverPaths paths) : ControlledBackend(std::move(paths)) {}

    state::DriverKind kind() const override { return state::DriverKind::Qemu; }
    void start(const std::string& uri, const conf::DomainDef& def, int id, int autodestroyFd,
               const std::function<void()>& beforeHandOver) override;
    void suspend(const state::LiveDomain& d, const conf::DomainDef& live) override;
    void resume(const state::LiveDomain& d, const conf::DomainDef& live) override;
    // Only the memory changes live, through the balloon (qemu runs outside any cgroup of
    // cvirt's), and the online vcpus (vcpus.cc).
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
    // qemu dies with its controller (death signal) and its taps with qemu: nothing is left
    // but the state files, which the caller removes.
    void cleanupAfterCrash(const state::StaleDomain&) noexcept override {}
    void describeGuest(pugi::xml_node caps) const override;
    // domain_caps.cc
    void describeDomain(pugi::xml_node caps, std::string_view virtType,
                        std::string_view machine) const override;
    bool serves(std::string_view virtType) const override {
        return virtType == "qemu" || virtType == "kvm";
    }
};

// $CVIRT_QEMU_CONTROLLER, next to the running program, the build tree, or libexec.
std::string controllerPath();

}  // namespace cvirt::qemu
