// SPDX-License-Identifier: GPL-3.0-or-later
#include "rpc/xdr.h"

#include <algorithm>

#include "cvirt/error.h"

namespace cvirt::rpc {

namespace {

size_t padding(size_t n) {
    return (4 - n % 4) % 4;
}

Error malformed(const char* what, const std::string& why) {
    return Error(ErrorCode::InvalidArg, std::string("malformed message: ") + what + ": " + why);
}

}  // namespace

void XdrWriter::u32(uint32_t v) {
    char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                 static_cast<char>(v)};
    out_.append(b, 4);
}

void XdrWriter::u64(uint64_t v) {
    u32(static_cast<uint32_t>(v >> 32));
    u32(static_cast<uint32_t>(v));
}

void XdrWriter::fixedOpaque(std::span<const uint8_t> bytes) {
    out_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    out_.append(padding(bytes.size()), '\0');
}

void XdrWriter::opaque(std::string_view bytes) {
    u32(static_cast<uint32_t>(bytes.size()));
    out_.append(bytes);
    out_.append(padding(bytes.size()), '\0');
}

void XdrWriter::optionalString(const std::optional<std::string>& s) {
    boolean(s.has_value());
    if (s) string(*s);
}

std::string_view XdrReader::take(size_t n, const char* what) {
    if (n > left())
        throw malformed(
            what, "needs " + std::to_string(n) + " bytes, " + std::to_string(left()) + " left");
    std::string_view v = in_.substr(pos_, n);
    pos_ += n;
    return v;
}

uint32_t XdrReader::u32(const char* what) {
    std::string_view b = take(4, what);
    auto byte = [&](size_t i) { return static_cast<uint32_t>(static_cast<uint8_t>(b[i])); };
    return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

uint64_t XdrReader::u64(const char* what) {
    uint64_t hi = u32(what);
    return hi << 32 | u32(what);
}

bool XdrReader::boolean(const char* what) {
    uint32_t v = u32(what);
    if (v > 1) throw malformed(what, "boolean " + std::to_string(v) + " is neither 0 nor 1");
    return v == 1;
}

void XdrReader::fixedOpaque(std::span<uint8_t> out, const char* what) {
    std::string_view b = take(out.size() + padding(out.size()), what);
    std::copy_n(b.begin(), out.size(), out.begin());
}

std::string XdrReader::opaque(uint32_t max, const char* what) {
    uint32_t n = u32(what);
    if (n > max)
        throw malformed(what, "length " + std::to_string(n) + " exceeds " + std::to_string(max));
    std::string_view b = take(size_t{n} + padding(n), what);
    return std::string(b.substr(0, n));
}

std::optional<std::string> XdrReader::optionalString(const char* what) {
    if (!boolean(what)) return std::nullopt;
    return string(what);
}

uint32_t XdrReader::count(uint32_t max, const char* what) {
    uint32_t n = u32(what);
    if (n > max)
        throw malformed(what, "count " + std::to_string(n) + " exceeds " + std::to_string(max));
    if (size_t{n} * 4 > left())
        throw malformed(what, "count " + std::to_string(n) + " exceeds the bytes left");
    return n;
}

}  // namespace cvirt::rpc
