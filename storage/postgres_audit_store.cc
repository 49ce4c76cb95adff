#include "storage/postgres_audit_store.h"

#include "storage/time_columns.h"

namespace rotor::storage {

PostgresAuditStore::PostgresAuditStore(const std::string& url, int64_t max_events)
    : url_(url), max_events_(max_events < 1 ? 1 : max_events), db_(std::make_unique<PgConn>(url)) {}

PgConn& PostgresAuditStore::ConnLocked() {
  if (!db_ || !db_->ok()) db_ = std::make_unique<PgConn>(url_);
  return *db_;
}

void PostgresAuditStore::Append(const std::vector<core::AuditEvent>& events) {
  if (events.empty()) return;
  std::lock_guard lock(mu_);
  BeginTransaction(db_, url_);
  PgConn& db = *db_;
  try {
    for (const core::AuditEvent& e : events) {
      db.Query(
          "INSERT INTO audit_events (event_id, time_ms, event_name, event_type, account, region, "
          "key_id, error_code, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {e.event_id, Ms(e.time), e.event_name, e.event_type, e.scope.account, e.scope.region,
           e.key_id, e.error_code, e.record});
    }
    // Trims in slices of a tenth of the budget, as the SQLite store does:
    // one DELETE per many thousand events.
    appended_since_trim_ += static_cast<int64_t>(events.size());
    if (appended_since_trim_ > max_events_ / 10) {
      db.Query("DELETE FROM audit_events WHERE seq <= (SELECT max(seq) FROM audit_events) - $1",
               {PgParam(max_events_)});
      appended_since_trim_ = 0;
    }
    db.Exec("COMMIT");
  } catch (...) {
    try {
      db.Exec("ROLLBACK");
    } catch (const StorageError&) {
      db_.reset();
    }
    throw;
  }
}

std::vector<core::AuditEvent> PostgresAuditStore::Query(const core::AuditQuery& query) {
  // Every filter is a parameter: NULL turns it off. The newest `limit`
  // matches, returned oldest first.
  std::string sql =
      "SELECT event_id, time_ms, event_name, event_type, account, region, key_id, error_code, "
      "record FROM (SELECT * FROM audit_events WHERE ($1::text IS NULL OR (account = $1 AND "
      "region = $2)) AND ($3::text IS NULL OR key_id = $3) AND ($4::text IS NULL OR "
      "event_name = $4) AND ($5::bigint IS NULL OR time_ms >= $5) AND ($6::text IS NULL OR "
      "error_code = $6) ORDER BY time_ms DESC, seq DESC LIMIT $7) newest ORDER BY time_ms, seq";
  auto text_or_null = [](const std::string& v) { return v.empty() ? PgParam() : PgParam(v); };
  std::vector<PgParam> params{query.scope ? PgParam(query.scope->account) : PgParam(),
                              query.scope ? PgParam(query.scope->region) : PgParam(),
                              text_or_null(query.key_id),
                              text_or_null(query.event_name),
                              query.since ? PgParam(Ms(*query.since)) : PgParam(),
                              text_or_null(query.error_code),
                              PgParam(static_cast<int64_t>(query.limit))};
  std::lock_guard lock(mu_);
  PgResult r = ConnLocked().Query(sql, params);
  std::vector<core::AuditEvent> out;
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.Text(i, 0), core::Timestamp(core::Millis(r.Int(i, 1))), r.Text(i, 2),
                   r.Text(i, 3), core::Scope{r.Text(i, 4), r.Text(i, 5)}, r.Text(i, 6),
                   r.Text(i, 7), r.Text(i, 8)});
  }
  return out;
}

void PostgresAuditStore::Clear() {
  std::lock_guard lock(mu_);
  ConnLocked().Exec("DELETE FROM audit_events");
  appended_since_trim_ = 0;
}

}  // namespace rotor::storage
