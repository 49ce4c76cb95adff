// AuditStore: the port through which the audit trail persists and queries
// CloudTrail-shaped events. Core defines it, storage/ implements it.
//
// Thread safety: implementations must allow concurrent Append and Query.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/ids.h"

namespace rotor::core {

struct AuditEvent {
  std::string event_id;
  Timestamp time;
  std::string event_name;  // "Encrypt", "RotateKey"...
  std::string event_type;  // "AwsApiCall" | "AwsServiceEvent"
  Scope scope;
  std::string key_id;      // empty when the event names no key
  std::string error_code;  // empty on success
  std::string record;      // the complete event as JSON text
};

struct AuditQuery {
  std::optional<Scope> scope;
  std::string key_id;      // empty: any
  std::string event_name;  // empty: any
  std::string error_code;  // AuditEvent::error_code, e.g. "AccessDeniedException"; empty: any
  std::optional<Timestamp> since;
  size_t limit = 100;
};

// Whether an event with these fields is one `query` asks for (every filter
// that is set matches). The stores kept in memory filter with it.
inline bool AuditQueryMatches(const AuditQuery& query, std::string_view account,
                              std::string_view region, std::string_view key_id,
                              std::string_view event_name, Timestamp time,
                              std::string_view error_code) {
  if (query.scope && (account != query.scope->account || region != query.scope->region))
    return false;
  if (!query.key_id.empty() && key_id != query.key_id) return false;
  if (!query.event_name.empty() && event_name != query.event_name) return false;
  if (query.since && time < *query.since) return false;
  if (!query.error_code.empty() && error_code != query.error_code) return false;
  return true;
}
inline bool AuditQueryMatches(const AuditQuery& query, const Scope& scope, std::string_view key_id,
                              std::string_view event_name, Timestamp time,
                              std::string_view error_code) {
  return AuditQueryMatches(query, scope.account, scope.region, key_id, event_name, time,
                           error_code);
}

// Orders matches as AuditStore::Query answers: keeps the newest `limit` of
// `found` ((time, arrival index) of each match) by time, then arrival, and
// leaves them oldest first.
inline void KeepNewestMatches(std::vector<std::pair<Timestamp, size_t>>& found, size_t limit) {
  size_t keep = std::min(found.size(), limit);
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(keep), found.end(),
                    std::greater<>());
  found.resize(keep);
  std::reverse(found.begin(), found.end());
}

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  virtual void Append(const std::vector<AuditEvent>& events) = 0;
  // Matching events, oldest first, at most `limit` (the newest ones when more match).
  virtual std::vector<AuditEvent> Query(const AuditQuery& query) = 0;
  virtual void Clear() = 0;
};

}  // namespace rotor::core
