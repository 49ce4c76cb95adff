// AuditStore: the port through which the audit trail persists and queries
// CloudTrail-shaped events. Core defines it, storage/ implements it.
//
// Thread safety: implementations must allow concurrent Append and Query.
#pragma once

#include <optional>
#include <string>
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

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  virtual void Append(const std::vector<AuditEvent>& events) = 0;
  // Matching events, oldest first, at most `limit` (the newest ones when more match).
  virtual std::vector<AuditEvent> Query(const AuditQuery& query) = 0;
  virtual void Clear() = 0;
};

}  // namespace rotor::core
