// SPDX-License-Identifier: GPL-3.0-or-later
#include "lxc/backend.h"

#include <unistd.h>

#include <cstdlib>
#include <set>

#include "backend/capabilities.h"
#include "conf/domain.h"
#include "controller/client.h"
#include "cvirt/error.h"
#include "lxc/controller/entry.h"
#include "lxc/enter.h"
#include "net/netlink.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt::lxc {

namespace fs = std::filesystem;

namespace {

constexpr const char* kControllerVar = "CVIRT_LXC_CONTROLLER";

}  // namespace

std::string controllerPath() {
    return util::helperPath("cvirt-lxc-controller", kControllerVar);
}

const cgroup::HostLayout& LxcBackend::hostCgroups() const {
    if (!hostCgroups_) hostCgroups_ = cgroup::detectHost();
    return *hostCgroups_;
}

cgroup::DomainCgroup LxcBackend::cgroupOf(const conf::DomainDef& live) const {
    return cgroup::DomainCgroup::open(hostCgroups(), cgroup::placementFor(live, "lxc", root_));
}

void LxcBackend::start(const std::string& uri, const conf::DomainDef& def, int id,
                       int autodestroyFd, const std::function<void()>& beforeHandOver) {
    // The controller's code is this program's too: without exec when this process may,
    // unless a controller program of its own is named.
    const char* named = std::getenv(kControllerVar);
    controller::spawn(controllerPath(), uri, paths_, def, id, autodestroyFd,
                      named && *named ? nullptr : &controllerMain, beforeHandOver);
}

int LxcBackend::exec(const state::LiveDomain& d, const conf::DomainDef& live,
                     const std::vector<std::string>& argv, const std::vector<std::string>& env) {
    auto cg = cgroupOf(live);
    // Its sysinfo(2) calls answered by the controller, as init's are.
    EnterTarget target{.initPid = d.initPid,
                       .controllerPid = d.controllerPid,
                       .handSysinfoTrap = [&](int listener) {
                           controller::call(paths_, d.name, "sysinfo-trap", listener);
                       }};
    int status = runInside(target, live, argv, env, &cg);
    // A destroy that raced the command kills it (137) or its way in (255): say so. Its
    // controller reaps init within milliseconds of its death.
    constexpr int kStoppedMs = 500;
    if ((status == 137 || status == 255) && state::waitProcessGone(d.initPid, kStoppedMs))
        throw Error(ErrorCode::OperationFailed,
                    "domain '" + d.name + "' stopped while the command ran (it ended with status " +
                        std::to_string(status) + ")");
    return status;
}

std::string LxcBackend::monitor(const state::LiveDomain& d, std::string_view) {
    throw Error(ErrorCode::OperationInvalid,
                "domain '" + d.name + "' is not a qemu domain: it has no monitor");
}

void LxcBackend::cleanupAfterCrash(const state::StaleDomain& stale) noexcept {
    // Best effort throughout: a reader must not fail because a dead domain left a mess.
    std::optional<conf::DomainDef> def;
    try {
        if (stale.liveXml)
            def = conf::parseDomain(*stale.liveXml,
                                    {.filename = "live XML", .validateSchema = false});
    } catch (...) {
    }
    try {
        if (stale.owner && !stale.owner->cgroupLeaf.empty())
            cgroup::DomainCgroup::open(hostCgroups(), stale.owner->cgroupPartition,
                                       stale.owner->cgroupLeaf)
                .remove();
        else if (def)  // a controller from before owner records
            cgroupOf(*def).remove();
    } catch (...) {
    }
    // The veths would go with the container's namespace, but only once the kernel gets to it:
    // the names must be free now, for the next start.
    std::set<std::string> links;
    if (stale.owner) links.insert(stale.owner->links.begin(), stale.owner->links.end());
    if (def)  // also what was attached live
        for (const auto& n : def->interfaces)
            if (!n.targetDev.empty() && n.type != conf::NetType::Direct) links.insert(n.targetDev);
    if (links.empty()) return;
    try {
        net::Netlink nl = net::Netlink::open();
        for (const auto& l : links)
            nl.deleteLink(l);
    } catch (...) {
    }
}

void LxcBackend::describeGuest(pugi::xml_node caps) const {
    std::string controller;
    try {
        controller = controllerPath();
    } catch (const Error&) {
    }
    backend::addGuest(caps, "exe", controller, {}, {"lxc"});
}

void LxcBackend::describeDomain(pugi::xml_node caps, std::string_view,
                                std::string_view machine) const {
    if (!machine.empty())
        throw Error(ErrorCode::ConfigUnsupported,
                    "a container has no machine type (asked for '" + std::string(machine) + "')");
    std::string emulator;
    try {
        emulator = controllerPath();
    } catch (const Error&) {
    }
    caps.append_child("path").text() = emulator.c_str();
    caps.append_child("domain").text() = "lxc";
    caps.append_child("arch").text() = backend::machine().c_str();
    caps.append_child("vcpu").append_attribute("max") = ::sysconf(_SC_NPROCESSORS_ONLN);
    caps.append_child("os").append_attribute("supported") = "yes";
    pugi::xml_node devices = caps.append_child("devices");
    pugi::xml_node fs = backend::addDevice(devices, "filesystem");
    backend::addEnum(fs, "driverType", {"path", "loop", "nbd"});
    backend::addEnum(fs, "type", {"mount", "bind", "block", "file", "ram"});
    pugi::xml_node hostdev = backend::addDevice(devices, "hostdev");
    backend::addEnum(hostdev, "mode", {"capabilities"});
    backend::addEnum(hostdev, "capsType", {"storage", "misc", "net"});
    pugi::xml_node net = backend::addDevice(devices, "interface");
    backend::addEnum(net, "type", {"bridge", "network", "ethernet", "direct"});
    backend::addDevice(devices, "console");
}

}  // namespace cvirt::lxc
