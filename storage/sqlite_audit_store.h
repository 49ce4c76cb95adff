// SqliteAuditStore: audit events in <data-dir>/audit.db, a database of its
// own so audit writes never contend with the key store's write lock. Events
// arrive in batches from the audit trail's writer thread, one transaction per
// batch. The table is a ring: past `max_events` the oldest events are
// deleted, so a CI job that hammers Rotor cannot fill its disk.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/audit_store.h"
#include "storage/sqlite_db.h"

namespace rotor::storage {

class SqliteAuditStore final : public core::AuditStore {
 public:
  // Opens or creates <data_dir>/audit.db (an in-memory database when not
  // `durable`, i.e. for --in-memory) keeping at most about `max_events`
  // events (the newest); throws StorageError.
  SqliteAuditStore(const std::string& data_dir, bool durable,
                   int64_t max_events = kDefaultMaxEvents);

  static constexpr int64_t kDefaultMaxEvents = 100000;

  void Append(const std::vector<core::AuditEvent>& events) override;
  std::vector<core::AuditEvent> Query(const core::AuditQuery& query) override;
  void Clear() override;

 private:
  std::mutex mu_;  // one connection, used by one thread at a time
  void TrimLocked();

  std::unique_ptr<SqliteDb> db_;
  const int64_t max_events_;
  int64_t trimmed_through_ = 0;  // every seq <= this is gone; guarded by mu_
};

}  // namespace rotor::storage
