// PostgresAuditStore: the audit trail in the PostgreSQL store's database
// (table audit_events, created by storage/postgres_migrations.cc), shared by
// every replica: a query on any replica sees the events of all of them.
// Events arrive in batches from the audit trail's writer thread, one
// transaction per batch, on a connection of its own (audit writes never wait
// for the key store's write lock). The table is a ring, as SQLite's: past
// `max_events` the oldest events are deleted.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/audit_store.h"
#include "storage/postgres_db.h"

namespace rotor::storage {

class PostgresAuditStore final : public core::AuditStore {
 public:
  // Connects to `url` (the schema must exist: open a PostgresKeyRepository on
  // it first); throws StorageError.
  PostgresAuditStore(const std::string& url, int64_t max_events);

  void Append(const std::vector<core::AuditEvent>& events) override;
  std::vector<core::AuditEvent> Query(const core::AuditQuery& query) override;
  void Clear() override;

 private:
  // The connection, replaced when it broke; mu_ held.
  PgConn& ConnLocked();

  const std::string url_;
  const int64_t max_events_;
  std::mutex mu_;  // one connection, one thread at a time
  std::unique_ptr<PgConn> db_;
  int64_t appended_since_trim_ = 0;  // guarded by mu_
};

}  // namespace rotor::storage
