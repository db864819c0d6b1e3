// SPDX-License-Identifier: GPL-3.0-or-later
// Public API: storage pools and their volumes (libvirt's virStoragePool / virStorageVol), of
// a Connection (connection.h). Pools of type 'dir'; volumes raw, qcow2 and dir (directory
// trees for container roots, copy-on-write clones of them). Every call throws cvirt::Error;
// "not found" is ErrorCode::NoDomain with libvirt's words.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cvirt/export.h"

namespace cvirt {

class ConnectionImpl;

struct StoragePoolSummary {
    std::string name;
    std::string uuid;
    bool active = false;
    bool persistent = true;
    bool autostart = false;
    // The file system holding the pool's directory; 0 while the pool is inactive.
    uint64_t capacity = 0, allocation = 0, available = 0;
};

struct StorageVolSummary {
    std::string name;
    std::string path;    // its key too
    std::string type;    // "file" or "dir"
    std::string format;  // "raw", "qcow2", "dir"
    uint64_t capacity = 0, allocation = 0;
    std::string backingPath;  // a clone's source; "" for others
};

class CVIRT_API StorageVol {
public:
    const std::string& name() const { return name_; }
    const std::string& poolName() const { return pool_; }
    StorageVolSummary summary() const;
    std::string path() const;
    std::string xml() const;
    // vol-delete: refused naming the clones that depend on it, or the running domain using it.
    void remove();
    // vol-wipe: the content gone, the volume kept (a raw file zeroed, a qcow2 image emptied
    // with its size and backing kept, a dir tree emptied: a clone shows its source again).
    void wipe();
    // vol-resize of a raw or qcow2 volume; a smaller size needs `shrink`.
    void resize(uint64_t capacity, bool shrink = false);
    // vol-upload / vol-download of a file volume from / to the open descriptor `fd`: `length`
    // bytes (0: to the end) from `offset` in the volume.
    void upload(int fd, uint64_t offset = 0, uint64_t length = 0);
    void download(int fd, uint64_t offset = 0, uint64_t length = 0) const;

private:
    friend class StoragePool;
    friend class Connection;
    StorageVol(std::shared_ptr<ConnectionImpl> conn, std::string pool, std::string name)
        : conn_(std::move(conn)), pool_(std::move(pool)), name_(std::move(name)) {}
    std::shared_ptr<ConnectionImpl> conn_;
    std::string pool_, name_;
};

class CVIRT_API StoragePool {
public:
    const std::string& name() const { return name_; }
    StoragePoolSummary summary() const;
    // The definition with the space figures of an active pool (inactive: as stored).
    std::string xml(bool inactive = false) const;
    void build();     // makes the target directory
    void start();     // the target must exist (pool-build); removes what killed calls left
    void destroy();   // refused while a running domain uses one of its volumes
    void undefine();  // refused while active
    void refresh();   // removes what killed calls left
    void setAutostart(bool enabled);

    std::vector<StorageVolSummary> volumes() const;  // sorted by name
    StorageVol lookupVolume(std::string_view name) const;
    // vol-create: libvirt's volume XML (raw, qcow2, dir).
    StorageVol createVolume(std::string_view xml, std::string_view filename = "volume XML");
    // vol-clone of the volume `source` of this pool: dir → a copy-on-write overlay child,
    // qcow2 → a qcow2 child backed by it, raw → a full copy.
    StorageVol cloneVolume(std::string_view source, std::string_view name);
    // vol-import (cvirt's own): a dir volume `name` from `source`, a root file system tar
    // archive (any compression libarchive reads), an OCI image layout (a directory or a tar
    // of one) or a docker-archive, layers applied in order with whiteouts. Unsafe archives
    // (absolute paths, '..', links leaving the volume, device nodes, truncated streams) are
    // refused and leave no volume behind.
    StorageVol importVolume(std::string_view name, std::string_view source);

private:
    friend class Connection;
    friend class StorageVol;
    StoragePool(std::shared_ptr<ConnectionImpl> conn, std::string name)
        : conn_(std::move(conn)), name_(std::move(name)) {}
    std::shared_ptr<ConnectionImpl> conn_;
    std::string name_;
};

}  // namespace cvirt
