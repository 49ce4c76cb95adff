// SqliteAuditStore: audit events in <data-dir>/audit.db, a database of its
// own so audit writes never contend with the key store's write lock. Events
// arrive in batches from the audit trail's writer thread, one transaction per
// batch.
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
  // `durable`, i.e. for --in-memory); throws StorageError.
  SqliteAuditStore(const std::string& data_dir, bool durable);

  void Append(const std::vector<core::AuditEvent>& events) override;
  std::vector<core::AuditEvent> Query(const core::AuditQuery& query) override;
  void Clear() override;

 private:
  std::mutex mu_;  // one connection, used by one thread at a time
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace rotor::storage
