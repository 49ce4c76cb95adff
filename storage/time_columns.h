// How the stores keep a time in a column: milliseconds since the Unix epoch
// (INTEGER in SQLite, BIGINT in PostgreSQL), NULL for an absent optional time.
#pragma once

#include <cstdint>
#include <optional>

#include "core/clock.h"

namespace rotor::storage {

inline int64_t Ms(core::Timestamp t) { return t.time_since_epoch().count(); }
inline core::Timestamp FromMs(int64_t ms) { return core::Timestamp(core::Millis(ms)); }
inline std::optional<int64_t> OptMs(const std::optional<core::Timestamp>& t) {
  return t ? std::optional<int64_t>(Ms(*t)) : std::nullopt;
}

}  // namespace rotor::storage
