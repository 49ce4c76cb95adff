#include "core/advance_time.h"

#include <malloc.h>

#include <algorithm>

namespace rotor::core {

AdvanceResult AdvanceTime(KmsService& service, Timestamp until, VirtualClock* clock,
                          AdvanceLimits limits) {
  AdvanceResult result;
  result.now = until;
  size_t slice = std::max<size_t>(limits.slice, 1);
  for (;;) {  // bounded: each slice fires events, and a key's events are finite before `until`
    std::vector<ServiceEvent> fired = service.RunDueEvents(until, slice);
    for (ServiceEvent& e : fired) {
      ++result.count_by_event[e.kind];
      if (result.count++ < limits.listed) result.listed.push_back(std::move(e));
    }
    if (fired.size() < slice) break;
  }
  if (clock) clock->AdvanceTo(until);
  if (result.count > limits.listed) malloc_trim(0);  // a big catch-up: give the heap back
  return result;
}

}  // namespace rotor::core
