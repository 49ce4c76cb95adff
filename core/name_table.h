// NameTable: how core spells an enum the way AWS does. Each enum of core that
// crosses the wire has one table of (value, AWS name) pairs, and both its
// ToString and its Parse read that table, so the two cannot disagree.
// Used by the .cc files that define those ToString/Parse pairs; not a public type.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace rotor::core {

template <typename E, size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

// The AWS name of `v`; "" for a value the table lacks.
template <typename E, size_t N>
constexpr std::string_view NameOf(const NameTable<E, N>& table, E v) {
  for (const auto& [value, name] : table) {
    if (value == v) return name;
  }
  return "";
}

// The value AWS names `text` (exact, case-sensitive); nullopt for any other text.
template <typename E, size_t N>
constexpr std::optional<E> ValueOf(const NameTable<E, N>& table, std::string_view text) {
  for (const auto& [value, name] : table) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace rotor::core
