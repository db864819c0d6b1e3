// SPDX-License-Identifier: GPL-3.0-or-later
// domiflist, domifaddr, domif-setlink: a domain's interfaces from its definition, addresses
// from inside its network namespace, link state on the host end.
#include "api/domain_op.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "state/domain_lock.h"
#include "util/file.h"

namespace cvirt {

namespace {

// The interface `key` names (host device, guest device or MAC), or nullptr.
conf::Interface* findInterface(conf::DomainDef& def, std::string_view key) {
    for (auto& n : def.interfaces)
        if (n.targetDev == key || n.mac == key || n.guestDev == key) return &n;
    return nullptr;
}

}  // namespace

std::vector<InterfaceSummary> Domain::interfaces(bool inactive) const {
    DomainOp op(*conn_, name_);
    const conf::DomainDef& def = op.current(inactive);
    std::vector<InterfaceSummary> out;
    for (const auto& n : def.interfaces) {
        InterfaceSummary s;
        s.hostDev = n.targetDev;
        s.type = std::string(conf::kNetTypeNames.name(n.type));
        s.source = n.type == conf::NetType::Bridge    ? n.sourceBridge
                   : n.type == conf::NetType::Network ? n.sourceNetwork
                                                      : n.sourceDev;
        s.model = n.model;
        s.mac = n.mac;
        s.guestDev = n.guestDev;
        s.linkState = n.link == conf::LinkState::Down ? "down" : "up";
        out.push_back(s);
    }
    return out;
}

std::vector<InterfaceAddress> Domain::interfaceAddresses() const {
    DomainOp op(*conn_, name_);
    return op.backend().interfaceAddresses(op.requireRunning());
}

void Domain::setInterfaceLink(std::string_view iface, bool up, Impact impact) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    auto [live, config] = op.targets(impact);
    auto state = up ? conf::LinkState::Up : conf::LinkState::Down;
    auto notFound = [&] {
        return Error(ErrorCode::InvalidArg,
                     "interface '" + std::string(iface) + "' not found in domain '" + name_ + "'");
    };
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (config) {
        conf::Interface* n = findInterface(*persistent, iface);
        if (!n) throw notFound();
        n->link = state;
    }
    if (!live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& def = op.liveDef();
    conf::Interface* n = findInterface(def, iface);
    if (!n) throw notFound();
    if (n->targetDev.empty())
        throw Error(ErrorCode::ConfigUnsupported,
                    "interface '" + std::string(iface) + "' has no host end to switch");
    n->link = state;
    // The record and the config ahead of the change (a full disk stops here), the config put
    // back if the change fails.
    util::StagedFile record =
        op.driver().runtime.stageLiveXml(name_, conf::formatDomain(def, {.id = running.id}));
    std::optional<StagedConfig> staged;
    if (config) staged.emplace(op.driver().store, *op.persistent(), *persistent);
    op.backend().setInterfaceLink(running, *n, up);
    record.commit();
    if (staged) staged->commit();
}

}  // namespace cvirt
