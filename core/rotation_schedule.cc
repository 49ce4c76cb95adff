#include "core/rotation_schedule.h"

#include <openssl/evp.h>

#include <algorithm>

namespace rotor::core {

Millis JitterModel::JitterFor(const std::string& key_id, Timestamp anchor) const {
  if (window_.count() <= 0) return Millis(0);
  // SHA-256(seed || anchor || key id): uniform, stateless and reproducible.
  std::string input(16, '\0');
  uint64_t a = static_cast<uint64_t>(anchor.time_since_epoch().count());
  for (int i = 0; i < 8; ++i) {
    input[i] = static_cast<char>(seed_ >> (8 * i));
    input[8 + i] = static_cast<char>(a >> (8 * i));
  }
  input += key_id;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr);
  uint64_t h = 0;
  for (int i = 0; i < 8; ++i) h = (h << 8) | digest[i];
  return Millis(static_cast<int64_t>(h % static_cast<uint64_t>(window_.count())));
}

namespace {
Timestamp Scheduled(const std::string& key_id, Timestamp anchor, int period_days,
                    const JitterModel& jitter) {
  return anchor + Days(period_days) + jitter.JitterFor(key_id, anchor);
}
}  // namespace

void EnableRotation(RotationSchedule& s, const std::string& key_id, int period_days, Timestamp now,
                    const JitterModel& jitter) {
  if (!s.enabled || !s.anchor) s.anchor = now;
  s.enabled = true;
  s.period_days = period_days;
  s.next_rotation = std::max(Scheduled(key_id, *s.anchor, period_days, jitter), now);
}

void DisableRotation(RotationSchedule& s) {
  s.enabled = false;
  s.anchor.reset();
  s.next_rotation.reset();
}

void AdvanceAfterRotation(RotationSchedule& s, const std::string& key_id, Timestamp at,
                          const JitterModel& jitter) {
  s.anchor = at;
  s.next_rotation = Scheduled(key_id, at, s.period_days, jitter);
}

void ResumeAfterReenable(RotationSchedule& s, Timestamp now) {
  if (s.enabled && s.next_rotation && *s.next_rotation < now) s.next_rotation = now;
}

}  // namespace rotor::core
