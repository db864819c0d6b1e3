// SPDX-License-Identifier: GPL-3.0-or-later
// Storage pools and volumes: pool definitions in a config store of their own, the live copy
// of an active pool in the storage run directory (its presence means "active"), volumes
// through storage/volumes.h. Every change holds the pool's lock; readers never lock.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "api/connection_impl.h"
#include "api/storage_internal.h"
#include "cvirt/connection.h"
#include "state/domain_lock.h"
#include "storage/pool_dir.h"
#include "storage/volume_lookup.h"
#include "storage/volumes.h"
#include "util/file.h"

namespace cvirt {

namespace fs = std::filesystem;

namespace storage_api {

Error noPool(std::string_view name) {
    return Error(ErrorCode::NoDomain, "failed to get pool '" + std::string(name) + "'");
}
Error noVolume(std::string_view name) {
    return Error(ErrorCode::NoDomain, "failed to get vol '" + std::string(name) + "'");
}

fs::path liveFile(const ConnectionImpl& c, std::string_view name) {
    return state::entryPath(c.storagePaths().runDir, name, ".xml");
}

std::optional<storage::PoolDef> storedPool(const ConnectionImpl& c, std::string_view name) {
    auto xml = c.pools().readXml(name);
    if (!xml) return std::nullopt;
    return storage::parsePool(*xml, std::string(name), false);
}

std::optional<storage::PoolDef> livePool(const ConnectionImpl& c, std::string_view name) {
    auto xml = util::readFileIfExists(liveFile(c, name));
    if (!xml) return std::nullopt;
    return storage::parsePool(*xml, std::string(name), false);
}

storage::PoolDef activePool(const ConnectionImpl& c, const std::string& name) {
    if (auto def = livePool(c, name)) return *def;
    if (storedPool(c, name))
        throw Error(ErrorCode::OperationInvalid, "storage pool '" + name + "' is not active");
    throw noPool(name);
}

std::optional<std::string> domainUsing(const ConnectionImpl& c, const fs::path& path, bool below) {
    std::string p = path.lexically_normal().string();
    while (p.size() > 1 && p.back() == '/')
        p.pop_back();
    auto hits = [&](const std::string& source) {
        if (source.empty()) return false;
        std::string s = fs::path(source).lexically_normal().string();
        while (s.size() > 1 && s.back() == '/')
            s.pop_back();
        return s == p || (below && s.rfind(p + "/", 0) == 0);
    };
    for (const auto& d : c.drivers())
        for (const auto& name : d.runtime.runningNames()) {
            auto xml = d.runtime.liveXml(name);
            if (!xml) continue;
            conf::DomainDef def;
            try {
                def = d.parse(name, *xml, false);
            } catch (const Error&) {
                continue;
            }
            for (const auto& f : def.filesystems)
                if (hits(f.source)) return name;
            for (const auto& disk : def.disks) {
                std::string source = disk.source;
                if (disk.type == conf::DiskType::Volume) try {
                        source =
                            storage::lookupVolume(c.uri().root, disk.sourcePool, disk.sourceVolume)
                                .path;
                    } catch (const Error&) {
                        continue;  // its pool was stopped under it, or the volume is gone
                    }
                if (hits(source)) return name;
            }
        }
    return std::nullopt;
}

}  // namespace storage_api

using namespace storage_api;

namespace {

StoragePoolSummary summaryOf(const ConnectionImpl& c, const std::string& name) {
    auto live = livePool(c, name);
    auto stored = storedPool(c, name);
    if (!live && !stored) throw noPool(name);
    const storage::PoolDef& def = live ? *live : *stored;
    StoragePoolSummary s;
    s.name = name;
    s.uuid = def.uuid ? util::formatUuid(*def.uuid) : "";
    s.active = live.has_value();
    s.persistent = stored.has_value();
    s.autostart = c.pools().autostart(name);
    if (live) {
        storage::PoolSpace space = storage::poolSpace(*live);
        s.capacity = space.capacity;
        s.allocation = space.allocation;
        s.available = space.available;
    }
    return s;
}

StorageVolSummary volSummary(const storage::VolInfo& info) {
    StorageVolSummary s;
    s.name = info.def.name;
    s.path = info.path;
    s.type = info.def.format == storage::VolFormat::Dir ? "dir" : "file";
    s.format = std::string(storage::volFormatName(info.def.format));
    s.capacity = info.def.capacity;
    s.allocation = info.allocation;
    s.backingPath = info.def.backingPath;
    return s;
}

storage::VolInfo volInfo(const ConnectionImpl& c, const std::string& pool,
                         const std::string& name) {
    auto info = storage::volumeInfo(activePool(c, pool), name);
    if (!info) throw noVolume(name);
    return *info;
}

void refuseInUse(const ConnectionImpl& c, const storage::VolInfo& info, std::string_view what) {
    if (auto dom = domainUsing(c, info.path, false))
        throw Error(ErrorCode::OperationInvalid, "cannot " + std::string(what) + " volume '" +
                                                     info.def.name + "': domain '" + *dom +
                                                     "' is running with it");
}

// Copies up to `length` bytes (0: to the end of `in`) from `in` at `inOff` to `out` at
// `outOff` (-1: the descriptor's own position).
void copyBytes(int in, off_t inOff, int out, off_t outOff, uint64_t length,
               const std::string& what) {
    std::string buf(1 << 20, '\0');
    uint64_t done = 0;
    while (length == 0 || done < length) {
        size_t want = buf.size();
        if (length) want = static_cast<size_t>(std::min<uint64_t>(want, length - done));
        ssize_t n = inOff < 0 ? ::read(in, buf.data(), want) : ::pread(in, buf.data(), want, inOff);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throwSystemError(errno, "cannot read for " + what);
        if (n == 0) break;
        for (ssize_t w = 0; w < n;) {
            ssize_t m = outOff < 0
                            ? ::write(out, buf.data() + w, static_cast<size_t>(n - w))
                            : ::pwrite(out, buf.data() + w, static_cast<size_t>(n - w), outOff + w);
            if (m < 0 && errno == EINTR) continue;
            if (m < 0) throwSystemError(errno, "cannot write for " + what);
            w += m;
        }
        if (inOff >= 0) inOff += n;
        if (outOff >= 0) outOff += n;
        done += static_cast<uint64_t>(n);
    }
}

// The file of a raw or qcow2 volume (upload and download address its bytes).
std::string fileVolume(const storage::VolInfo& info, std::string_view what) {
    if (info.def.format == storage::VolFormat::Dir)
        throw Error(ErrorCode::OperationInvalid, "cannot " + std::string(what) + " volume '" +
                                                     info.def.name +
                                                     "': it is a directory (format dir)");
    return info.path;
}

}  // namespace

StoragePool Connection::definePool(std::string_view xml, std::string_view filename) {
    storage::PoolDef def = storage::parsePool(xml, filename);
    auto lock = state::DomainLock::acquire(impl_->storagePaths().lockDir, def.name);
    if (auto existing = storedPool(*impl_, def.name)) {
        if (def.uuid && def.uuid != existing->uuid)
            throw Error(ErrorCode::DomainExists,
                        "pool '" + def.name + "' already exists with another uuid");
        def.uuid = existing->uuid;
    }
    if (!def.uuid) def.uuid = util::randomUuid();
    std::string uuid = util::formatUuid(*def.uuid);
    if (auto other = impl_->pools().nameForUuid(uuid); other && *other != def.name)
        throw Error(ErrorCode::DomainExists, "pool '" + *other + "' already has uuid " + uuid);
    for (const auto& n : impl_->pools().names())
        if (n != def.name)
            if (auto o = storedPool(*impl_, n); o && o->target == def.target)
                throw Error(ErrorCode::OperationInvalid,
                            "Storage source conflict with pool: '" + n + "'");
    impl_->pools().saveXml(def.name, uuid, storage::formatPool(def));
    return StoragePool(impl_, def.name);
}

StoragePool Connection::lookupPool(std::string_view key) const {
    std::string name(key);
    if (!impl_->pools().exists(name) && !fs::exists(liveFile(*impl_, name))) {
        auto byUuid = util::parseUuid(key);
        auto found = byUuid ? impl_->pools().nameForUuid(util::formatUuid(*byUuid)) : std::nullopt;
        if (!found) throw noPool(key);
        name = *found;
    }
    return StoragePool(impl_, name);
}

std::vector<StoragePoolSummary> Connection::listPools(bool active, bool inactive) const {
    std::vector<std::string> names = impl_->pools().names();
    for (auto& n : state::listNames(impl_->storagePaths().runDir, ".xml"))
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
    std::sort(names.begin(), names.end());
    std::vector<StoragePoolSummary> out;
    for (const auto& n : names) {
        StoragePoolSummary s = summaryOf(*impl_, n);
        if ((s.active && active) || (!s.active && inactive)) out.push_back(s);
    }
    return out;
}

std::vector<std::string> Connection::autostartPools(void (*onError)(const std::string&,
                                                                    const Error&)) {
    std::vector<std::string> started;
    for (const auto& name : impl_->pools().autostartNames()) {
        try {
            if (fs::exists(liveFile(*impl_, name))) continue;
            StoragePool(impl_, name).start();
            started.push_back(name);
        } catch (const Error& e) {
            if (onError) onError(name, e);
        }
    }
    return started;
}

StorageVol Connection::lookupVolumeByPath(std::string_view path) const {
    fs::path p = fs::path(path).lexically_normal();
    for (const auto& n : state::listNames(impl_->storagePaths().runDir, ".xml")) {
        auto def = livePool(*impl_, n);
        if (!def || p.parent_path() != fs::path(def->target)) continue;
        std::string name = p.filename().string();
        if (storage::volumeInfo(*def, name)) return StorageVol(impl_, n, name);
    }
    throw Error(ErrorCode::NoDomain,
                "failed to get vol '" + std::string(path) + "': no storage vol with matching path");
}

StoragePoolSummary StoragePool::summary() const {
    return summaryOf(*conn_, name_);
}

std::string StoragePool::xml(bool inactive) const {
    if (!inactive)
        if (auto live = livePool(*conn_, name_))
            return storage::formatPool(*live, storage::poolSpace(*live));
    if (auto stored = storedPool(*conn_, name_)) return storage::formatPool(*stored);
    if (auto live = livePool(*conn_, name_)) return storage::formatPool(*live);
    throw noPool(name_);
}

void StoragePool::build() {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    auto def = livePool(*conn_, name_);
    if (def)
        throw Error(ErrorCode::OperationInvalid, "storage pool '" + name_ + "' is already active");
    def = storedPool(*conn_, name_);
    if (!def) throw noPool(name_);
    storage::buildPool(*def);
}

void StoragePool::start() {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    if (fs::exists(liveFile(*conn_, name_)))
        throw Error(ErrorCode::OperationInvalid, "storage pool '" + name_ + "' is already active");
    auto def = storedPool(*conn_, name_);
    if (!def) throw noPool(name_);
    storage::checkPoolTarget(*def);
    storage::removeLeftovers(*def);
    util::makeDirs(conn_->storagePaths().runDir, 0755);
    util::writeFileReplace(liveFile(*conn_, name_), storage::formatPool(*def), 0644);
}

void StoragePool::destroy() {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    auto def = livePool(*conn_, name_);
    if (!def)
        throw Error(ErrorCode::OperationInvalid, "storage pool '" + name_ + "' is not active");
    if (auto dom = domainUsing(*conn_, def->target, true))
        throw Error(ErrorCode::OperationInvalid,
                    "storage pool '" + name_ + "' is in use by running domain '" + *dom + "'");
    util::removeFile(liveFile(*conn_, name_));
}

void StoragePool::undefine() {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    auto def = storedPool(*conn_, name_);
    if (!def) throw noPool(name_);
    if (fs::exists(liveFile(*conn_, name_)))
        throw Error(ErrorCode::OperationInvalid, "storage pool '" + name_ + "' is still active");
    conn_->pools().removeEntry(name_, def->uuid ? util::formatUuid(*def->uuid) : "");
}

void StoragePool::refresh() {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    storage::PoolDef def = activePool(*conn_, name_);
    storage::checkPoolTarget(def);
    storage::removeLeftovers(def);
}

void StoragePool::setAutostart(bool enabled) {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    if (!conn_->pools().exists(name_))
        throw Error(ErrorCode::OperationInvalid,
                    "cannot set autostart for transient storage pool '" + name_ + "'");
    conn_->pools().setAutostart(name_, enabled);
}

std::vector<StorageVolSummary> StoragePool::volumes() const {
    storage::PoolDef def = activePool(*conn_, name_);
    std::vector<StorageVolSummary> out;
    for (const auto& n : storage::volumeNames(def))
        if (auto info = storage::volumeInfo(def, n)) out.push_back(volSummary(*info));
    return out;
}

StorageVol StoragePool::lookupVolume(std::string_view name) const {
    volInfo(*conn_, name_, std::string(name));
    return StorageVol(conn_, name_, std::string(name));
}

StorageVol StoragePool::createVolume(std::string_view xml, std::string_view filename) {
    storage::VolDef def = storage::parseVol(xml, filename);
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    storage::createVolume(activePool(*conn_, name_), def);
    return StorageVol(conn_, name_, def.name);
}

StorageVol StoragePool::cloneVolume(std::string_view source, std::string_view name) {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    storage::VolInfo src = volInfo(*conn_, name_, std::string(source));
    // A running container writes into a dir volume: its clone would see a moving lower layer.
    if (src.def.format == storage::VolFormat::Dir) refuseInUse(*conn_, src, "clone");
    storage::cloneVolume(activePool(*conn_, name_), std::string(source), std::string(name));
    return StorageVol(conn_, name_, std::string(name));
}

StorageVolSummary StorageVol::summary() const {
    return volSummary(volInfo(*conn_, pool_, name_));
}

std::string StorageVol::path() const {
    return volInfo(*conn_, pool_, name_).path;
}

std::string StorageVol::xml() const {
    return storage::formatVol(volInfo(*conn_, pool_, name_));
}

void StorageVol::remove() {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, pool_);
    refuseInUse(*conn_, volInfo(*conn_, pool_, name_), "delete");
    storage::deleteVolume(activePool(*conn_, pool_), name_);
}

void StorageVol::wipe() {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, pool_);
    refuseInUse(*conn_, volInfo(*conn_, pool_, name_), "wipe");
    storage::wipeVolume(activePool(*conn_, pool_), name_);
}

void StorageVol::resize(uint64_t capacity, bool shrink) {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, pool_);
    storage::resizeVolume(activePool(*conn_, pool_), name_, capacity, shrink);
}

void StorageVol::upload(int fd, uint64_t offset, uint64_t length) {
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, pool_);
    storage::VolInfo info = volInfo(*conn_, pool_, name_);
    refuseInUse(*conn_, info, "upload to");
    std::string path = fileVolume(info, "upload to");
    util::Fd out(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!out) throwSystemError(errno, "cannot open volume '" + path + "'");
    copyBytes(fd, -1, out.get(), static_cast<off_t>(offset), length,
              "upload to volume '" + name_ + "'");
    if (::fsync(out.get()) < 0) throwSystemError(errno, "cannot sync volume '" + path + "'");
}

void StorageVol::download(int fd, uint64_t offset, uint64_t length) const {
    storage::VolInfo info = volInfo(*conn_, pool_, name_);
    std::string path = fileVolume(info, "download");
    util::Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!in) throwSystemError(errno, "cannot open volume '" + path + "'");
    copyBytes(in.get(), static_cast<off_t>(offset), fd, -1, length,
              "download of volume '" + name_ + "'");
}

}  // namespace cvirt
