// SPDX-License-Identifier: GPL-3.0-or-later
// desc and metadata (virDomainGetMetadata, virDomainSetMetadata): the definition's free
// text and other programs' XML; nothing of the running domain changes but its live record.
#include "conf/metadata.h"
#include "api/domain_op.h"
#include "conf/domain.h"
#include "cvirt/connection.h"

namespace cvirt {

namespace {

std::optional<std::string> get(const conf::DomainDef& def, MetadataKind kind,
                               std::string_view uri) {
    const std::string* text = nullptr;
    switch (kind) {
        case MetadataKind::Description:
            text = &def.description;
            break;
        case MetadataKind::Title:
            text = &def.title;
            break;
        case MetadataKind::Element:
            return conf::metadataElement(def.metadata, uri);
    }
    if (text->empty()) return std::nullopt;
    return *text;
}

void set(conf::DomainDef& def, MetadataKind kind, const std::optional<std::string>& value,
         std::string_view key, std::string_view uri) {
    switch (kind) {
        case MetadataKind::Description:
            def.description = value.value_or("");
            break;
        case MetadataKind::Title:
            if (value && value->find('\n') != std::string::npos)
                throw Error(ErrorCode::InvalidArg, "title can't contain newlines");
            def.title = value.value_or("");
            break;
        case MetadataKind::Element:
            def.metadata = conf::withMetadataElement(
                def.metadata, uri, key, value && !value->empty() ? value : std::nullopt);
            break;
    }
}

}  // namespace

std::optional<std::string> Domain::metadata(MetadataKind kind, std::string_view uri,
                                            Impact impact) const {
    DomainOp op(*conn_, name_);
    ImpactTargets t = op.targets(impact);
    if (t.live && t.config)
        throw Error(ErrorCode::InvalidArg, "--live and --config cannot be read together");
    return get(t.live ? op.liveDef() : *op.persistent(), kind, uri);
}

void Domain::setMetadata(MetadataKind kind, const std::optional<std::string>& value,
                         std::string_view key, std::string_view uri, Impact impact) {
    DomainOp op(*conn_, name_, DomainOp::Lock::Domain);
    DriverState& d = op.driver();
    ImpactTargets t = op.targets(impact);
    std::optional<conf::DomainDef> liveAfter, configAfter;
    if (t.live) {
        liveAfter = op.liveDef();
        set(*liveAfter, kind, value, key, uri);
        conf::validate(*liveAfter, name_);
    }
    if (t.config) {
        configAfter = op.persistent();
        set(*configAfter, kind, value, key, uri);
        conf::validate(*configAfter, name_);
    }
    // the live record staged, the config written, then the record: both or neither
    std::optional<util::StagedFile> record;
    if (t.live)
        record.emplace(d.runtime.stageLiveXml(
            name_, conf::formatDomain(*liveAfter, {.id = op.requireRunning().id})));
    std::optional<StagedConfig> config;
    if (t.config) config.emplace(d.store, *op.persistent(), *configAfter);
    if (record) record->commit();
    if (config) config->commit();
}

}  // namespace cvirt
