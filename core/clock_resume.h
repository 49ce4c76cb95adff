// The clock across restarts. A virtual clock's time is stored with the data
// (KeyRepository::PutStoredClock) at start and on every move, so a restart
// resumes where it stopped instead of jumping back to the wall clock while the
// key material is dated ahead. A system-clock start over data whose virtual
// clock had moved past the wall clock is told so (the start line and
// GET /_rotor/health say it).
//
// Thread safety: ResumeClock runs at start-up, before requests are served.
#pragma once

#include <optional>

#include "core/clock.h"
#include "core/key_repository.h"

namespace rotor::core {

struct ClockResume {
  // Virtual clock: where it starts. The stored time when there is one and
  // `clock_start` is not later; else `clock_start`, else the wall clock.
  Timestamp start;
  // Virtual clock: the stored time it resumes (nullopt: nothing stored, or a
  // later `clock_start` won).
  std::optional<Timestamp> resumed;
  // Virtual clock: a `clock_start` earlier than the stored time, which time
  // never moving backwards overrides (nullopt otherwise).
  std::optional<Timestamp> ignored_clock_start;
  // System clock: the data's stored virtual time when it is ahead of `wall_now`.
  std::optional<Timestamp> data_ahead;
};

// Decides the clock of a server starting on `repo` (see ClockResume) and
// records it as the store's StoredClock. `clock_start` is --clock-start
// (virtual clock only); `wall_now` is the system clock's reading. Throws what
// the repository throws.
ClockResume ResumeClock(KeyRepository& repo, bool virtual_clock,
                        std::optional<Timestamp> clock_start, Timestamp wall_now);

// Makes every move of `clock` record its new time in `repo` first (a move
// whose time cannot be stored fails and leaves the clock where it was). On a
// store other processes share (KeyRepository::SharedGeneration), the clock
// also follows the stored time, so a move on any replica is every replica's.
// `repo` must outlive `clock`'s moves.
void KeepClockInStore(VirtualClock& clock, KeyRepository& repo);

// The time a report of a store should use without --at: the stored time of a
// store last served by a virtual clock, else `wall_now`.
Timestamp StoreNow(KeyRepository& repo, Timestamp wall_now);

}  // namespace rotor::core
