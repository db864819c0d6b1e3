// SPDX-License-Identifier: GPL-3.0-or-later
#include "conf/text_check.h"

#include <cstdint>
#include <cstdio>

namespace cvirt::conf {

namespace {

std::string codePoint(uint32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

// The code point at `text[i]` and its length in bytes; length 0 for a byte sequence that is
// not UTF-8 (overlong forms and surrogates included).
std::pair<uint32_t, size_t> decode(std::string_view text, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char b = byte(i);
    if (b < 0x80) return {b, 1};
    size_t len = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? (b <= 0xef ? 3 : 0) : b >= 0xc2 ? 2 : 0;
    if (len == 0 || i + len > text.size()) return {0, 0};
    uint32_t cp = b & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80) return {0, 0};
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {0, 0};
    return {cp, len};
}

}  // namespace

std::optional<std::string> textProblem(std::string_view text, TextKind kind) {
    for (size_t i = 0; i < text.size();) {
        auto [cp, len] = decode(text, i);
        if (len == 0) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(text[i]));
            return "is not valid UTF-8 (byte " + std::string(buf) + " at offset " +
                   std::to_string(i) + ")";
        }
        i += len;
        bool allowed = kind == TextKind::FreeText ? cp == '\t' || cp == '\n' || cp == '\r'
                       : kind == TextKind::Line   ? cp == '\t'
                                                  : false;
        if ((cp < 0x20 && !allowed) || (cp >= 0x7f && cp <= 0x9f))
            return "contains a control character (" + codePoint(cp) + ")";
        // embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI)
        bool bidi = (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
        if (bidi && kind != TextKind::FreeText)
            return "contains a bidirectional override (" + codePoint(cp) + ")";
    }
    return std::nullopt;
}

std::string printable(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        auto [cp, len] = decode(text, i);
        bool ok = len > 0 && cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f) &&
                  !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069);
        out += ok ? std::string(text.substr(i, len)) : "?";
        i += len > 0 ? len : 1;
    }
    return out;
}

}  // namespace cvirt::conf
