// Interfaces added to or taken from a running container (attach-interface, detach-interface,
// attach-device, detach-device), and from its persistent definition with --config.
#include "api/domain_op.h"
#include "conf/domain.h"
#include "cvirt/connection.h"
#include "state/domain_lock.h"
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

}  // namespace

void Domain::attachInterface(std::string_view xml, Impact impact, std::string_view filename) {
    conf::Interface iface = parseInterface(xml, filename);
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (t.config) {
        persistent->interfaces.push_back(iface);
        conf::validate(*persistent, filename);  // duplicate MAC, guest name, target
    }
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& live = op.liveDef();
    live.interfaces.push_back(iface);
    conf::validate(live, filename);
    op.backend().attachInterface(running, live);
    // Recorded (and the config written) only once the backend gave the interface its names;
    // what cannot be recorded does not stay.
    try {
        util::StagedFile record =
            op.driver().runtime.stageLiveXml(name_, conf::formatDomain(live, {.id = running.id}));
        std::optional<StagedConfig> config;
        if (t.config) config.emplace(op.driver().store, *op.persistent(), *persistent);
        record.commit();
        if (config) config->commit();
    } catch (const Error&) {
        try {
            op.backend().detachInterface(running, live.interfaces.back());
        } catch (const Error&) {
        }
        throw;
    }
}

void Domain::detachInterface(std::string_view key, Impact impact) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    ImpactTargets t = op.targets(impact);
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
    std::optional<conf::DomainDef> persistent = op.persistent();
    if (t.config) take(*persistent);
    if (!t.live) {
        op.driver().store.save(*persistent);
        return;
    }
    const state::LiveDomain& running = op.requireRunning();
    conf::DomainDef& live = op.liveDef();
    conf::Interface gone = take(live);
    // The record and the config ahead of the change (a full disk stops here), the config put
    // back if the change fails.
    util::StagedFile record =
        op.driver().runtime.stageLiveXml(name_, conf::formatDomain(live, {.id = running.id}));
    std::optional<StagedConfig> config;
    if (t.config) config.emplace(op.driver().store, *op.persistent(), *persistent);
    op.backend().detachInterface(running, gone);
    record.commit();
    if (config) config->commit();
}

}  // namespace cvirt
