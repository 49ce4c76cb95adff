#include "core/clock_resume.h"

namespace rotor::core {

ClockResume ResumeClock(KeyRepository& repo, bool virtual_clock,
                        std::optional<Timestamp> clock_start, Timestamp wall_now) {
  std::optional<StoredClock> stored = repo.GetStoredClock();
  std::optional<Timestamp> stored_time = stored ? stored->virtual_time : std::nullopt;
  ClockResume out;
  out.start = wall_now;
  if (!virtual_clock) {
    if (stored_time && *stored_time > wall_now) out.data_ahead = stored_time;
    if (!stored || stored->is_virtual) repo.PutStoredClock(StoredClock{false, stored_time});
    return out;
  }
  if (stored_time && (!clock_start || *clock_start <= *stored_time)) {
    out.start = *stored_time;
    out.resumed = stored_time;
    if (clock_start && *clock_start < *stored_time) out.ignored_clock_start = clock_start;
  } else if (clock_start) {
    out.start = *clock_start;
  }
  repo.PutStoredClock(StoredClock{true, out.start});
  return out;
}

void KeepClockInStore(VirtualClock& clock, KeyRepository& repo) {
  clock.SetKeeper([&repo](Timestamp t) { repo.PutStoredClock(StoredClock{true, t}); });
  // Replicas on one shared store share one clock: each reading takes the
  // latest time any of them moved it to.
  if (repo.SharedGeneration()) {
    clock.SetSource([&repo]() -> std::optional<Timestamp> {
      std::optional<StoredClock> stored = repo.GetStoredClock();
      return stored && stored->is_virtual ? stored->virtual_time : std::nullopt;
    });
  }
}

Timestamp StoreNow(KeyRepository& repo, Timestamp wall_now) {
  std::optional<StoredClock> stored = repo.GetStoredClock();
  if (stored && stored->is_virtual && stored->virtual_time) return *stored->virtual_time;
  return wall_now;
}

}  // namespace rotor::core
