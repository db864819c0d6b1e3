// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/qcow2_header.h"

#include <fcntl.h>
#include <unistd.h>

#include "util/fd.h"

namespace cvirt::storage {

namespace {
uint64_t be(std::string_view s, size_t at, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
        v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    return v;
}
}  // namespace

std::optional<Qcow2Header> parseQcow2Header(std::string_view head) {
    if (head.size() < 32 || head.substr(0, 4) != std::string_view("QFI\xfb", 4))
        return std::nullopt;
    Qcow2Header h;
    h.size = be(head, 24, 8);
    uint64_t offset = be(head, 8, 8);
    uint64_t length = be(head, 16, 4);
    if (offset != 0 && length != 0 && offset + length <= head.size())
        h.backingFile = std::string(head.substr(offset, length));
    return h;
}

std::optional<Qcow2Header> readQcow2Header(const std::string& path) {
    util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd) return std::nullopt;
    std::string buf(4096, '\0');
    ssize_t n = ::pread(fd.get(), buf.data(), buf.size(), 0);
    if (n <= 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return parseQcow2Header(buf);
}

}  // namespace cvirt::storage
