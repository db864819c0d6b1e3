// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's RPC wire format (src/rpc/virnetprotocol.x): each message is a 4-byte length
// (counting itself), a 24-byte header, and the body the header's program, procedure, type
// and status call for, all in XDR. Pure: bytes in, values out; the socket is elsewhere.
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "rpc/xdr.h"

namespace cvirt::rpc {

enum class MessageType : int32_t {
    Call = 0,          // client → server: a procedure's arguments
    Reply = 1,         // server → client: its result, or an error
    Message = 2,       // either way: an event, serial 0
    Stream = 3,        // either way: stream data, the serial of the call that opened it
    CallWithFds = 4,   // a call followed by file descriptors (their count first)
    ReplyWithFds = 5,  // a reply followed by file descriptors
    StreamHole = 6,    // a hole in a sparse stream
};

enum class MessageStatus : int32_t {
    Ok = 0,
    Error = 1,     // a reply or stream that failed: a RemoteError is the body
    Continue = 2,  // stream data, more to come
};

inline constexpr uint32_t kMessageMax = 33554432;  // VIR_NET_MESSAGE_MAX, length word excluded
inline constexpr size_t kLengthSize = 4;           // VIR_NET_MESSAGE_LEN_MAX
inline constexpr size_t kHeaderSize = 24;          // VIR_NET_MESSAGE_HEADER_MAX
inline constexpr uint32_t kFdsMax = 32;            // VIR_NET_MESSAGE_NUM_FDS_MAX

struct Header {
    uint32_t program = 0;
    uint32_t version = 0;
    int32_t procedure = 0;
    MessageType type = MessageType::Call;
    uint32_t serial = 0;
    MessageStatus status = MessageStatus::Ok;
    bool operator==(const Header&) const = default;
};

struct Message {
    Header header;
    uint32_t fdCount = 0;  // the …WithFds types: how many descriptors came with it
    std::string body;      // the XDR body after the header (and the fd count)
};

// One whole message: length word, header, the fd count of a …WithFds type, then `body`.
std::string encodeMessage(const Header& header, std::string_view body, uint32_t fdCount = 0);

// One whole message as encodeMessage writes it (length word included). Throws
// Error(InvalidArg) when the length word disagrees with the bytes, a type or status is
// unknown, or an fd count is over kFdsMax.
Message decodeMessage(std::string_view bytes);

// Cuts a byte stream into messages: add() what arrived, then take whole messages from next()
// until it returns nullopt. A length word outside [header, kMessageMax] throws at once, before
// the bytes it announces are waited for or buffered.
class MessageFramer {
public:
    void add(std::string_view bytes);
    std::optional<Message> next();
    // Drops the next `n` bytes, those buffered first: the one-byte carriers of the
    // descriptors that follow a …WithFds message (libvirt sends each fd with one byte).
    void discard(size_t n);
    // How many bytes the message being read still needs (at least 1), for a reader that
    // wants to read no further than one message.
    size_t wanted() const;
    size_t buffered() const { return buffer_.size(); }

private:
    std::optional<uint32_t> length() const;  // the pending message's length word, checked
    std::string buffer_;
    size_t discard_ = 0;  // still to drop from what arrives
};

// libvirt's error body (virNetMessageError): the fields virsh and python-libvirt read.
struct RemoteError {
    int32_t code = 1;    // virErrorNumber (VIR_ERR_INTERNAL_ERROR = 1)
    int32_t domain = 0;  // virErrorDomain
    std::optional<std::string> message;
    int32_t level = 2;  // VIR_ERR_ERROR
    std::optional<std::string> str1, str2, str3;
    int32_t int1 = 0, int2 = 0;
    bool operator==(const RemoteError&) const = default;
};

// A call that fails with a libvirt error code cvirt::Error has no name for (VIR_ERR_RPC,
// VIR_ERR_ARGUMENT_UNSUPPORTED, …): the dispatcher sends `error` as it is.
struct RemoteFailure : std::exception {
    explicit RemoteFailure(RemoteError e) : error(std::move(e)) {}
    const char* what() const noexcept override {
        return error.message ? error.message->c_str() : "remote error";
    }
    RemoteError error;
};

void encodeError(XdrWriter& out, const RemoteError& error);
RemoteError decodeError(XdrReader& in);

}  // namespace cvirt::rpc
