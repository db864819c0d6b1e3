// SPDX-License-Identifier: GPL-3.0-or-later
#include "rpc/message.h"

#include <algorithm>

#include "cvirt/error.h"

namespace cvirt::rpc {

namespace {

Error malformed(const std::string& why) {
    return Error(ErrorCode::InvalidArg, "malformed message: " + why);
}

bool carriesFds(MessageType t) {
    return t == MessageType::CallWithFds || t == MessageType::ReplyWithFds;
}

constexpr uint32_t kUuidLength = 16;

// The unused domain and network of an error body: skipped when a peer sends them.
void skipOptionalObject(XdrReader& in, bool domain, const char* what) {
    if (!in.boolean(what)) return;
    in.string(what);
    std::array<uint8_t, kUuidLength> uuid{};
    in.fixedOpaque(uuid, what);
    if (domain) in.i32(what);
}

}  // namespace

std::string encodeMessage(const Header& h, std::string_view body, uint32_t fdCount) {
    XdrWriter out;
    size_t total = kLengthSize + kHeaderSize + (carriesFds(h.type) ? 4 : 0) + body.size();
    out.u32(static_cast<uint32_t>(total));
    out.u32(h.program);
    out.u32(h.version);
    out.i32(h.procedure);
    out.i32(static_cast<int32_t>(h.type));
    out.u32(h.serial);
    out.i32(static_cast<int32_t>(h.status));
    if (carriesFds(h.type)) out.u32(fdCount);
    std::string bytes = out.take();
    bytes.append(body);
    return bytes;
}

Message decodeMessage(std::string_view bytes) {
    XdrReader in(bytes);
    uint32_t length = in.u32("length");
    if (length != bytes.size())
        throw malformed("length word " + std::to_string(length) + " but " +
                        std::to_string(bytes.size()) + " bytes");
    Message m;
    m.header.program = in.u32("header program");
    m.header.version = in.u32("header version");
    m.header.procedure = in.i32("header procedure");
    int32_t type = in.i32("header type");
    if (type < 0 || type > static_cast<int32_t>(MessageType::StreamHole))
        throw malformed("unknown message type " + std::to_string(type));
    m.header.type = static_cast<MessageType>(type);
    m.header.serial = in.u32("header serial");
    int32_t status = in.i32("header status");
    if (status < 0 || status > static_cast<int32_t>(MessageStatus::Continue))
        throw malformed("unknown message status " + std::to_string(status));
    m.header.status = static_cast<MessageStatus>(status);
    if (carriesFds(m.header.type)) {
        m.fdCount = in.u32("fd count");
        if (m.fdCount > kFdsMax)
            throw malformed(std::to_string(m.fdCount) + " file descriptors, more than " +
                            std::to_string(kFdsMax));
    }
    m.body = std::string(in.rest());
    return m;
}

void MessageFramer::add(std::string_view bytes) {
    size_t drop = std::min(discard_, bytes.size());
    discard_ -= drop;
    buffer_.append(bytes.substr(drop));
}

void MessageFramer::discard(size_t n) {
    size_t drop = std::min(n, buffer_.size());
    buffer_.erase(0, drop);
    discard_ += n - drop;
}

std::optional<uint32_t> MessageFramer::length() const {
    if (buffer_.size() < kLengthSize) return std::nullopt;
    uint32_t n = XdrReader(std::string_view(buffer_).substr(0, kLengthSize)).u32("length");
    if (n < kLengthSize + kHeaderSize || n > kLengthSize + kMessageMax)
        throw malformed("length word " + std::to_string(n) + " outside " +
                        std::to_string(kLengthSize + kHeaderSize) + ".." +
                        std::to_string(kLengthSize + kMessageMax));
    return n;
}

size_t MessageFramer::wanted() const {
    auto n = length();
    if (!n) return kLengthSize - buffer_.size();
    return *n > buffer_.size() ? *n - buffer_.size() : 1;
}

std::optional<Message> MessageFramer::next() {
    auto n = length();
    if (!n || buffer_.size() < *n) return std::nullopt;
    Message m = decodeMessage(std::string_view(buffer_).substr(0, *n));
    buffer_.erase(0, *n);
    return m;
}

void encodeError(XdrWriter& out, const RemoteError& e) {
    out.i32(e.code);
    out.i32(e.domain);
    out.optionalString(e.message);
    out.i32(e.level);
    out.boolean(false);  // dom: unused
    out.optionalString(e.str1);
    out.optionalString(e.str2);
    out.optionalString(e.str3);
    out.i32(e.int1);
    out.i32(e.int2);
    out.boolean(false);  // net: unused
}

RemoteError decodeError(XdrReader& in) {
    RemoteError e;
    e.code = in.i32("error code");
    e.domain = in.i32("error domain");
    e.message = in.optionalString("error message");
    e.level = in.i32("error level");
    skipOptionalObject(in, true, "error domain object");
    e.str1 = in.optionalString("error str1");
    e.str2 = in.optionalString("error str2");
    e.str3 = in.optionalString("error str3");
    e.int1 = in.i32("error int1");
    e.int2 = in.i32("error int2");
    skipOptionalObject(in, false, "error network object");
    return e;
}

}  // namespace cvirt::rpc
