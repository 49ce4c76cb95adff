// Clock: the one source of "now" for Rotor.
//
// Every timestamp the API returns, every rotation and every deletion window is
// measured on a Clock. Production uses SystemClock; tests and training labs use
// VirtualClock, which only moves when told to and never moves backwards.
// A request reads the clock once (see RequestContext) and carries that instant.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace rotor::core {

using Millis = std::chrono::milliseconds;
// Milliseconds since the Unix epoch, UTC. AWS reports dates as epoch seconds
// with a fractional part; millisecond precision is what it actually shows.
using Timestamp = std::chrono::sys_time<Millis>;

constexpr Millis Days(int64_t n) {
  return std::chrono::duration_cast<Millis>(std::chrono::hours(24 * n));
}

// "2026-11-25T19:34:09.123Z" (milliseconds omitted when zero).
std::string FormatIso8601(Timestamp t);
// FormatIso8601's text written into `buf` (no allocation, no printf on the
// usual years 0000-9999); the view is valid while `buf` is.
std::string_view FormatIso8601Into(std::array<char, 48>& buf, Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" and "YYYY-MM-DD". Returns nullopt otherwise.
std::optional<Timestamp> ParseIso8601(const std::string& text);
// "1y" (365 days), "2w" (14 days), "400d", "12h", "30m", "45s", "1500ms", and
// combinations like "1y1d" or "1d12h". Nullopt if malformed. The one duration
// parser: flags, POST /_rotor/clock and `rotor clock advance` all use it.
std::optional<Millis> ParseDuration(const std::string& text);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
  virtual bool IsVirtual() const { return false; }
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

class VirtualClock final : public Clock {
 public:
  explicit VirtualClock(Timestamp start) : now_ms_(start.time_since_epoch().count()) {}

  // The clock's time; with a source (below), the source's when it is later.
  Timestamp Now() const override;
  bool IsVirtual() const override { return true; }

  // Moves the clock to `t`. Returns false (and leaves the clock alone) when `t`
  // is in the past: time never moves backwards. Calls the keeper first, if
  // any; when the keeper throws, the clock stays and the exception propagates.
  bool AdvanceTo(Timestamp t);

  // `keep` is called with the new time before every move, to record it with
  // the data (core/clock_resume.h). Set it before the clock is shared; callers
  // that move the clock from several threads serialise their moves, so the
  // time recorded last is the clock's.
  void SetKeeper(std::function<void(Timestamp)> keep) { keeper_ = std::move(keep); }

  // `source` is read at every Now(): the time other processes moved a clock
  // shared through the store to (nullopt: none). The clock follows it forward,
  // never back. A source that throws is ignored for that reading. Set it
  // before the clock is shared.
  void SetSource(std::function<std::optional<Timestamp>()> source) { source_ = std::move(source); }

 private:
  mutable std::atomic<int64_t> now_ms_;  // raised by Now() when the source is later
  std::function<void(Timestamp)> keeper_;
  std::function<std::optional<Timestamp>()> source_;
};

}  // namespace rotor::core
