// SPDX-License-Identifier: GPL-3.0-or-later
// FNV-1a: a fast digest that tells accidental changes apart, not a defence against forgery
// (whoever can write cvirt's files can write anything it trusts anyway).
#pragma once

#include <cstdint>
#include <string_view>

namespace cvirt::util {

constexpr uint32_t fnv1a32(std::string_view bytes) {
    uint32_t h = 2166136261u;
    for (unsigned char c : bytes)
        h = (h ^ c) * 16777619u;
    return h;
}

constexpr uint64_t fnv1a64(std::string_view bytes) {
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : bytes)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

}  // namespace cvirt::util
