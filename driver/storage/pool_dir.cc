// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/pool_dir.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "cvirt/error.h"
#include "storage/layers.h"
#include "util/file.h"

namespace cvirt::storage {

void buildPool(const PoolDef& pool) {
    util::makeDirs(pool.target, pool.perms.mode.value_or(0755));
    struct stat st {};
    if (::lstat(pool.target.c_str(), &st) < 0 || !S_ISDIR(st.st_mode))
        throw Error(ErrorCode::OperationFailed, "cannot build pool '" + pool.name + "': '" +
                                                    pool.target + "' is not a directory");
    if (pool.perms.mode && ::chmod(pool.target.c_str(), *pool.perms.mode) < 0)
        throwSystemError(errno, "cannot set the mode of '" + pool.target + "'");
    if ((pool.perms.owner || pool.perms.group) &&
        ::chown(pool.target.c_str(), pool.perms.owner ? *pool.perms.owner : static_cast<uid_t>(-1),
                pool.perms.group ? *pool.perms.group : static_cast<gid_t>(-1)) < 0)
        throwSystemError(errno, "cannot set the owner of '" + pool.target + "'");
}

void checkPoolTarget(const PoolDef& pool) {
    struct stat st {};
    if (::stat(pool.target.c_str(), &st) < 0)
        throwSystemError(errno, "cannot open directory '" + pool.target + "'");
    if (!S_ISDIR(st.st_mode))
        throw Error(ErrorCode::OperationInvalid,
                    "target '" + pool.target + "' of pool '" + pool.name + "' is not a directory");
}

PoolSpace poolSpace(const PoolDef& pool) {
    struct statvfs vfs {};
    if (::statvfs(pool.target.c_str(), &vfs) < 0)
        throwSystemError(errno, "cannot read the file system of '" + pool.target + "'");
    PoolSpace s;
    uint64_t unit = vfs.f_frsize;
    s.capacity = vfs.f_blocks * unit;
    s.available = vfs.f_bavail * unit;
    s.allocation = (vfs.f_blocks - vfs.f_bfree) * unit;
    return s;
}

void deletePoolTarget(const PoolDef& pool) {
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(pool.target) / kLayersDir, ec);
    if (::rmdir(pool.target.c_str()) < 0 && errno != ENOENT)
        throwSystemError(errno, "cannot delete pool target '" + pool.target + "'");
}

}  // namespace cvirt::storage
