// SPDX-License-Identifier: GPL-3.0-or-later
#include "cvirt/connection.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <pugixml.hpp>
#include <unordered_map>
#include <unordered_set>

#include "api/connection_impl.h"
#include "api/domain_op.h"
#include "conf/domain.h"
#include "conf/schema.h"
#include "lxc/backend.h"
#include "qemu/backend.h"
#include "state/domain_lock.h"
#include "state/events.h"
#include "util/stamp.h"
#include "util/uuid.h"

namespace cvirt {

namespace {

bool isDigits(std::string_view s) {
    return !s.empty() && s.size() < 10 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// uuid and title straight from a stored config, without building a DomainDef: `list --uuid`
// over 10,000 domains stays cheap.
void readSummaryFields(const DriverState& drv, DomainSummary& s, bool uuid, bool title) {
    auto xml = drv.store.readXml(s.name);
    if (!xml) return;
    pugi::xml_document doc;
    if (!doc.load_buffer(xml->data(), xml->size())) return;
    pugi::xml_node root = doc.document_element();
    if (uuid) s.uuid = root.child("uuid").text().get();
    if (title) s.title = root.child("title").text().get();
}

// Running or paused from its live record, else shut off and why.
StateAndReason stateOf(const DriverState& drv, std::string_view name,
                       const std::optional<state::LiveDomain>& live) {
    if (live) return {live->paused ? DomainState::Paused : DomainState::Running, live->stateReason};
    return {DomainState::Shutoff, drv.runtime.shutoffReason(name)};
}

DomainSummary summarize(const DriverState& drv, std::string_view name, bool persistent,
                        const std::optional<state::LiveDomain>& live) {
    DomainSummary s;
    s.name = std::string(name);
    s.type = std::string(state::driverName(drv.paths.kind));
    s.persistent = persistent;
    if (live) s.id = live->id;
    StateAndReason st = stateOf(drv, name, live);
    s.state = st.state;
    s.reason = st.reason;
    return s;
}

}  // namespace

// --- ConnectionImpl --------------------------------------------------------------------

struct DriverState::ParseCache {
    std::mutex mutex;
    std::map<std::pair<std::string, bool>, std::pair<std::string, conf::DomainDef>> docs;
};

DriverState::DriverState(const state::DriverPaths& p, std::unique_ptr<backend::Backend> b)
    : paths(p),
      backend(std::move(b)),
      store(p),
      runtime(p),
      parsed_(std::make_shared<ParseCache>()) {}

conf::DomainDef DriverState::parse(const std::string& name, const std::string& xml, bool config,
                                   bool schema) const {
    {
        std::lock_guard lock(parsed_->mutex);
        auto it = parsed_->docs.find({name, config});
        if (it != parsed_->docs.end() && it->second.first == xml) return it->second.second;
    }
    std::string file = config ? store.configPath(name).string() : name;
    conf::DomainDef def = conf::parseDomain(xml, {.filename = file, .validateSchema = schema});
    if (config) conf::applyDefaults(def);
    std::lock_guard lock(parsed_->mutex);
    if (parsed_->docs.size() >= 1024) parsed_->docs.clear();  // a bound, not a policy
    parsed_->docs[{name, config}] = {xml, def};
    return def;
}

bool DriverState::repair(std::string_view name, int waitMs, int reasonIfRunning) {
    return runtime.reap(
        name, [this](const state::StaleDomain& stale) { backend->cleanupAfterCrash(stale); },
        waitMs, reasonIfRunning);
}

void DriverState::repairAll() {
    for (const auto& name : runtime.scan().stale)
        repair(name);
}

namespace {
std::unique_ptr<backend::Backend> makeBackend(const state::DriverPaths& paths,
                                              const std::filesystem::path& root) {
    if (paths.kind == state::DriverKind::Qemu) return std::make_unique<qemu::QemuBackend>(paths);
    return std::make_unique<lxc::LxcBackend>(paths, root);
}
BackendFactory& backendFactory() {
    static BackendFactory factory = makeBackend;
    return factory;
}
}  // namespace

void setBackendFactoryForTesting(BackendFactory factory) {
    backendFactory() = factory ? std::move(factory) : makeBackend;
}

ConnectionImpl::ConnectionImpl(state::ConnectionUri uri)
    : uri_(std::move(uri)),
      networkPaths_(state::driverPaths(state::DriverKind::Network, uri_.root)),
      networks_(networkPaths_),
      storagePaths_(state::driverPaths(state::DriverKind::Storage, uri_.root)),
      pools_(storagePaths_) {
    for (const auto& p : uri_.drivers)
        drivers_.emplace_back(p, backendFactory()(p, uri_.root));
}

ImpactTargets resolveImpact(Impact impact, bool running, bool persistent, const std::string& name) {
    ImpactTargets t{impact.live, impact.config};
    if (!t.live && !t.config) {
        t.live = running;
        t.config = !running;
    }
    if (t.live && !running)
        throw Error(ErrorCode::OperationInvalid, "domain '" + name + "' is not running");
    if (t.config && !persistent)
        throw Error(ErrorCode::OperationInvalid,
                    "transient domains do not have any persistent config");
    return t;
}

const DriverState* ConnectionImpl::driverOf(std::string_view name) const {
    for (const auto& d : drivers_)
        if (d.store.exists(name) || d.runtime.find(name)) return &d;
    return nullptr;
}

DriverState* ConnectionImpl::driverOf(std::string_view name) {
    return const_cast<DriverState*>(std::as_const(*this).driverOf(name));
}

DriverState& ConnectionImpl::driverFor(conf::DomainType type) {
    for (auto& d : drivers_)
        if (d.backend->serves(conf::kDomainTypeNames.name(type))) return d;
    throw Error(ErrorCode::ConfigUnsupported,
                "domain type '" + std::string(conf::kDomainTypeNames.name(type)) +
                    "' is not supported by connection '" + uri_.text + "'");
}

std::string_view version() {
    return CVIRT_VERSION;
}

// --- Connection ------------------------------------------------------------------------

std::string Connection::defaultUri() {
    const char* env = std::getenv("CVIRT_DEFAULT_URI");
    return env && *env ? env : "lxc:///system";
}

Connection Connection::open(std::string_view uri) {
    util::stamp("shell:connect");
    std::string text = uri.empty() ? defaultUri() : std::string(uri);
    Connection conn(std::make_shared<ConnectionImpl>(state::parseUri(text)));
    util::stamp("shell:connected");
    return conn;
}

const std::string& Connection::uri() const {
    return impl_->uri().text;
}

Domain Connection::define(std::string_view xml, std::string_view filename, bool validate) {
    if (validate) {
        try {
            conf::validateDomainSchema(xml, filename);
        } catch (const Error& e) {
            throw Error(ErrorCode::XmlError,
                        "XML document failed to validate against schema: Unable to validate doc "
                        "against " +
                            (conf::schemaDir() / "domain.rng").string() + "\n" + e.what());
        }
    }
    conf::DomainDef def = conf::parseDomain(xml, {.filename = filename});
    const bool hadUuid = def.uuid.has_value();
    DriverState& drv = impl_->driverFor(def.type);

    auto lock = state::DomainLock::acquire(drv.paths.lockDir, def.name);
    for (const auto& other : impl_->drivers())
        if (&other != &drv && (other.store.exists(def.name) || other.runtime.find(def.name)))
            throw Error(ErrorCode::DomainExists,
                        "domain '" + def.name + "' already exists as a " +
                            std::string(state::driverName(other.paths.kind)) + " domain");

    std::optional<conf::DomainDef> existing = drv.store.load(def.name);
    if (existing) {
        if (hadUuid && def.uuid != existing->uuid)
            throw Error(ErrorCode::DomainExists, "domain '" + def.name +
                                                     "' already exists with uuid " +
                                                     util::formatUuid(*existing->uuid));
        def.uuid = existing->uuid;  // a redefinition keeps the uuid
    }
    conf::applyDefaults(def);
    conf::validate(def, filename);
    std::string uuid = util::formatUuid(*def.uuid);
    for (const auto& d : impl_->drivers()) {
        auto holder = d.store.nameForUuid(uuid);
        if (holder && *holder != def.name)
            throw Error(ErrorCode::DomainExists,
                        "domain '" + *holder + "' is already defined with uuid " + uuid);
    }
    drv.store.save(def);
    state::emitEvent(drv.paths, def.name, "defined", existing ? "updated" : "added");
    return Domain(impl_, def.name);
}

std::optional<Domain> Connection::find(std::string_view name) const {
    if (!impl_->driverOf(name)) return std::nullopt;
    return Domain(impl_, std::string(name));
}

Domain Connection::lookup(std::string_view key) const {
    if (isDigits(key)) {
        int id = std::stoi(std::string(key));
        for (const auto& d : impl_->drivers())
            for (const auto& n : d.runtime.runningNames())
                if (auto live = d.runtime.find(n); live && live->id == id) return Domain(impl_, n);
    }
    if (util::parseUuid(key)) {
        std::string uuid = util::formatUuid(*util::parseUuid(key));
        for (const auto& d : impl_->drivers())
            if (auto name = d.store.nameForUuid(uuid)) return Domain(impl_, *name);
    }
    if (key.find('/') == std::string_view::npos && !key.empty() && key[0] != '.') {
        if (auto dom = find(key)) return *dom;
    }
    throw noDomain(key);
}

std::vector<DomainSummary> Connection::list(const ListFilter& filter) const {
    std::vector<DomainSummary> out;
    for (auto& d : impl_->drivers()) {
        // What controllers that died left goes first (explicitly, each under its domain
        // lock): a listing shows those domains shut off, with nothing of them left behind.
        state::RuntimeState::Scan scan = d.runtime.scan();
        for (const auto& name : scan.stale)
            d.repair(name);
        const std::vector<std::string>& running = scan.running;
        std::unordered_set<std::string> runningSet(running.begin(), running.end());
        // each running domain once, as the scan found it (no second look at its files)
        std::unordered_map<std::string_view, const state::LiveDomain*> liveOf;
        for (const auto& l : scan.live)
            liveOf.emplace(l.name, &l);
        std::vector<std::string> persistent = d.store.names();
        std::unordered_set<std::string> persistentSet(persistent.begin(), persistent.end());
        std::unordered_set<std::string> autostart;
        if (filter.needAutostart)
            for (auto& n : d.store.autostartNames())
                autostart.insert(std::move(n));

        auto add = [&](const std::string& name, bool isPersistent) {
            auto it = liveOf.find(name);
            DomainSummary s = summarize(
                d, name, isPersistent,
                it == liveOf.end() ? std::nullopt : std::optional<state::LiveDomain>(*it->second));
            bool active = s.state != DomainState::Shutoff;
            if (active ? !filter.active : !filter.inactive) return;
            if (filter.needUuid || filter.needTitle)
                readSummaryFields(d, s, filter.needUuid, filter.needTitle);
            s.autostart = autostart.count(name) > 0;
            out.push_back(std::move(s));
        };
        if (filter.active)
            for (const auto& n : running)
                add(n, persistentSet.count(n) > 0);
        if (filter.inactive)
            for (const auto& n : persistent)
                if (!runningSet.count(n)) add(n, true);
    }
    // virsh order: running domains by id, then the others by name.
    std::sort(out.begin(), out.end(), [](const DomainSummary& a, const DomainSummary& b) {
        if (a.id.has_value() != b.id.has_value()) return a.id.has_value();
        if (a.id && b.id && *a.id != *b.id) return *a.id < *b.id;
        return a.name < b.name;
    });
    return out;
}

std::vector<std::string> Connection::domainNames() const {
    std::vector<std::string> names;
    for (const auto& d : impl_->drivers()) {
        for (auto& n : d.store.names())
            names.push_back(std::move(n));
        for (auto& n : d.runtime.runningNames())
            names.push_back(std::move(n));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

// --- Domain ----------------------------------------------------------------------------

DomainSummary Domain::summary() const {
    DomainOp op(*conn_, name_);
    DomainSummary s = summarize(op.driver(), name_, op.driver().store.exists(name_), op.live());
    readSummaryFields(op.driver(), s, true, true);
    s.autostart = op.driver().store.autostart(name_);
    return s;
}

StateAndReason Domain::state() const {
    DomainOp op(*conn_, name_);
    return stateOf(op.driver(), name_, op.live());
}

DomainInfo Domain::info() const {
    // One look at the state files and one parse: cvirtd answers virDomainGetInfo with this.
    DomainOp op(*conn_, name_);
    DriverState& drv = op.driver();
    DomainInfo info;
    DomainSummary& s = info.summary;
    s.name = name_;
    s.persistent = drv.store.exists(name_);
    if (op.live()) s.id = op.live()->id;
    StateAndReason st = stateOf(drv, name_, op.live());
    s.state = st.state;
    s.reason = st.reason;
    s.autostart = s.persistent && drv.store.autostart(name_);
    const conf::DomainDef& def = op.current();
    if (def.uuid) s.uuid = util::formatUuid(*def.uuid);
    s.title = def.title;
    s.type = std::string(conf::kDomainTypeNames.name(def.type));
    info.osType = std::string(conf::kOsTypeNames.name(def.os.type));
    info.maxMemKiB = def.memory.kib;
    info.usedMemKiB = def.currentMemory ? def.currentMemory->kib : def.memory.kib;
    info.vcpus = def.vcpu.current.value_or(def.vcpu.count);  // online, as libvirt counts
    if (op.live()) {
        // A running domain: what it really uses.
        backend::Usage u = op.backend().usage(*op.live(), def, backend::UsageDetail::Info);
        info.cpuTimeNs = u.cpuNs;
        if (u.guestMemoryKiB) info.usedMemKiB = *u.guestMemoryKiB;
    }
    return info;
}

std::string Domain::xml(bool inactive) const {
    DomainOp op(*conn_, name_);
    const DriverState& d = op.driver();
    if (!inactive)
        if (auto live = d.runtime.liveXml(name_)) return *live;
    if (auto xml = d.store.readXml(name_)) return *xml;
    if (auto live = d.runtime.liveXml(name_)) return *live;  // transient: only live XML
    throw noDomain(name_);
}

void Domain::setAutostart(bool enabled) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    if (!op.driver().store.exists(name_))
        throw Error(ErrorCode::OperationInvalid,
                    "cannot set autostart for transient domain '" + name_ + "'");
    op.driver().store.setAutostart(name_, enabled);
}

bool Domain::autostart() const {
    return DomainOp(*conn_, name_).driver().store.autostart(name_);
}

}  // namespace cvirt
