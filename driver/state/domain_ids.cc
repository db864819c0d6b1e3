// SPDX-License-Identifier: GPL-3.0-or-later
#include "state/domain_ids.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "state/domain_lock.h"
#include "util/file.h"

namespace cvirt::state {

namespace fs = std::filesystem;

namespace {

// The counter in `path`, the next id to give; nullopt if there is no such file.
std::optional<int> readCounter(const fs::path& path) {
    auto text = util::readFileIfExists(path);
    if (!text) return std::nullopt;
    int id = 1;
    std::from_chars(text->data(), text->data() + text->size(), id);
    return std::max(id, 1);
}

}  // namespace

fs::path runBase(const DriverPaths& paths) {
    return paths.runDir.parent_path();
}

int allocateDomainId(const fs::path& base) {
    util::makeDirs(base, 0755);
    auto lock = DomainLock::acquireDriver(base, "id");
    fs::path counter = base / "next-id";
    std::optional<int> id = readCounter(counter);
    if (!id) {
        id = 1;
        for (DriverKind kind : {DriverKind::Lxc, DriverKind::Qemu})
            id = std::max(*id, readCounter(base / driverName(kind) / "next-id").value_or(1));
    }
    util::writeFileReplace(counter, std::to_string(*id + 1) + "\n", 0644);
    return *id;
}

void releaseDomainId(const fs::path& base, int id) noexcept {
    try {
        auto lock = DomainLock::acquireDriver(base, "id");
        fs::path counter = base / "next-id";
        if (readCounter(counter) == id + 1)
            util::writeFileReplace(counter, std::to_string(id) + "\n", 0644);
    } catch (...) {
        // the id stays taken: a gap, nothing more
    }
}

}  // namespace cvirt::state
