// SPDX-License-Identifier: GPL-3.0-or-later
// XDR (RFC 4506), the encoding of every libvirt RPC body: big-endian 4-byte units, opaque
// data and strings padded to a multiple of 4, variable-length items prefixed by their length,
// optional items ("pointers") by a 4-byte boolean. Pure: bytes in, values out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace cvirt::rpc {

// libvirt's bound on a long string (VIR_NET_MESSAGE_STRING_MAX).
inline constexpr uint32_t kStringMax = 4194304;

class XdrWriter {
public:
    void u32(uint32_t v);
    void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
    void u64(uint64_t v);
    void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
    void boolean(bool v) { u32(v ? 1 : 0); }
    // Fixed-length opaque data (a UUID): the bytes and their padding, no length.
    void fixedOpaque(std::span<const uint8_t> bytes);
    // Variable-length opaque data or a string: the length, the bytes, the padding.
    void opaque(std::string_view bytes);
    void string(std::string_view s) { opaque(s); }
    // An optional string (libvirt's remote_string): a boolean, then the string if present.
    void optionalString(const std::optional<std::string>& s);

    const std::string& bytes() const { return out_; }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// Reads what XdrWriter writes. Every read checks the bytes left and the bound it is given,
// and throws Error(ErrorCode::InvalidArg) naming what was being read: a peer's message is
// outside input.
class XdrReader {
public:
    explicit XdrReader(std::string_view bytes) : in_(bytes) {}

    uint32_t u32(const char* what);
    int32_t i32(const char* what) { return static_cast<int32_t>(u32(what)); }
    uint64_t u64(const char* what);
    int64_t i64(const char* what) { return static_cast<int64_t>(u64(what)); }
    bool boolean(const char* what);
    void fixedOpaque(std::span<uint8_t> out, const char* what);
    std::string opaque(uint32_t max, const char* what);
    std::string string(const char* what, uint32_t max = kStringMax) { return opaque(max, what); }
    std::optional<std::string> optionalString(const char* what);
    // An array's element count, bounded by `max` and by the bytes left (each element takes
    // at least 4), so a lying count cannot make the caller reserve gigabytes.
    uint32_t count(uint32_t max, const char* what);

    size_t left() const { return in_.size() - pos_; }
    bool atEnd() const { return pos_ == in_.size(); }
    std::string_view rest() const { return in_.substr(pos_); }

private:
    std::string_view take(size_t n, const char* what);

    std::string_view in_;
    size_t pos_ = 0;
};

}  // namespace cvirt::rpc
