// SPDX-License-Identifier: GPL-3.0-or-later
// One table of XML names per enum, used by both parse and format (libvirt's VIR_ENUM_IMPL).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace cvirt::conf {

template <typename E, std::size_t N>
struct NameTable {
    std::array<std::string_view, N> names;

    constexpr std::string_view name(E value) const {
        return names[static_cast<std::size_t>(value)];
    }
    constexpr std::optional<E> find(std::string_view text) const {
        for (std::size_t i = 0; i < N; ++i)
            if (names[i] == text) return static_cast<E>(i);
        return std::nullopt;
    }
    constexpr std::size_t size() const { return N; }
};

template <typename E, typename... S>
constexpr auto makeNames(S... s) {
    return NameTable<E, sizeof...(S)>{{std::string_view(s)...}};
}

}  // namespace cvirt::conf
