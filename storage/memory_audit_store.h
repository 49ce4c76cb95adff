// MemoryAuditStore: the audit trail of an --in-memory run, kept in process
// memory. Nothing of such a run survives the process, so its events need no
// database: appending is a move into a ring (no SQL insert, no index update
// per event), which is what keeps the audit trail off a CI suite's latency.
// It answers the same queries as SqliteAuditStore, with the same order: the
// newest `limit` matches by (time, arrival), returned oldest first. Queries
// scan the ring (about 1 ms per 100,000 events); they come from the admin
// API and the dashboard, never from a KMS call.
//
// Thread safety: all methods may be called concurrently (one mutex).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>

#include "core/audit_store.h"

namespace rotor::storage {

class MemoryAuditStore final : public core::AuditStore {
 public:
  // Keeps the newest `max_events` events (at least 1); older ones are dropped
  // as new ones arrive, as SqliteAuditStore's ring deletes them.
  explicit MemoryAuditStore(int64_t max_events);

  void Append(const std::vector<core::AuditEvent>& events) override;
  std::vector<core::AuditEvent> Query(const core::AuditQuery& query) override;
  void Clear() override;

 private:
  const size_t max_events_;
  std::mutex mu_;
  std::deque<core::AuditEvent> events_;  // oldest first; guarded by mu_
};

}  // namespace rotor::storage
