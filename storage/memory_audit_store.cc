#include "storage/memory_audit_store.h"

namespace rotor::storage {

MemoryAuditStore::MemoryAuditStore(int64_t max_events)
    : max_events_(static_cast<size_t>(max_events < 1 ? 1 : max_events)) {}

void MemoryAuditStore::Append(const std::vector<core::AuditEvent>& events) {
  std::lock_guard lock(mu_);
  events_.insert(events_.end(), events.begin(), events.end());
  while (events_.size() > max_events_) events_.pop_front();
}

std::vector<core::AuditEvent> MemoryAuditStore::Query(const core::AuditQuery& query) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<core::Timestamp, size_t>> found;
  for (size_t i = 0; i < events_.size(); ++i) {
    const core::AuditEvent& e = events_[i];
    if (core::AuditQueryMatches(query, e.scope, e.key_id, e.event_name, e.time, e.error_code))
      found.emplace_back(e.time, i);
  }
  core::KeepNewestMatches(found, query.limit);
  std::vector<core::AuditEvent> out;
  out.reserve(found.size());
  for (const auto& [time, i] : found) out.push_back(events_[i]);
  return out;
}

void MemoryAuditStore::Clear() {
  std::lock_guard lock(mu_);
  events_.clear();
}

}  // namespace rotor::storage
