// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/config_store.h"

#include <dirent.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>

#include "conf/domain.h"
#include "cvirt/error.h"
#include "state/config_seal.h"
#include "util/file.h"
#include "util/uuid.h"

namespace cvirt::state {

namespace fs = std::filesystem;

std::vector<std::string> listNames(const fs::path& dir, std::string_view suffix) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        if (errno == ENOENT) return out;
        throwSystemError(errno, "cannot read directory '" + dir.string() + "'");
    }
    while (dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (n.empty() || n[0] == '.') continue;
        if (e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) continue;
        if (n.size() <= suffix.size() || n.substr(n.size() - suffix.size()) != suffix) continue;
        out.emplace_back(n.substr(0, n.size() - suffix.size()));
    }
    ::closedir(d);
    return out;
}

fs::path ConfigStore::configPath(std::string_view name) const {
    return entryPath(paths_.configDir, name, ".xml");
}

std::vector<std::string> ConfigStore::names() const {
    return listNames(paths_.configDir, ".xml");
}

bool ConfigStore::exists(std::string_view name) const {
    return ::access(configPath(name).c_str(), F_OK) == 0;
}

std::optional<ConfigStore::Stored> ConfigStore::read(std::string_view name) const {
    std::optional<std::string> file = util::readFileIfExists(configPath(name));
    if (!file) return std::nullopt;
    bool intact = sealHolds(*file);
    return Stored{std::move(*file), intact};
}

std::optional<std::string> ConfigStore::readXml(std::string_view name) const {
    std::optional<std::string> file = util::readFileIfExists(configPath(name));
    if (!file) return std::nullopt;
    std::string_view xml = withoutSeal(*file);
    if (xml.size() == file->size()) return file;
    return std::string(xml);
}

std::optional<conf::DomainDef> ConfigStore::load(std::string_view name) const {
    std::optional<Stored> stored = read(name);
    if (!stored) return std::nullopt;
    std::string file = configPath(name).string();
    conf::DomainDef def =
        conf::parseDomain(stored->text, {.filename = file, .validateSchema = !stored->intact});
    conf::applyDefaults(def);  // no-op for files cvirt wrote; fills gaps in hand-edited ones
    return def;
}

std::optional<std::string> ConfigStore::nameForUuid(std::string_view uuid) const {
    fs::path link = paths_.uuidDir / std::string(uuid);
    char buf[512];
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
    if (n < 0) return std::nullopt;
    std::string name(buf, static_cast<size_t>(n));
    if (!exists(name)) return std::nullopt;  // dangling entry from a crash or a rename
    return name;
}

namespace {
// Atomically points `link` at `target` (symlink to a temp name, then rename over).
void replaceSymlink(const fs::path& link, const std::string& target) {
    fs::path tmp = link.parent_path() / ("." + link.filename().string() + ".tmp");
    ::unlink(tmp.c_str());
    if (::symlink(target.c_str(), tmp.c_str()) < 0)
        throwSystemError(errno, "cannot create link '" + tmp.string() + "'");
    if (::rename(tmp.c_str(), link.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throwSystemError(err, "cannot create link '" + link.string() + "'");
    }
}
}  // namespace

void ConfigStore::save(const conf::DomainDef& given) {
    // A definition never keeps what only a running domain has (a live XML given to define).
    conf::DomainDef def = given;
    conf::dropLiveState(def);
    if (!def.uuid) throw Error(ErrorCode::Internal, "domain '" + def.name + "' has no uuid");
    // Start listens on NAME.sock in the run directory: a name that makes the path longer
    // than a socket address holds would define, then never start.
    constexpr size_t kMaxSocketPath = sizeof(sockaddr_un::sun_path) - 1;
    std::string socket = entryPath(paths_.runDir, def.name, ".sock").string();
    if (socket.size() > kMaxSocketPath)
        throw Error(ErrorCode::XmlError, "domain name '" + def.name +
                                             "' is too long for this connection: its control "
                                             "socket '" +
                                             socket + "' would be " +
                                             std::to_string(socket.size()) + " bytes (at most " +
                                             std::to_string(kMaxSocketPath) + ")");
    std::string xml = conf::formatDomain(def);
    // Whatever is stored, load() reads back as the same definition: a value the reader
    // refuses would leave a domain that can be neither started nor redefined.
    std::optional<conf::DomainDef> back;
    std::string why;
    try {
        back = conf::parseDomain(
            xml, {.filename = configPath(def.name).string(), .validateSchema = false});
        conf::applyDefaults(*back);
    } catch (const Error& e) {
        why = std::string(": ") + e.what();
    }
    if (!back || !(*back == def))
        throw Error(ErrorCode::XmlError, "domain '" + def.name +
                                             "' would be stored as a configuration that does "
                                             "not read back as defined" +
                                             why);
    saveXml(def.name, util::formatUuid(*def.uuid), sealConfig(def.name, xml));
}

void ConfigStore::saveXml(const std::string& name, const std::string& uuid,
                          const std::string& xml) {
    util::makeDirs(paths_.configDir, 0755);
    util::makeDirs(paths_.uuidDir, 0755);
    // Index first: a crash before the config lands leaves a dangling entry, never a config
    // whose uuid is not indexed.
    replaceSymlink(paths_.uuidDir / uuid, name);
    util::writeFileAtomic(configPath(name), xml, 0600);
}

void ConfigStore::remove(std::string_view name) {
    std::string uuid;
    try {
        std::optional<conf::DomainDef> def = load(name);
        if (def && def->uuid) uuid = util::formatUuid(*def->uuid);
    } catch (const Error&) {
        // An unreadable config (hand-edited, or written by an older cvirt) can still go:
        // its uuid is whichever index entry names it.
        for (const std::string& entry : uuidsNaming(name))
            removeEntry(name, entry);
    }
    removeEntry(name, uuid);
}

void ConfigStore::rename(const conf::DomainDef& renamed, std::string_view oldName) {
    bool marked = autostart(oldName);
    save(renamed);
    if (marked) setAutostart(renamed.name, true);
    removeEntry(oldName, "");  // the index entry already names the new one
}

std::vector<std::string> ConfigStore::uuidsNaming(std::string_view name) const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(paths_.uuidDir, ec)) {
        char buf[512];
        ssize_t n = ::readlink(e.path().c_str(), buf, sizeof buf - 1);
        if (n >= 0 && std::string_view(buf, static_cast<size_t>(n)) == name)
            out.push_back(e.path().filename().string());
    }
    return out;
}

void ConfigStore::removeEntry(std::string_view name, const std::string& uuid) {
    util::removeFile(entryPath(paths_.autostartDir, name, ".xml"));
    util::removeFile(configPath(name));
    if (!uuid.empty()) {
        fs::path link = paths_.uuidDir / uuid;
        char buf[512];
        ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
        if (n >= 0 && std::string_view(buf, static_cast<size_t>(n)) == name) util::removeFile(link);
    }
    util::fsyncDir(paths_.configDir);
}

bool ConfigStore::autostart(std::string_view name) const {
    return ::access((entryPath(paths_.autostartDir, name, ".xml")).c_str(), F_OK) == 0;
}

void ConfigStore::setAutostart(std::string_view name, bool enabled) {
    fs::path link = entryPath(paths_.autostartDir, name, ".xml");
    if (!enabled) {
        util::removeFile(link);
        return;
    }
    util::makeDirs(paths_.autostartDir, 0755);
    replaceSymlink(link, "../" + std::string(name) + ".xml");
}

std::vector<std::string> ConfigStore::autostartNames() const {
    return listNames(paths_.autostartDir, ".xml");
}

}  // namespace cvirt::state
