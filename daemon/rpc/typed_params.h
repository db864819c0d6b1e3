// SPDX-License-Identifier: GPL-3.0-or-later
// libvirt's typed parameters on the wire (remote_typed_param in src/remote/remote_protocol.x):
// a field name and a value tagged with its type, as memtune, schedinfo, blkiotune and the
// bulk stats calls carry them. Pure: values in, bytes out, and back.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "rpc/xdr.h"

namespace cvirt::rpc {

// virTypedParameterType; the variant's index + 1 is the type's number on the wire.
enum class ParamType : int32_t { Int = 1, UInt, LLong, ULLong, Double, Boolean, String };

struct TypedParam {
    std::string field;
    std::variant<int32_t, uint32_t, int64_t, uint64_t, double, bool, std::string> value;

    ParamType type() const { return static_cast<ParamType>(value.index() + 1); }
    bool operator==(const TypedParam&) const = default;
};

// VIR_TYPED_PARAM_FIELD_LENGTH: a field name and its terminating NUL.
inline constexpr size_t kFieldLength = 80;
// virTypedParameterFlags' VIR_TYPED_PARAM_STRING_OKAY: the caller can take string values.
inline constexpr uint32_t kStringOkay = 1u << 2;

// "ullong" of ParamType::ULLong, as libvirt's messages name types.
const char* paramTypeName(ParamType type);

// A remote_typed_param array. More than `limit` parameters throws RemoteFailure (libvirt's
// VIR_ERR_RPC "too many parameters"); without kStringOkay in `flags` string values are left
// out, as libvirt's server does for clients that cannot take them.
void writeTypedParams(XdrWriter& out, const std::vector<TypedParam>& params, uint32_t limit,
                      uint32_t flags);

// Reads what writeTypedParams writes: at most `limit` parameters, each field name shorter than
// kFieldLength, each type one of ParamType. Anything else throws naming what was wrong.
std::vector<TypedParam> readTypedParams(XdrReader& in, uint32_t limit);

}  // namespace cvirt::rpc
