// SPDX-License-Identifier: GPL-3.0-or-later
#include "rpc/typed_params.h"

#include <bit>

#include "cvirt/error.h"
#include "rpc/message.h"

namespace cvirt::rpc {

namespace {

constexpr int32_t kVirErrRpc = 39;  // VIR_ERR_RPC

Error malformed(const std::string& why) {
    return Error(ErrorCode::InvalidArg, "malformed message: typed parameter: " + why);
}

}  // namespace

const char* paramTypeName(ParamType type) {
    static const char* const names[] = {"int",    "uint",    "llong", "ullong",
                                        "double", "boolean", "string"};
    auto i = static_cast<size_t>(type) - 1;
    return i < std::size(names) ? names[i] : "unknown";
}

void writeTypedParams(XdrWriter& out, const std::vector<TypedParam>& params, uint32_t limit,
                      uint32_t flags) {
    if (params.size() > limit) {
        std::string text = "too many parameters '" + std::to_string(params.size()) +
                           "' for limit '" + std::to_string(limit) + "'";
        throw RemoteFailure({.code = kVirErrRpc, .message = text});
    }
    bool strings = (flags & kStringOkay) != 0;
    uint32_t count = 0;
    for (const auto& p : params)
        if (strings || p.type() != ParamType::String) ++count;
    out.u32(count);
    for (const auto& p : params) {
        if (!strings && p.type() == ParamType::String) continue;
        out.string(p.field);
        out.i32(static_cast<int32_t>(p.type()));
        std::visit(
            [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, int32_t>)
                    out.i32(v);
                else if constexpr (std::is_same_v<T, uint32_t>)
                    out.u32(v);
                else if constexpr (std::is_same_v<T, int64_t>)
                    out.i64(v);
                else if constexpr (std::is_same_v<T, uint64_t>)
                    out.u64(v);
                else if constexpr (std::is_same_v<T, double>)
                    out.u64(std::bit_cast<uint64_t>(v));  // XDR double: IEEE 754, big-endian
                else if constexpr (std::is_same_v<T, bool>)
                    out.i32(v ? 1 : 0);
                else
                    out.string(v);
            },
            p.value);
    }
}

std::vector<TypedParam> readTypedParams(XdrReader& in, uint32_t limit) {
    // each parameter takes at least 12 bytes (empty name, type, a 4-byte value)
    uint32_t n = in.count(limit, "typed parameters");
    std::vector<TypedParam> out;
    out.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
        TypedParam p;
        p.field = in.string("typed parameter field");
        if (p.field.size() >= kFieldLength)
            throw malformed("parameter " + p.field + " too big for destination");
        int32_t type = in.i32("typed parameter type");
        switch (static_cast<ParamType>(type)) {
            case ParamType::Int:
                p.value = in.i32("int parameter");
                break;
            case ParamType::UInt:
                p.value = in.u32("uint parameter");
                break;
            case ParamType::LLong:
                p.value = in.i64("llong parameter");
                break;
            case ParamType::ULLong:
                p.value = in.u64("ullong parameter");
                break;
            case ParamType::Double:
                p.value = std::bit_cast<double>(in.u64("double parameter"));
                break;
            case ParamType::Boolean:
                p.value = in.i32("boolean parameter") != 0;
                break;
            case ParamType::String:
                p.value = in.string("string parameter");
                break;
            default:
                throw malformed("unknown parameter type: " + std::to_string(type));
        }
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace cvirt::rpc
