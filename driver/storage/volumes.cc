// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/volumes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "cvirt/error.h"
#include "state/uri.h"
#include "storage/layers.h"
#include "storage/qcow2_header.h"
#include "util/fault.h"
#include "util/fd.h"
#include "util/file.h"
#include "util/process.h"

namespace cvirt::storage {

namespace {

Error noVolume(const std::string& name) {
    return Error(ErrorCode::NoDomain,
                 "Storage volume not found: no storage vol with matching name '" + name + "'");
}

// ".NAME.tmp-PID": a creation in progress (or killed); never listed.
fs::path tempPath(const fs::path& dir, const std::string& name) {
    return dir / ("." + name + ".tmp-" + std::to_string(::getpid()));
}

// Puts `tmp` in place as `final`, refusing when something took the name meanwhile.
void renameNoReplace(const fs::path& tmp, const fs::path& final) {
    if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, final.c_str(), RENAME_NOREPLACE) < 0)
        throwSystemError(errno, "cannot put volume '" + final.string() + "' in place");
}

void removeTree(const fs::path& p) noexcept {
    std::error_code ec;
    fs::remove_all(p, ec);
}

// Removes a temporary on every path out unless released.
struct TempGuard {
    fs::path path;
    ~TempGuard() {
        if (!path.empty()) removeTree(path);
    }
};

void applyPerms(const fs::path& p, const Permissions& perms, unsigned defaultMode) {
    if (::chmod(p.c_str(), perms.mode.value_or(defaultMode)) < 0)
        throwSystemError(errno, "cannot set the mode of '" + p.string() + "'");
    if ((perms.owner || perms.group) &&
        ::lchown(p.c_str(), perms.owner ? *perms.owner : static_cast<uid_t>(-1),
                 perms.group ? *perms.group : static_cast<gid_t>(-1)) < 0)
        throwSystemError(errno, "cannot set the owner of '" + p.string() + "'");
}

void qemuImg(const std::vector<std::string>& argv, const std::string& what) {
    util::ProcessResult r;
    try {
        r = util::runProcess(argv);
    } catch (const Error& e) {
        throw Error(ErrorCode::OperationFailed,
                    what + ": cannot run qemu-img (Debian's qemu-utils): " + e.what());
    }
    if (r.status != 0) {
        std::string err = r.err;
        while (!err.empty() && err.back() == '\n')
            err.pop_back();
        throw Error(ErrorCode::OperationFailed, what + ": " + (err.empty() ? r.out : err));
    }
}

bool processAlive(const std::string& pidText) {
    try {
        pid_t pid = static_cast<pid_t>(std::stol(pidText));
        return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM);
    } catch (...) {
        return false;
    }
}

// Orphan layers of `name` (a clone killed before its volume was put in place, or a deletion
// killed after its volume went): removed before a volume of that name is made, lest the new
// volume read as their clone.
void removeOrphanLayer(const PoolDef& pool, const std::string& name) {
    std::error_code ec;
    fs::path layer = cloneLayerDir(pool.target, name);
    if (fs::exists(layer, ec) && !fs::exists(volumePath(pool, name), ec)) removeTree(layer);
}

void checkFree(const PoolDef& pool, const std::string& name) {
    std::error_code ec;
    if (fs::symlink_status(volumePath(pool, name), ec).type() != fs::file_type::not_found)
        throw Error(ErrorCode::DomainExists, "storage volume '" + name + "' already exists");
    removeOrphanLayer(pool, name);
}

void createFile(const fs::path& tmp, const VolDef& def) {
    if (def.format == VolFormat::Qcow2) {
        std::vector<std::string> argv{"qemu-img", "create", "-q", "-f", "qcow2"};
        if (!def.backingPath.empty()) {
            argv.insert(argv.end(),
                        {"-b", def.backingPath, "-F",
                         std::string(volFormatName(def.backingFormat.value_or(VolFormat::Qcow2)))});
        }
        argv.push_back(tmp.string());
        if (def.capacity || def.backingPath.empty()) argv.push_back(std::to_string(def.capacity));
        qemuImg(argv, "cannot create qcow2 volume '" + def.name + "'");
        return;
    }
    util::Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) throwSystemError(errno, "cannot create '" + tmp.string() + "'");
    if (def.allocation && *def.allocation >= def.capacity && def.capacity > 0) {
        int err = ::posix_fallocate(fd.get(), 0, static_cast<off_t>(def.capacity));
        if (err)
            throwSystemError(err, "cannot allocate " + std::to_string(def.capacity) +
                                      " bytes for volume '" + def.name + "'");
    } else if (::ftruncate(fd.get(), static_cast<off_t>(def.capacity)) < 0) {
        throwSystemError(errno, "cannot size volume '" + def.name + "'");
    }
    if (::fsync(fd.get()) < 0) throwSystemError(errno, "cannot sync '" + tmp.string() + "'");
}

VolFormat fileFormat(const fs::path& p, std::optional<Qcow2Header>* header = nullptr) {
    auto h = readQcow2Header(p.string());
    if (header) *header = h;
    return h ? VolFormat::Qcow2 : VolFormat::Raw;
}

}  // namespace

fs::path volumePath(const PoolDef& pool, std::string_view name) {
    return state::entryPath(pool.target, name, "");
}

std::vector<std::string> volumeNames(const PoolDef& pool) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(pool.target, ec)) {
        std::string n = e.path().filename().string();
        if (n.empty() || n[0] == '.') continue;
        auto t = e.symlink_status(ec).type();
        if (t == fs::file_type::regular || t == fs::file_type::directory) out.push_back(n);
    }
    if (ec)
        throw Error(ErrorCode::OperationFailed,
                    "cannot read pool directory '" + pool.target + "': " + ec.message());
    std::sort(out.begin(), out.end());
    return out;
}

uint64_t diskUsage(const fs::path& path) {
    uint64_t total = 0;
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_blocks) * 512;
    if (!S_ISDIR(st.st_mode)) return total;
    std::error_code ec;
    for (fs::recursive_directory_iterator
             it(path, fs::directory_options::skip_permission_denied, ec),
         end;
         it != end; it.increment(ec)) {
        if (ec) break;
        if (::lstat(it->path().c_str(), &st) == 0)
            total += static_cast<uint64_t>(st.st_blocks) * 512;
    }
    return total;
}

std::optional<VolInfo> volumeInfo(const PoolDef& pool, const std::string& name) {
    fs::path p = volumePath(pool, name);
    struct stat st {};
    if (::lstat(p.c_str(), &st) < 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
        return std::nullopt;
    VolInfo info;
    info.def.name = name;
    info.path = p.string();
    info.def.perms = {st.st_mode & 07777, st.st_uid, st.st_gid};
    if (S_ISDIR(st.st_mode)) {
        info.def.format = VolFormat::Dir;
        fs::path layer = cloneLayerDir(pool.target, name);
        if (auto src = util::readFileIfExists(layer / "source")) {
            std::string s = *src;
            while (!s.empty() && s.back() == '\n')
                s.pop_back();
            info.clone = true;
            info.def.backingPath = (fs::path(pool.target) / s).string();
            info.def.backingFormat = VolFormat::Dir;
            info.allocation = diskUsage(layer / "upper");
        } else {
            info.allocation = diskUsage(p);
        }
        info.def.capacity = info.allocation;
        return info;
    }
    std::optional<Qcow2Header> h;
    info.def.format = fileFormat(p, &h);
    info.allocation = static_cast<uint64_t>(st.st_blocks) * 512;
    info.def.capacity = h ? h->size : static_cast<uint64_t>(st.st_size);
    if (h && !h->backingFile.empty()) {
        fs::path b = h->backingFile;
        info.def.backingPath =
            (b.is_absolute() ? b : p.parent_path() / b).lexically_normal().string();
        info.def.backingFormat = fileFormat(info.def.backingPath);
        info.clone = true;
    }
    return info;
}

fs::path temporaryPath(const PoolDef& pool, const std::string& name) {
    volumePath(pool, name);  // the name's checks
    return tempPath(pool.target, name);
}

void prepareVolume(const PoolDef& pool, const VolDef& def, const fs::path& tmp) {
    checkFree(pool, def.name);
    removeTree(tmp);
    TempGuard guard{tmp};
    if (def.format == VolFormat::Dir) {
        if (!def.backingPath.empty())
            throw Error(ErrorCode::ConfigUnsupported,
                        "a dir volume with a backing store is made by vol-clone");
        if (::mkdir(tmp.c_str(), 0700) < 0)
            throwSystemError(errno, "cannot create '" + tmp.string() + "'");
        applyPerms(tmp, def.perms, 0755);
    } else {
        createFile(tmp, def);
        applyPerms(tmp, def.perms, 0600);
    }
    guard.path.clear();
}

void placeVolume(const PoolDef& pool, const std::string& name, const fs::path& tmp) {
    renameNoReplace(tmp, volumePath(pool, name));
    util::fsyncDir(pool.target);
}

void createVolume(const PoolDef& pool, const VolDef& def) {
    fs::path tmp = temporaryPath(pool, def.name);
    prepareVolume(pool, def, tmp);
    TempGuard guard{tmp};
    util::fault::point("vol-create:made");
    placeVolume(pool, def.name, tmp);
    guard.path.clear();
}

void cloneVolume(const PoolDef& pool, const std::string& source, const std::string& name) {
    auto src = volumeInfo(pool, source);
    if (!src) throw noVolume(source);
    checkFree(pool, name);
    fs::path final = volumePath(pool, name);
    fs::path tmp = tempPath(pool.target, name);
    removeTree(tmp);
    TempGuard guard{tmp};
    if (src->def.format == VolFormat::Dir) {
        // The layers first, under a hidden name, then renamed to the clone's; its (empty)
        // directory last, which is what makes the volume exist.
        fs::path layers = fs::path(pool.target) / kLayersDir;
        util::makeDirs(layers, 0711);  // a user-namespace container walks to its layers
        fs::path layerTmp = tempPath(layers, name);
        removeTree(layerTmp);
        TempGuard layerGuard{layerTmp};
        util::makeDirs(layerTmp / "upper", 0755);
        util::makeDirs(layerTmp / "work", 0700);
        // The upper layer's root carries the source's mode and owner: the merged root has them.
        struct stat st {};
        if (::stat(src->path.c_str(), &st) == 0) {
            ::chmod((layerTmp / "upper").c_str(), st.st_mode & 07777);
            if (::lchown((layerTmp / "upper").c_str(), st.st_uid, st.st_gid) < 0)
                throwSystemError(errno, "cannot set the owner of clone '" + name + "'");
        }
        util::writeFileAtomic(layerTmp / "source", source + "\n", 0644);
        if (::mkdir(tmp.c_str(), 0755) < 0)
            throwSystemError(errno, "cannot create '" + tmp.string() + "'");
        util::fault::point("vol-clone:layers-made");
        renameNoReplace(layerTmp, cloneLayerDir(pool.target, name));
        layerGuard.path.clear();
        util::fsyncDir(layers);
        util::fault::point("vol-clone:layers-placed");
        try {
            renameNoReplace(tmp, final);
        } catch (...) {
            removeTree(cloneLayerDir(pool.target, name));
            throw;
        }
        guard.path.clear();
        util::fsyncDir(pool.target);
        return;
    }
    if (src->def.format == VolFormat::Qcow2) {
        VolDef child;
        child.name = name;
        child.format = VolFormat::Qcow2;
        child.backingPath = src->path;
        child.backingFormat = VolFormat::Qcow2;
        createFile(tmp, child);
    } else {
        std::error_code ec;
        fs::copy_file(src->path, tmp, ec);
        if (ec)
            throw Error(ErrorCode::OperationFailed,
                        "cannot copy volume '" + source + "' to '" + name + "': " + ec.message());
    }
    applyPerms(tmp, src->def.perms, 0600);
    util::fault::point("vol-clone:layers-made");
    renameNoReplace(tmp, final);
    guard.path.clear();
    util::fsyncDir(pool.target);
}

std::vector<std::string> dependants(const PoolDef& pool, const std::string& name) {
    std::vector<std::string> out;
    std::string path = volumePath(pool, name).string();
    for (const auto& n : volumeNames(pool)) {
        if (n == name) continue;
        auto info = volumeInfo(pool, n);
        if (info && info->clone && info->def.backingPath == path) out.push_back(n);
    }
    return out;
}

void deleteVolume(const PoolDef& pool, const std::string& name) {
    auto info = volumeInfo(pool, name);
    if (!info) throw noVolume(name);
    auto deps = dependants(pool, name);
    if (!deps.empty()) {
        std::string list;
        for (const auto& d : deps)
            list += (list.empty() ? "'" : ", '") + d + "'";
        throw Error(ErrorCode::OperationInvalid,
                    "cannot delete volume '" + name + "': clones depend on it: " + list);
    }
    // Renamed out of sight first: a deletion killed midway leaves a hidden leftover, not a
    // half-emptied volume.
    fs::path p = volumePath(pool, name);
    fs::path gone = tempPath(pool.target, name);
    removeTree(gone);
    if (::rename(p.c_str(), gone.c_str()) < 0)
        throwSystemError(errno, "cannot delete volume '" + name + "'");
    util::fsyncDir(pool.target);
    removeTree(cloneLayerDir(pool.target, name));
    removeTree(gone);
}

void wipeVolume(const PoolDef& pool, const std::string& name) {
    auto info = volumeInfo(pool, name);
    if (!info) throw noVolume(name);
    fs::path p = info->path;
    if (info->def.format == VolFormat::Dir) {
        fs::path dir = info->clone ? cloneLayerDir(pool.target, name) / "upper" : p;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec))
            removeTree(e.path());
        if (ec)
            throw Error(ErrorCode::OperationFailed,
                        "cannot wipe volume '" + name + "': " + ec.message());
        return;
    }
    if (info->def.format == VolFormat::Qcow2) {
        // A fresh image of the same size and backing in place of the old one.
        VolDef fresh = info->def;
        fs::path tmp = tempPath(pool.target, name);
        removeTree(tmp);
        TempGuard guard{tmp};
        createFile(tmp, fresh);
        applyPerms(tmp, info->def.perms, 0600);
        if (::rename(tmp.c_str(), p.c_str()) < 0)
            throwSystemError(errno, "cannot wipe volume '" + name + "'");
        guard.path.clear();
        return;
    }
    util::Fd fd(::open(p.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) throwSystemError(errno, "cannot open '" + p.string() + "'");
    off_t size = static_cast<off_t>(info->def.capacity);
    if (::fallocate(fd.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, size) < 0) {
        std::string zeros(1 << 20, '\0');
        for (off_t at = 0; at < size;) {
            size_t n =
                static_cast<size_t>(std::min<off_t>(size - at, static_cast<off_t>(zeros.size())));
            ssize_t w = ::pwrite(fd.get(), zeros.data(), n, at);
            if (w <= 0) throwSystemError(errno, "cannot wipe volume '" + name + "'");
            at += w;
        }
    }
    if (::fsync(fd.get()) < 0) throwSystemError(errno, "cannot sync volume '" + name + "'");
}

void resizeVolume(const PoolDef& pool, const std::string& name, uint64_t capacity, bool shrink) {
    auto info = volumeInfo(pool, name);
    if (!info) throw noVolume(name);
    if (info->def.format == VolFormat::Dir)
        throw Error(ErrorCode::OperationInvalid,
                    "cannot resize volume '" + name + "': a dir volume has no size to set");
    if (capacity < info->def.capacity && !shrink)
        throw Error(ErrorCode::InvalidArg,
                    "Can't shrink capacity below current capacity unless shrink flag explicitly "
                    "specified");
    if (info->def.format == VolFormat::Qcow2) {
        std::vector<std::string> argv{"qemu-img", "resize", "-q"};
        if (shrink) argv.push_back("--shrink");
        argv.insert(argv.end(), {"-f", "qcow2", info->path, std::to_string(capacity)});
        qemuImg(argv, "cannot resize volume '" + name + "'");
        return;
    }
    if (::truncate(info->path.c_str(), static_cast<off_t>(capacity)) < 0)
        throwSystemError(errno, "cannot resize volume '" + name + "'");
}

void removeLeftovers(const PoolDef& pool) {
    auto sweep = [](const fs::path& dir) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            std::string n = e.path().filename().string();
            size_t at = n.rfind(".tmp-");
            if (n.size() > 1 && n[0] == '.' && at != std::string::npos &&
                !processAlive(n.substr(at + 5)))
                removeTree(e.path());
        }
    };
    sweep(pool.target);
    fs::path layers = fs::path(pool.target) / kLayersDir;
    sweep(layers);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(layers, ec)) {
        std::string n = e.path().filename().string();
        if (!n.empty() && n[0] != '.') removeOrphanLayer(pool, n);
    }
}

}  // namespace cvirt::storage
