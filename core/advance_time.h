// AdvanceTime: the use case "time moves to T: fire everything that falls due
// up to T, in time order, then move the clock to T". One function for its
// three callers: the background worker (T = now), the catch-up at start-up
// (T = now, after the server was down) and POST /_rotor/clock (T = the
// virtual clock's target).
//
// What falls due: automatic rotations, completions of delayed on-demand
// rotations, expiry of imported key material and the end of deletion windows
// (KmsService::RunDueEvents, core/scheduler.cc), each stamped with its own due
// instant, so a jump of three rotation periods leaves three versions dated one
// period apart.
//
// Memory stays bounded however far time moves (ten years over 100,000 keys is
// about a million events): events are fired in slices and only the first
// `AdvanceLimits::listed` of them are kept; all of them are counted.
//
// Thread safety: may be called concurrently; the service fires one batch at a
// time. Callers that move the same VirtualClock from several threads and need
// their moves in order serialise them (the admin API does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/kms_service.h"
#include "core/service_events.h"

namespace rotor::core {

struct AdvanceLimits {
  size_t slice = 10000;  // events fired per RunDueEvents call
  size_t listed = 1000;  // events kept in AdvanceResult::listed
};

struct AdvanceResult {
  Timestamp now;                                        // the time reached: `until`
  std::vector<ServiceEvent> listed;                     // the first `listed` events, in time order
  std::map<ServiceEventKind, uint64_t> count_by_event;  // every event fired, by kind
  uint64_t count = 0;                                   // every event fired
};

// Fires every event due at or before `until` (see above), then, when `clock`
// is given, moves it to `until` (VirtualClock::AdvanceTo: never backwards).
// Throws what the repository throws (a failed write stops the run; events
// fired before it stay fired and the clock does not move).
AdvanceResult AdvanceTime(KmsService& service, Timestamp until, VirtualClock* clock = nullptr,
                          AdvanceLimits limits = {});

}  // namespace rotor::core
