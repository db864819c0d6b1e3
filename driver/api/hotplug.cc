// Interfaces added to or taken from a running container (attach-interface, detach-interface,
// attach-device, detach-device), and from its persistent definition with --config.
#include <fcntl.h>

#include "api/connection_impl.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "net/interfaces.h"
#include "net/netlink.h"
#include "state/domain_lock.h"
#include "util/fd.h"
#include "util/file.h"

namespace cvirt {

namespace {

// One <interface> element, checked by the schema as part of a minimal domain.
conf::Interface parseInterface(std::string_view xml, std::string_view filename) {
    std::string doc =
        "<domain type='lxc'><name>hotplug</name><memory>1024</memory><os><type>exe"
        "</type></os><devices>" +
        std::string(xml) + "</devices></domain>";
    conf::DomainDef def = conf::parseDomain(doc, {.filename = filename});
    if (def.interfaces.size() != 1)
        throw Error(ErrorCode::ConfigUnsupported,
                    std::string(filename) + ": only an <interface> device can be attached");
    conf::applyDefaults(def);
    return def.interfaces[0];
}

util::Fd netnsOf(int pid) {
    util::Fd ns(::open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) throwSystemError(errno, "cannot open the container's network namespace");
    return ns;
}

}  // namespace

void Domain::attachInterface(std::string_view xml, Impact impact, std::string_view filename) {
    conf::Interface iface = parseInterface(xml, filename);
    DriverState* d = conn_->driverOf(name_);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    auto lock = state::DomainLock::acquire(d->paths.lockDir, name_);
    auto running = d->runtime.find(name_);
    ImpactTargets t = resolveImpact(impact, running.has_value(), d->store.exists(name_), name_);
    std::optional<conf::DomainDef> persistent;
    if (t.config) {
        persistent = d->store.load(name_);
        persistent->interfaces.push_back(iface);
        conf::validate(*persistent, filename);  // duplicate MAC, guest name, target
    }
    if (t.live) {
        auto xmlLive = d->runtime.liveXml(name_);
        conf::DomainDef live =
            conf::parseDomain(*xmlLive, {.filename = name_, .validateSchema = false});
        if (live.lxcNamespaces.sharenet || (live.interfaces.empty() && !live.features.privnet))
            throw Error(ErrorCode::OperationInvalid,
                        "domain '" + name_ +
                            "' shares a network namespace: no interface can "
                            "be attached live");
        live.interfaces.push_back(iface);
        conf::validate(live, filename);
        // names for the new one, given those in use
        auto plan = net::planInterfaces(live, running->id);
        net::InterfacePlan mine = plan.back();
        if (iface.targetDev.empty() && mine.hostName == "cvt" + std::to_string(running->id) + "-" +
                                                            std::to_string(mine.index)) {
            net::Netlink nl = net::Netlink::open();
            for (size_t n = mine.index; nl.exists(mine.hostName); ++n)
                mine.hostName = "cvt" + std::to_string(running->id) + "-" + std::to_string(n + 1);
        }
        conf::DomainDef one = live;
        one.interfaces = {iface};
        one.hostdevs.clear();
        mine.index = 0;
        util::Fd ns = netnsOf(running->initPid);
        net::DomainNetwork made =
            net::DomainNetwork::setUp(one, {mine}, running->initPid, ns.get(), nullptr);
        live.interfaces.back().targetDev = mine.hostName;
        live.interfaces.back().guestDev = mine.guestName;
        d->runtime.replaceLiveXml(name_, conf::formatDomain(live, {.id = running->id}));
        made.release();
    }
    if (t.config) d->store.save(*persistent);
}

void Domain::detachInterface(std::string_view key, Impact impact) {
    DriverState* d = conn_->driverOf(name_);
    if (!d) throw Error(ErrorCode::NoDomain, "failed to get domain '" + name_ + "'");
    auto lock = state::DomainLock::acquire(d->paths.lockDir, name_);
    auto running = d->runtime.find(name_);
    ImpactTargets t = resolveImpact(impact, running.has_value(), d->store.exists(name_), name_);
    auto take = [&](conf::DomainDef& def) {
        for (auto it = def.interfaces.begin(); it != def.interfaces.end(); ++it)
            if (it->mac == key || (!it->targetDev.empty() && it->targetDev == key)) {
                conf::Interface out = *it;
                def.interfaces.erase(it);
                return out;
            }
        throw Error(ErrorCode::InvalidArg,
                    "no interface '" + std::string(key) + "' in domain '" + name_ + "'");
    };
    std::optional<conf::DomainDef> persistent;
    if (t.config) {
        persistent = d->store.load(name_);
        take(*persistent);
    }
    if (t.live) {
        conf::DomainDef live = conf::parseDomain(*d->runtime.liveXml(name_),
                                                 {.filename = name_, .validateSchema = false});
        conf::Interface gone = take(live);
        // The record ahead of the change (state/runtime_state.h): a full disk stops here.
        util::StagedFile record =
            d->runtime.stageLiveXml(name_, conf::formatDomain(live, {.id = running->id}));
        if (!gone.targetDev.empty() && gone.type != conf::NetType::Direct) {
            net::Netlink::open().deleteLink(gone.targetDev);  // the pair goes at once
        } else {
            util::Fd ns = netnsOf(running->initPid);
            net::Netlink::openIn(ns.get()).deleteLink(gone.guestDev);
        }
        record.commit();
    }
    if (t.config) d->store.save(*persistent);
}

}  // namespace cvirt
