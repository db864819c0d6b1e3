// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/layers.h"

#include <algorithm>

#include "cvirt/error.h"
#include "util/file.h"

namespace cvirt::storage {

fs::path cloneLayerDir(const fs::path& pool, const std::string& name) {
    return pool / kLayersDir / name;
}

namespace {

// The clone record of POOL/NAME, when there is one: its layer directory.
std::optional<fs::path> layerDirOf(const fs::path& dir) {
    fs::path clean = dir.lexically_normal();
    if (clean.filename().empty()) clean = clean.parent_path();
    fs::path layer = cloneLayerDir(clean.parent_path(), clean.filename().string());
    std::error_code ec;
    if (!fs::is_regular_file(layer / "source", ec)) return std::nullopt;
    return layer;
}

std::string sourceName(const fs::path& layer) {
    std::string text = util::readFile(layer / "source");
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

}  // namespace

std::optional<Overlay> cloneOverlay(const fs::path& dir) {
    auto layer = layerDirOf(dir);
    if (!layer) return std::nullopt;
    fs::path clean = dir.lexically_normal();
    if (clean.filename().empty()) clean = clean.parent_path();
    fs::path pool = clean.parent_path();
    Overlay o{{}, *layer / "upper", *layer / "work"};
    std::vector<std::string> seen{clean.filename().string()};
    for (fs::path cur = *layer;;) {
        std::string src = sourceName(cur);
        if (src.empty() || src.find('/') != std::string::npos || src[0] == '.' ||
            std::find(seen.begin(), seen.end(), src) != seen.end())
            throw Error(
                ErrorCode::OperationFailed,
                "clone volume '" + clean.string() + "' has a bad source chain at '" + src + "'");
        seen.push_back(src);
        auto next = layerDirOf(pool / src);
        if (!next) {
            std::error_code ec;
            if (!fs::is_directory(pool / src, ec))
                throw Error(ErrorCode::OperationFailed, "source volume '" + src + "' of clone '" +
                                                            clean.string() + "' is missing");
            o.lowers.push_back(pool / src);
            break;
        }
        o.lowers.push_back(*next / "upper");
        cur = *next;
    }
    return o;
}

fs::path writableLayer(const fs::path& dir) {
    if (auto layer = layerDirOf(dir)) return *layer / "upper";
    return dir;
}

std::vector<std::string> cloneDependants(const fs::path& dir) {
    fs::path clean = dir.lexically_normal();
    if (clean.filename().empty()) clean = clean.parent_path();
    fs::path pool = clean.parent_path();
    std::string name = clean.filename().string();
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(pool / kLayersDir, ec)) {
        std::string clone = e.path().filename().string();
        if (clone.empty() || clone[0] == '.' || !fs::is_directory(pool / clone, ec)) continue;
        auto src = util::readFileIfExists(e.path() / "source");
        if (src && src->substr(0, src->find('\n')) == name) out.push_back(clone);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string overlayOptions(const Overlay& o) {
    auto checked = [](const fs::path& p) {
        std::string s = p.string();
        if (s.find_first_of(",:\\") != std::string::npos)
            throw Error(ErrorCode::ConfigUnsupported,
                        "overlay layer path '" + s + "' holds ',' ':' or '\\\\'");
        return s;
    };
    std::string lower;
    for (const auto& l : o.lowers)
        lower += (lower.empty() ? "" : ":") + checked(l);
    return "lowerdir=" + lower + ",upperdir=" + checked(o.upper) + ",workdir=" + checked(o.work);
}

}  // namespace cvirt::storage
