// SPDX-License-Identifier: GPL-3.0-or-later
#include "util/uuid.h"

#include <sys/random.h>

#include <cerrno>

#include "cvirt/error.h"

namespace cvirt::util {

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

std::optional<UuidBytes> parseUuid(std::string_view text) {
    UuidBytes out{};
    size_t n = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '-') continue;
        if (n >= 32) return std::nullopt;
        int v = hexValue(c);
        if (v < 0) return std::nullopt;
        out[n / 2] = static_cast<uint8_t>(n % 2 == 0 ? v << 4 : out[n / 2] | v);
        ++n;
    }
    if (n != 32) return std::nullopt;
    return out;
}

std::string formatUuid(const UuidBytes& uuid) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    for (size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        s += kHex[uuid[i] >> 4];
        s += kHex[uuid[i] & 0xf];
    }
    return s;
}

void randomBytes(void* buf, size_t len) {
    auto* p = static_cast<uint8_t*>(buf);
#ifdef CVIRT_DETERMINISTIC_RANDOM
    // Fuzz builds only (fuzz/CMakeLists.txt): the same bytes in every run (splitmix64 from a
    // fixed start), so a fixed seed walks the same path and `make fuzz-check` gives the same
    // verdict everywhere; uuids and MACs a parser makes up still differ from one another.
    static uint64_t state = 0x6376697274;
    for (size_t i = 0; i < len; ++i) {
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        p[i] = static_cast<uint8_t>(z ^ (z >> 31));
    }
    return;
#endif
    while (len > 0) {
        ssize_t n = ::getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            throwSystemError(errno, "cannot read random bytes");
        }
        p += n;
        len -= static_cast<size_t>(n);
    }
}

UuidBytes randomUuid() {
    UuidBytes u{};
    randomBytes(u.data(), u.size());
    u[6] = static_cast<uint8_t>((u[6] & 0x0f) | 0x40);
    u[8] = static_cast<uint8_t>((u[8] & 0x3f) | 0x80);
    return u;
}

}  // namespace cvirt::util
