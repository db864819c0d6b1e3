// SPDX-License-Identifier: GPL-3.0-or-later
// Persistent domain configs of one driver: <configDir>/<name>.xml written atomically, a uuid
// index (<uuidDir>/<uuid> -> <name>) for O(1) duplicate checks, and autostart links
// (<autostartDir>/<name>.xml -> ../<name>.xml). Callers hold the DomainLock for mutations.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conf/domain_def.h"
#include "state/uri.h"

namespace cvirt::state {

class ConfigStore {
public:
    explicit ConfigStore(DriverPaths paths) : paths_(std::move(paths)) {}

    const DriverPaths& paths() const { return paths_; }

    // Names of defined domains, unsorted; one readdir, no file is opened.
    std::vector<std::string> names() const;
    bool exists(std::string_view name) const;
    // The stored document, without its seal (state/config_seal.h).
    std::optional<std::string> readXml(std::string_view name) const;
    struct Stored {
        std::string text;  // the whole file, seal included: errors name lines as on disk
        bool intact;       // sealed by cvirt and unchanged since: no schema pass needed
    };
    std::optional<Stored> read(std::string_view name) const;
    // The stored definition: a config cvirt sealed is read without the schema pass, one
    // edited behind cvirt's back is validated against the schema first.
    std::optional<conf::DomainDef> load(std::string_view name) const;
    // Name of the domain holding `uuid` (8-4-4-4-12), if any.
    std::optional<std::string> nameForUuid(std::string_view uuid) const;

    // Writes the canonical XML atomically, sealed, and indexes its uuid. A crash leaves the old or
    // the new file, and a dangling index entry at worst (ignored by nameForUuid). Throws
    // Error(XmlError), writing nothing, when the XML would not load() back as `def`. What
    // only a running domain has (generated aliases, pty paths: conf::dropLiveState) is left out.
    void save(const conf::DomainDef& def);
    // Removes config, uuid index entry and autostart link; also when the config no longer
    // parses (then every index entry naming `name` goes).
    void remove(std::string_view name);
    // domrename: `renamed` (the definition of `oldName` under its new name, same uuid) is
    // saved, which points the uuid index at it, the autostart mark moves, then the old config
    // goes. A crash between leaves both files, the index naming the new one.
    void rename(const conf::DomainDef& renamed, std::string_view oldName);

    // The same for any document kept this way (virtual networks): XML as given, uuid text.
    void saveXml(const std::string& name, const std::string& uuid, const std::string& xml);
    void removeEntry(std::string_view name, const std::string& uuid);

    bool autostart(std::string_view name) const;
    void setAutostart(std::string_view name, bool enabled);
    std::vector<std::string> autostartNames() const;

    std::filesystem::path configPath(std::string_view name) const;  // where NAME.xml is

private:
    std::vector<std::string> uuidsNaming(std::string_view name) const;
    DriverPaths paths_;
};

// Names of the regular "<name><suffix>" files in `dir` (no dotfiles); [] if dir is missing.
std::vector<std::string> listNames(const std::filesystem::path& dir, std::string_view suffix);

}  // namespace cvirt::state
