// RotationSchedule: when a key's automatic rotation fires.
//
// The model (docs/rotation.md):
//   NextRotationDate = anchor + period + jitter(seed, key id, anchor)
// where `anchor` is the instant automatic rotation was (re-)enabled or the
// scheduled instant of the last automatic rotation. Jitter is a deterministic
// hash in [0, window): keys enabled in the same second spread over the window,
// runs with the same --seed are reproducible, and the NextRotationDate a
// caller sees is exactly the instant the rotation fires. On-demand rotations
// never move the schedule, as in AWS.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"

namespace rotor::core {

constexpr int kDefaultRotationPeriodDays = 365;
constexpr int kMinRotationPeriodDays = 90;
constexpr int kMaxRotationPeriodDays = 2560;

struct RotationSchedule {
  bool enabled = false;
  int period_days = kDefaultRotationPeriodDays;
  std::optional<Timestamp> anchor;
  std::optional<Timestamp> next_rotation;  // set whenever enabled
};

class JitterModel {
 public:
  JitterModel(uint64_t seed, Millis window) : seed_(seed), window_(window) {}
  // Deterministic offset in [0, window).
  Millis JitterFor(const std::string& key_id, Timestamp anchor) const;
  Millis window() const { return window_; }

 private:
  uint64_t seed_;
  Millis window_;
};

// Turns rotation on (or changes the period): the new period counts from the
// existing anchor when rotation was already on, from `now` otherwise. A date
// already past becomes `now`, so an overdue key rotates at once.
void EnableRotation(RotationSchedule& s, const std::string& key_id, int period_days, Timestamp now,
                    const JitterModel& jitter);
void DisableRotation(RotationSchedule& s);
// After an automatic rotation fired at the scheduled instant `at`.
void AdvanceAfterRotation(RotationSchedule& s, const std::string& key_id, Timestamp at,
                          const JitterModel& jitter);
// A key that comes back to Enabled (EnableKey) with an overdue schedule
// rotates immediately; otherwise the schedule resumes unchanged.
void ResumeAfterReenable(RotationSchedule& s, Timestamp now);

}  // namespace rotor::core
