// SPDX-License-Identifier: GPL-3.0-or-later
#include "snapshot/snapshot_store.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "cvirt/error.h"
#include "state/config_store.h"
#include "util/file.h"

namespace cvirt::snapshot {

SnapshotStore::SnapshotStore(const state::DriverPaths& paths, std::string_view domain)
    : dir_(state::entryPath(paths.libDir / "snapshot", domain, "")) {}

fs::path SnapshotStore::dataDir(std::string_view name) const {
    return dir_ / (std::string(name) + ".data");
}
fs::path SnapshotStore::stagingDir(std::string_view name) const {
    return dir_ / ("." + std::string(name) + ".data.tmp");
}
fs::path SnapshotStore::pendingFile(std::string_view name) const {
    return dir_ / ("." + std::string(name) + ".pending");
}

std::vector<SnapshotDef> SnapshotStore::list() const {
    std::vector<SnapshotDef> out;
    for (const std::string& name : state::listNames(dir_, ".xml"))
        if (auto def = find(name)) out.push_back(std::move(*def));
    std::sort(out.begin(), out.end(), [](const SnapshotDef& a, const SnapshotDef& b) {
        return std::pair(a.creationTime.value_or(0), a.name) <
               std::pair(b.creationTime.value_or(0), b.name);
    });
    return out;
}

std::optional<SnapshotDef> SnapshotStore::find(std::string_view name) const {
    checkSnapshotName(name);
    fs::path file = dir_ / (std::string(name) + ".xml");
    auto xml = util::readFileIfExists(file);
    if (!xml) return std::nullopt;
    return parseSnapshot(*xml, {.filename = file.string(), .validateSchema = false});
}

bool SnapshotStore::exists(std::string_view name) const {
    checkSnapshotName(name);
    return ::access((dir_ / (std::string(name) + ".xml")).c_str(), F_OK) == 0;
}

size_t SnapshotStore::count() const {
    return state::listNames(dir_, ".xml").size();
}

void SnapshotStore::save(const SnapshotDef& def) {
    checkSnapshotName(def.name);
    util::makeDirs(dir_, 0700);
    util::writeFileAtomic(dir_ / (def.name + ".xml"), formatSnapshot(def), 0600);
}

void SnapshotStore::removeMetadata(std::string_view name) {
    if (current() == std::string(name)) setCurrent(std::nullopt);
    util::removeFile(dir_ / (std::string(name) + ".xml"));
    util::fsyncDir(dir_);
}

void SnapshotStore::removeData(std::string_view name) noexcept {
    std::error_code ec;
    fs::remove_all(dataDir(name), ec);
    fs::remove_all(stagingDir(name), ec);
}

std::optional<std::string> SnapshotStore::current() const {
    char buf[512];
    ssize_t n = ::readlink((dir_ / ".current").c_str(), buf, sizeof buf - 1);
    if (n <= 0) return std::nullopt;
    std::string name(buf, static_cast<size_t>(n));
    try {
        if (!exists(name)) return std::nullopt;
    } catch (const Error&) {
        return std::nullopt;
    }
    return name;
}

void SnapshotStore::setCurrent(const std::optional<std::string>& name) {
    fs::path link = dir_ / ".current";
    if (!name) {
        util::removeFile(link);
        return;
    }
    util::makeDirs(dir_, 0700);
    fs::path tmp = dir_ / ".current.tmp";
    ::unlink(tmp.c_str());
    if (::symlink(name->c_str(), tmp.c_str()) < 0)
        throwSystemError(errno, "cannot create link '" + tmp.string() + "'");
    if (::rename(tmp.c_str(), link.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throwSystemError(err, "cannot create link '" + link.string() + "'");
    }
}

std::vector<std::pair<std::string, std::string>> SnapshotStore::pending() const {
    std::vector<std::pair<std::string, std::string>> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        std::string f = e.path().filename().string();
        constexpr std::string_view kSuffix = ".pending";
        if (f.size() > kSuffix.size() + 1 && f[0] == '.' && f.ends_with(kSuffix))
            out.emplace_back(f.substr(1, f.size() - 1 - kSuffix.size()),
                             util::readFileIfExists(e.path()).value_or(""));
    }
    return out;
}

void SnapshotStore::removeAll() noexcept {
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

std::vector<std::string> childrenOf(const std::vector<SnapshotDef>& all, std::string_view parent) {
    std::vector<std::string> out;
    for (const SnapshotDef& s : all)
        if (s.parent == parent) out.push_back(s.name);
    return out;
}

std::vector<std::string> descendantsOf(const std::vector<SnapshotDef>& all,
                                       std::string_view parent) {
    std::vector<std::string> out;
    for (const std::string& child : childrenOf(all, parent)) {
        out.push_back(child);
        for (std::string& d : descendantsOf(all, child))
            out.push_back(std::move(d));
    }
    return out;
}

}  // namespace cvirt::snapshot
