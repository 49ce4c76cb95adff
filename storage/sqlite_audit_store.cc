#include "storage/sqlite_audit_store.h"

#include "storage/time_columns.h"

namespace rotor::storage {

SqliteAuditStore::SqliteAuditStore(const std::string& data_dir, bool durable, int64_t max_events)
    : max_events_(max_events < 1 ? 1 : max_events) {
  // --in-memory runs keep their audit trail in memory too: nothing of them
  // survives the process anyway, and it spares a write() per few events.
  std::string path = durable ? data_dir + "/audit.db" : ":memory:";
  db_ = std::make_unique<SqliteDb>(path, /*create=*/true, /*read_only=*/false);
  db_->Exec("PRAGMA busy_timeout = 5000");
  // Normal locking (not EXCLUSIVE): sqlite3 and other tools may read audit.db
  // while rotor runs, and writes come in batches, so the lock is cheap.
  db_->Exec("PRAGMA journal_mode = WAL");
  db_->Exec("PRAGMA cache_size = -8192");
  db_->Exec(durable ? "PRAGMA synchronous = NORMAL" : "PRAGMA synchronous = OFF");
  db_->Exec(R"sql(
    CREATE TABLE IF NOT EXISTS audit_events (
      seq        INTEGER PRIMARY KEY,
      event_id   TEXT NOT NULL,
      time_ms    INTEGER NOT NULL,
      event_name TEXT NOT NULL,
      event_type TEXT NOT NULL,
      account    TEXT NOT NULL,
      region     TEXT NOT NULL,
      key_id     TEXT NOT NULL,
      error_code TEXT NOT NULL,
      record     TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_by_key ON audit_events (key_id, time_ms);
    CREATE INDEX IF NOT EXISTS audit_by_time ON audit_events (time_ms);
    DROP INDEX IF EXISTS audit_by_name;  -- name filters ride the time index; one index less per insert
  )sql");
}

void SqliteAuditStore::Append(const std::vector<core::AuditEvent>& events) {
  if (events.empty()) return;
  std::lock_guard lock(mu_);
  db_->Exec("BEGIN");
  try {
    for (const core::AuditEvent& e : events) {
      auto q = db_->Prepare(
          "INSERT INTO audit_events (event_id, time_ms, event_name, event_type, account, region, "
          "key_id, error_code, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      q->Bind(1, e.event_id).Bind(2, Ms(e.time)).Bind(3, e.event_name).Bind(4, e.event_type);
      q->Bind(5, e.scope.account).Bind(6, e.scope.region).Bind(7, e.key_id).Bind(8, e.error_code);
      q->Bind(9, e.record).Run();
    }
    TrimLocked();
    db_->Exec("COMMIT");
  } catch (...) {
    db_->Exec("ROLLBACK");
    throw;
  }
}

void SqliteAuditStore::TrimLocked() {
  // Deletes in slices of a tenth of the budget rather than per batch: one
  // DELETE per many thousand events keeps trimming off the profile.
  int64_t newest = sqlite3_last_insert_rowid(db_->handle());
  int64_t slice = max_events_ / 10 + 1;
  if (newest - max_events_ < trimmed_through_ + slice) return;
  int64_t cut = newest - max_events_;
  auto q = db_->Prepare("DELETE FROM audit_events WHERE seq <= ?");
  q->Bind(1, cut).Run();
  trimmed_through_ = cut;
}

std::vector<core::AuditEvent> SqliteAuditStore::Query(const core::AuditQuery& query) {
  std::string sql =
      "SELECT seq, event_id, time_ms, event_name, event_type, account, region, key_id, error_code, "
      "record FROM audit_events WHERE 1 = 1";
  if (query.scope) sql += " AND account = ?1 AND region = ?2";
  if (!query.key_id.empty()) sql += " AND key_id = ?3";
  if (!query.event_name.empty()) sql += " AND event_name = ?4";
  if (query.since) sql += " AND time_ms >= ?5";
  if (!query.error_code.empty()) sql += " AND error_code = ?7";
  // The newest `limit` matches, returned oldest first.
  sql =
      "SELECT event_id, time_ms, event_name, event_type, account, region, key_id, error_code, "
      "record FROM (" +
      sql + " ORDER BY time_ms DESC, seq DESC LIMIT ?6) ORDER BY time_ms, seq";
  std::lock_guard lock(mu_);
  auto q = db_->Prepare(sql);
  if (query.scope) q->Bind(1, query.scope->account).Bind(2, query.scope->region);
  if (!query.key_id.empty()) q->Bind(3, query.key_id);
  if (!query.event_name.empty()) q->Bind(4, query.event_name);
  if (query.since) q->Bind(5, Ms(*query.since));
  q->Bind(6, static_cast<int64_t>(query.limit));
  if (!query.error_code.empty()) q->Bind(7, query.error_code);
  std::vector<core::AuditEvent> out;
  while (q->Step()) {
    out.push_back({q->Text(0), core::Timestamp(core::Millis(q->Int(1))), q->Text(2), q->Text(3),
                   core::Scope{q->Text(4), q->Text(5)}, q->Text(6), q->Text(7), q->Text(8)});
  }
  return out;
}

void SqliteAuditStore::Clear() {
  std::lock_guard lock(mu_);
  db_->Exec("DELETE FROM audit_events");
  trimmed_through_ = 0;
}

}  // namespace rotor::storage
