// SPDX-License-Identifier: GPL-3.0-or-later
// vol-import: a dir volume filled by cvirt-vol-import (storage/import/main.cc) under a hidden
// name, renamed into place once complete; on failure (or a kill) nothing is left under the
// volume's name, and the hidden leftovers go with the next pool-refresh or pool-start.
#include <sys/stat.h>
#include <unistd.h>

#include "api/connection_impl.h"
#include "api/storage_internal.h"
#include "cvirt/connection.h"
#include "state/domain_lock.h"
#include "storage/volumes.h"
#include "util/fault.h"
#include "util/process.h"

namespace cvirt {

namespace fs = std::filesystem;

StorageVol StoragePool::importVolume(std::string_view nameView, std::string_view source) {
    std::string name(nameView);
    auto lock = state::DomainLock::acquire(conn_->storagePaths().lockDir, name_);
    storage::PoolDef pool = storage_api::activePool(*conn_, name_);
    std::string src = fs::absolute(std::string(source)).lexically_normal().string();
    storage::VolDef def;
    def.name = name;
    def.format = storage::VolFormat::Dir;
    def.perms.mode = 0755;
    // An empty dir volume under a hidden name, filled, then put in place.
    fs::path tmp = storage::temporaryPath(pool, name);
    fs::path scratch = storage::temporaryPath(pool, name + ".img");
    storage::prepareVolume(pool, def, tmp);
    struct Cleanup {
        std::vector<fs::path> paths;
        ~Cleanup() {
            for (const auto& p : paths) {
                std::error_code ec;
                fs::remove_all(p, ec);
            }
        }
    } cleanup{{tmp, scratch}};
    if (::mkdir(scratch.c_str(), 0700) < 0)
        throwSystemError(errno, "cannot create '" + scratch.string() + "'");
    util::ProcessResult r =
        util::runProcess({util::helperPath("cvirt-vol-import", "CVIRT_VOL_IMPORT"), src,
                          tmp.string(), scratch.string()});
    if (r.status != 0) {
        std::string why = r.err;
        while (!why.empty() && why.back() == '\n')
            why.pop_back();
        throw Error(ErrorCode::OperationFailed,
                    "cannot import volume '" + name + "' from '" + src +
                        "': " + (why.empty() ? "cvirt-vol-import failed" : why));
    }
    util::fault::point("vol-import:unpacked");
    storage::placeVolume(pool, name, tmp);
    cleanup.paths = {scratch};
    return StorageVol(conn_, name_, name);
}

}  // namespace cvirt
