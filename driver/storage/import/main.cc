// SPDX-License-Identifier: GPL-3.0-or-later
// cvirt-vol-import SOURCE DEST SCRATCH: fills the empty directory DEST (a volume being made)
// from SOURCE: a root file system tar (any compression), an OCI image layout (a directory or
// a tar of one) or a docker-archive. An image archive is first unpacked into the empty
// directory SCRATCH (under the same rules); its layers then go into DEST in order, whiteouts
// applied. The caller (api/storage_import.cc) removes DEST and SCRATCH when this fails, and
// SCRATCH when it succeeds. Linked on its own against libarchive, as cvirt-nft is against
// libnftables: the driver library and cvirsh do not carry it.
//
// Exit 0, or 1 with the reason on stderr (one line).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cvirt/error.h"
#include "storage/archive_path.h"
#include "storage/import/extract.h"
#include "util/fd.h"
#include "util/file.h"

namespace fs = std::filesystem;
using cvirt::Error;
using cvirt::ErrorCode;
using nlohmann::json;

namespace {

cvirt::util::Fd openDir(const std::string& path) {
    cvirt::util::Fd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) cvirt::throwSystemError(errno, "cannot open directory '" + path + "'");
    return fd;
}

[[noreturn]] void badImage(const fs::path& image, const std::string& why) {
    throw Error(ErrorCode::InvalidArg, "image '" + image.string() + "': " + why);
}

json readJson(const fs::path& image, const std::string& rel) {
    std::vector<std::string> parts = cvirt::storage::memberPath(rel);
    fs::path p = image;
    for (const auto& c : parts)
        p /= c;
    if (fs::is_symlink(p)) badImage(image, "'" + rel + "' is a link");
    auto text = cvirt::util::readFileIfExists(p);
    if (!text) badImage(image, "has no '" + rel + "'");
    try {
        return json::parse(*text);
    } catch (const json::exception& e) {
        badImage(image, "'" + rel + "' is not JSON: " + e.what());
    }
}

// "sha256:<hex>" → "blobs/sha256/<hex>", refusing anything else.
std::string blobPath(const fs::path& image, const json& descriptor) {
    std::string digest = descriptor.value("digest", "");
    size_t colon = digest.find(':');
    std::string alg = digest.substr(0, colon == std::string::npos ? 0 : colon);
    std::string hex = colon == std::string::npos ? "" : digest.substr(colon + 1);
    bool ok = (alg == "sha256" || alg == "sha512") && !hex.empty() &&
              std::all_of(hex.begin(), hex.end(),
                          [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
    if (!ok) badImage(image, "bad digest '" + digest + "'");
    return "blobs/" + alg + "/" + hex;
}

bool isIndex(const json& j) {
    return j.value("mediaType", "") == "application/vnd.oci.image.index.v1+json" ||
           (j.contains("manifests") && !j.contains("layers"));
}

// The layers of the OCI image layout `image`: index.json's manifest for linux/amd64 (or its
// only one), through nested indexes.
std::vector<std::string> ociLayers(const fs::path& image) {
    json node = readJson(image, "index.json");
    for (int depth = 0; isIndex(node); ++depth) {
        if (depth > 4) badImage(image, "indexes nest too deep");
        const json& list = node.value("manifests", json::array());
        if (!list.is_array() || list.empty()) badImage(image, "its index lists no manifest");
        const json* pick = &list[0];
        for (const auto& m : list) {
            const json& p = m.value("platform", json::object());
            if (p.value("os", "linux") == "linux" && p.value("architecture", "amd64") == "amd64") {
                pick = &m;
                break;
            }
        }
        node = readJson(image, blobPath(image, *pick));
    }
    if (!node.contains("layers") || !node["layers"].is_array())
        badImage(image, "its manifest lists no layers");
    std::vector<std::string> out;
    for (const auto& l : node["layers"])
        out.push_back(blobPath(image, l));
    return out;
}

std::vector<std::string> dockerLayers(const fs::path& image) {
    json m = readJson(image, "manifest.json");
    if (!m.is_array() || m.empty() || !m[0].contains("Layers") || !m[0]["Layers"].is_array())
        badImage(image, "manifest.json lists no Layers");
    std::vector<std::string> out;
    for (const auto& l : m[0]["Layers"]) {
        if (!l.is_string()) badImage(image, "a layer in manifest.json is not a path");
        cvirt::storage::memberPath(l.get<std::string>());  // refuses '..' and absolute paths
        out.push_back(l.get<std::string>());
    }
    return out;
}

void applyImage(const fs::path& image, int dest) {
    std::vector<std::string> layers;
    if (fs::exists(image / "oci-layout"))
        layers = ociLayers(image);
    else if (fs::exists(image / "manifest.json"))
        layers = dockerLayers(image);
    else
        badImage(image,
                 "is neither an OCI image layout (oci-layout, index.json) nor a "
                 "docker-archive (manifest.json)");
    for (const auto& l : layers) {
        fs::path p = image / l;
        // a layer named through a link must stay inside the image
        std::error_code ec;
        fs::path real = fs::weakly_canonical(p, ec);
        fs::path root = fs::weakly_canonical(image, ec);
        if (ec || real.string().rfind(root.string() + "/", 0) != 0)
            badImage(image, "layer '" + l + "' is outside the image");
        if (!fs::is_regular_file(real)) badImage(image, "layer '" + l + "' is missing");
        cvirt::storage::import::extractArchive(real.string(), dest, {.layer = true});
    }
}

bool isImageArchive(const std::vector<std::string>& names) {
    for (const auto& n : names)
        if (n == "oci-layout" || n == "manifest.json") return true;
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: cvirt-vol-import SOURCE DEST SCRATCH\n";
        return 2;
    }
    std::string source = argv[1];
    try {
        cvirt::util::Fd dest = openDir(argv[2]);
        struct stat st {};
        if (::stat(source.c_str(), &st) < 0)
            cvirt::throwSystemError(errno, "cannot read '" + source + "'");
        if (S_ISDIR(st.st_mode)) {
            applyImage(source, dest.get());
        } else if (isImageArchive(cvirt::storage::import::memberNames(source))) {
            cvirt::util::Fd scratch = openDir(argv[3]);
            cvirt::storage::import::extractArchive(source, scratch.get(), {});
            applyImage(argv[3], dest.get());
        } else {
            cvirt::storage::import::extractArchive(source, dest.get(), {});
        }
        // the volume is put in place once this returns: its content reaches the disk first
        if (::syncfs(dest.get()) < 0) cvirt::throwSystemError(errno, "cannot sync the volume");
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    return 0;
}
