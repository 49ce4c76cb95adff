#include "storage/postgres_key_repository.h"

#include <cstdio>

#include "storage/grant_codec.h"
#include "storage/key_codec.h"
#include "storage/postgres_migrations.h"
#include "storage/time_columns.h"

namespace rotor::storage {

using core::Alias;
using core::Key;
using core::KeyMaterialVersion;
using core::Scope;
using core::Timestamp;

namespace {

PgParam Limit(size_t limit) { return PgParam(static_cast<int64_t>(limit)); }

constexpr const char* kAliasColumns =
    "SELECT alias_name, key_id, created_at, updated_at FROM aliases ";
Alias ReadAlias(const PgResult& r, int row, const Scope& scope) {
  return Alias{scope, r.Text(row, 0), r.Text(row, 1), FromMs(r.Int(row, 2)), FromMs(r.Int(row, 3))};
}

constexpr const char* kVersionColumns =
    "SELECT version, material_id, created_at, rotation_type, description, import_state, valid_to "
    "FROM key_materials ";
KeyMaterialVersion ReadVersion(const PgResult& r, int row) {
  KeyMaterialVersion v;
  v.version = static_cast<uint32_t>(r.Int(row, 0));
  v.material_id = r.Text(row, 1);
  v.created = FromMs(r.Int(row, 2));
  if (!r.IsNull(row, 3)) v.rotation_type = core::Parse<core::RotationType>(r.Text(row, 3));
  v.description = r.Text(row, 4);
  if (!r.IsNull(row, 5)) v.import_state = core::Parse<core::ImportState>(r.Text(row, 5));
  if (!r.IsNull(row, 6)) v.valid_to = FromMs(r.Int(row, 6));
  return v;
}

std::optional<Key> SelectKey(PgConn& db, const Scope& scope, const std::string& key_id) {
  PgResult r = db.Query("SELECT doc FROM keys WHERE account = $1 AND region = $2 AND key_id = $3",
                        {scope.account, scope.region, key_id});
  if (r.rows() == 0) return std::nullopt;
  return DecodeKeyDoc(scope, key_id, r.Text(0, 0));
}

std::optional<Alias> SelectAlias(PgConn& db, const Scope& scope, const std::string& name) {
  PgResult r = db.Query(
      std::string(kAliasColumns) + "WHERE account = $1 AND region = $2 AND alias_name = $3",
      {scope.account, scope.region, name});
  if (r.rows() == 0) return std::nullopt;
  return ReadAlias(r, 0, scope);
}

std::vector<core::Grant> SelectGrants(PgConn& db, const Scope& scope, const std::string& key_id,
                                      const std::string* name) {
  std::string sql =
      "SELECT grant_id, doc FROM grants WHERE account = $1 AND region = $2 AND key_id = $3 ";
  std::vector<PgParam> params{scope.account, scope.region, key_id};
  if (name) {
    sql += "AND name = $4 ";
    params.emplace_back(*name);
  }
  PgResult r = db.Query(sql + "ORDER BY grant_id", params);
  std::vector<core::Grant> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(DecodeGrantDoc(scope, key_id, r.Text(i, 0), r.Text(i, 1)));
  return out;
}

// "host:port/database" of a live connection, for people.
std::string NameOf(PgConn& db) {
  const char* host = Pq().host(db.handle());
  const char* port = Pq().port(db.handle());
  const char* name = Pq().db(db.handle());
  return std::string("PostgreSQL ") + (host ? host : "") + ":" + (port ? port : "") + "/" +
         (name ? name : "");
}

}  // namespace

// The KeyTransaction handed to Write() functions; lives on the writer thread.
class PostgresKeyRepository::Transaction final : public core::KeyTransaction {
 public:
  explicit Transaction(PgConn& db) : db_(db) {}
  PgConn& db() { return db_; }

  std::optional<Key> GetKey(const Scope& scope, const std::string& key_id) override {
    return SelectKey(db_, scope, key_id);
  }
  size_t CountKeys(const Scope& scope, bool customer_managed_only) override {
    // The store-wide write lock is held: no other replica adds a key meanwhile.
    PgResult r = db_.Query(
        "SELECT count(*) FROM keys WHERE account = $1 AND region = $2 AND "
        "(NOT $3::boolean OR doc::json->>'manager' = 'CUSTOMER')",
        {scope.account, scope.region, customer_managed_only ? "true" : "false"});
    return static_cast<size_t>(r.Int(0, 0));
  }
  void PutKey(const Key& key) override {
    db_.Query(
        "INSERT INTO keys (account, region, key_id, next_event_at, doc) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account, region, key_id) DO UPDATE SET "
        "next_event_at = excluded.next_event_at, doc = excluded.doc",
        {key.scope.account, key.scope.region, key.id, OptMs(key.NextEventTime()),
         EncodeKeyDoc(key)});
  }
  void DeleteKey(const Scope& scope, const std::string& key_id, Timestamp deleted_at) override {
    db_.Query("DELETE FROM keys WHERE account = $1 AND region = $2 AND key_id = $3",
              {scope.account, scope.region, key_id});
    db_.Query(
        "INSERT INTO deleted_keys (account, region, key_id, deleted_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (account, region, key_id) DO UPDATE SET deleted_at = excluded.deleted_at",
        {scope.account, scope.region, key_id, Ms(deleted_at)});
  }
  std::optional<Alias> GetAlias(const Scope& scope, const std::string& name) override {
    return SelectAlias(db_, scope, name);
  }
  void PutAlias(const Alias& a) override {
    db_.Query(
        "INSERT INTO aliases (account, region, alias_name, key_id, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account, region, alias_name) DO UPDATE SET "
        "key_id = excluded.key_id, updated_at = excluded.updated_at",
        {a.scope.account, a.scope.region, a.name, a.target_key_id, Ms(a.creation_date),
         Ms(a.last_updated_date)});
  }
  void DeleteAlias(const Scope& scope, const std::string& name) override {
    db_.Query("DELETE FROM aliases WHERE account = $1 AND region = $2 AND alias_name = $3",
              {scope.account, scope.region, name});
  }
  std::vector<Alias> AliasesOfKey(const Scope& scope, const std::string& key_id) override {
    PgResult r = db_.Query(std::string(kAliasColumns) +
                               "WHERE account = $1 AND region = $2 AND key_id = $3 "
                               "ORDER BY alias_name",
                           {scope.account, scope.region, key_id});
    std::vector<Alias> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadAlias(r, i, scope));
    return out;
  }
  void PutMaterial(const Scope& scope, const std::string& key_id, const KeyMaterialVersion& v,
                   const core::SealedMaterial* sealed) override {
    db_.Query(
        "INSERT INTO key_materials (account, region, key_id, version, material_id, created_at, "
        "rotation_type, description, import_state, valid_to, sealed) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
        "ON CONFLICT (account, region, key_id, version) DO UPDATE SET "
        "material_id = excluded.material_id, created_at = excluded.created_at, "
        "rotation_type = excluded.rotation_type, description = excluded.description, "
        "import_state = excluded.import_state, valid_to = excluded.valid_to, "
        "sealed = excluded.sealed",
        {scope.account, scope.region, key_id, int64_t{v.version}, v.material_id, Ms(v.created),
         v.rotation_type ? PgParam(core::ToString(*v.rotation_type)) : PgParam(), v.description,
         v.import_state ? PgParam(core::ToString(*v.import_state)) : PgParam(), OptMs(v.valid_to),
         sealed ? PgParam::Bytes(sealed->sealed) : PgParam()});
  }
  std::optional<KeyMaterialVersion> GetMaterialVersion(const Scope& scope,
                                                       const std::string& key_id,
                                                       uint32_t version) override {
    PgResult r =
        db_.Query(std::string(kVersionColumns) +
                      "WHERE account = $1 AND region = $2 AND key_id = $3 AND version = $4",
                  {scope.account, scope.region, key_id, int64_t{version}});
    if (r.rows() == 0) return std::nullopt;
    return ReadVersion(r, 0);
  }
  std::vector<core::Grant> GrantsOfKey(const Scope& scope, const std::string& key_id,
                                       const std::string* name) override {
    return SelectGrants(db_, scope, key_id, name);
  }
  size_t CountGrants(const Scope& scope, const std::string& key_id) override {
    PgResult r =
        db_.Query("SELECT count(*) FROM grants WHERE account = $1 AND region = $2 AND key_id = $3",
                  {scope.account, scope.region, key_id});
    return static_cast<size_t>(r.Int(0, 0));
  }
  std::optional<core::Grant> GetGrant(const Scope& scope, const std::string& key_id,
                                      const std::string& grant_id) override {
    PgResult r = db_.Query(
        "SELECT doc FROM grants WHERE account = $1 AND region = $2 AND key_id = $3 AND "
        "grant_id = $4",
        {scope.account, scope.region, key_id, grant_id});
    if (r.rows() == 0) return std::nullopt;
    return DecodeGrantDoc(scope, key_id, grant_id, r.Text(0, 0));
  }
  void PutGrant(const core::Grant& g) override {
    db_.Query(
        "INSERT INTO grants (account, region, key_id, grant_id, name, retiring_principal, doc) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (account, region, key_id, grant_id) "
        "DO UPDATE SET name = excluded.name, retiring_principal = excluded.retiring_principal, "
        "doc = excluded.doc",
        {g.scope.account, g.scope.region, g.key_id, g.grant_id, g.name, g.retiring_principal,
         EncodeGrantDoc(g)});
  }
  void DeleteGrant(const Scope& scope, const std::string& key_id,
                   const std::string& grant_id) override {
    db_.Query(
        "DELETE FROM grants WHERE account = $1 AND region = $2 AND key_id = $3 AND grant_id = $4",
        {scope.account, scope.region, key_id, grant_id});
  }

 private:
  PgConn& db_;
};

PostgresKeyRepository::PostgresKeyRepository(const PostgresOptions& options) : options_(options) {
  writer_db_ = std::make_unique<PgConn>(options_.url);
  name_ = NameOf(*writer_db_);
  if (options_.read_only) {
    CheckPostgresSchema(*writer_db_);
    idle_readers_.push_back(std::move(writer_db_));  // no writer: the first reader
    return;
  }
  MigratePostgres(*writer_db_);
  health_ = std::make_unique<PostgresHealthProbe>(options_.url, name_);
  writer_ = std::make_unique<GroupCommitQueue>(static_cast<GroupCommitQueue::Store&>(*this),
                                               options_.max_batch, std::nullopt);
}

PostgresKeyRepository::~PostgresKeyRepository() {
  writer_.reset();  // runs what is queued, then stops the writer thread
}

std::unique_ptr<PgConn> PostgresKeyRepository::AcquireReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return db;
    }
  }
  return std::make_unique<PgConn>(options_.url);
}

void PostgresKeyRepository::ReleaseReader(std::unique_ptr<PgConn> db) {
  if (!db || !db->ok()) return;
  std::lock_guard lock(readers_mu_);
  if (idle_readers_.size() < options_.max_idle_readers) idle_readers_.push_back(std::move(db));
}

template <class Fn>
auto PostgresKeyRepository::Read(Fn&& read) {
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<PgConn> db = AcquireReader();
    try {
      auto result = read(*db);
      ReleaseReader(std::move(db));
      return result;
    } catch (const PgError& e) {
      // A pooled connection the server closed (a restart, an idle timeout):
      // the other idle ones are as likely gone, so the pool is emptied and
      // the read tried once more on a fresh connection.
      if (!e.connection_lost() || attempt > 0) throw;
      std::lock_guard lock(readers_mu_);
      idle_readers_.clear();
    }
  }
}

std::optional<Key> PostgresKeyRepository::GetKey(const Scope& scope, const std::string& key_id) {
  return Read([&](PgConn& db) { return SelectKey(db, scope, key_id); });
}

std::vector<Key> PostgresKeyRepository::ListKeys(const Scope& scope, const std::string& after_id,
                                                 size_t limit) {
  return Read([&](PgConn& db) {
    PgResult r = db.Query(
        "SELECT key_id, doc FROM keys WHERE account = $1 AND region = $2 AND key_id > $3 "
        "ORDER BY key_id LIMIT $4",
        {scope.account, scope.region, after_id, Limit(limit)});
    std::vector<Key> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(DecodeKeyDoc(scope, r.Text(i, 0), r.Text(i, 1)));
    return out;
  });
}

std::vector<Key> PostgresKeyRepository::ListAllKeys(const Key* after, size_t limit) {
  return Read([&](PgConn& db) {
    PgResult r = db.Query(
        "SELECT account, region, key_id, doc FROM keys WHERE (account, region, key_id) > "
        "($1, $2, $3) ORDER BY account, region, key_id LIMIT $4",
        {after ? after->scope.account : "", after ? after->scope.region : "",
         after ? after->id : "", Limit(limit)});
    std::vector<Key> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back(DecodeKeyDoc(Scope{r.Text(i, 0), r.Text(i, 1)}, r.Text(i, 2), r.Text(i, 3)));
    }
    return out;
  });
}

std::optional<Alias> PostgresKeyRepository::GetAlias(const Scope& scope, const std::string& name) {
  return Read([&](PgConn& db) { return SelectAlias(db, scope, name); });
}

std::vector<Alias> PostgresKeyRepository::ListAliases(const Scope& scope, const std::string* key_id,
                                                      const std::string& after_name, size_t limit) {
  return Read([&](PgConn& db) {
    std::string sql = std::string(kAliasColumns) +
                      "WHERE account = $1 AND region = $2 AND alias_name > $3 AND "
                      "($4::text IS NULL OR key_id = $4) ORDER BY alias_name LIMIT $5";
    PgResult r = db.Query(sql, {scope.account, scope.region, after_name,
                                key_id ? PgParam(*key_id) : PgParam(), Limit(limit)});
    std::vector<Alias> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadAlias(r, i, scope));
    return out;
  });
}

std::vector<core::Grant> PostgresKeyRepository::ListGrants(const Scope& scope,
                                                           const std::string& key_id) {
  return Read([&](PgConn& db) { return SelectGrants(db, scope, key_id, nullptr); });
}

std::vector<core::Grant> PostgresKeyRepository::ListRetirableGrants(
    const Scope& scope, const std::string& principal, const std::string& after_key_id,
    const std::string& after_grant_id, size_t limit) {
  return Read([&](PgConn& db) {
    PgResult r = db.Query(
        "SELECT key_id, grant_id, doc FROM grants WHERE account = $1 AND region = $2 "
        "AND retiring_principal = $3 AND retiring_principal <> '' AND (key_id, grant_id) > "
        "($4, $5) ORDER BY key_id, grant_id LIMIT $6",
        {scope.account, scope.region, principal, after_key_id, after_grant_id, Limit(limit)});
    std::vector<core::Grant> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(DecodeGrantDoc(scope, r.Text(i, 0), r.Text(i, 1), r.Text(i, 2)));
    return out;
  });
}

std::vector<KeyMaterialVersion> PostgresKeyRepository::ListMaterialVersions(
    const Scope& scope, const std::string& key_id, uint32_t after_version, size_t limit) {
  return Read([&](PgConn& db) {
    PgResult r =
        db.Query(std::string(kVersionColumns) +
                     "WHERE account = $1 AND region = $2 AND key_id = $3 AND version > $4 "
                     "ORDER BY version LIMIT $5",
                 {scope.account, scope.region, key_id, int64_t{after_version}, Limit(limit)});
    std::vector<KeyMaterialVersion> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(ReadVersion(r, i));
    return out;
  });
}

std::optional<core::SealedMaterial> PostgresKeyRepository::GetSealedMaterial(
    const Scope& scope, const std::string& key_id, uint32_t version) {
  return Read([&](PgConn& db) -> std::optional<core::SealedMaterial> {
    PgResult r = db.Query(
        "SELECT sealed, material_id FROM key_materials WHERE account = $1 AND region = $2 AND "
        "key_id = $3 AND version = $4 AND sealed IS NOT NULL",
        {scope.account, scope.region, key_id, int64_t{version}});
    if (r.rows() == 0) return std::nullopt;
    return core::SealedMaterial{r.Blob(0, 0), r.Text(0, 1)};
  });
}

std::vector<core::DueKey> PostgresKeyRepository::DueKeys(Timestamp until, size_t limit) {
  return Read([&](PgConn& db) {
    PgResult r = db.Query(
        "SELECT account, region, key_id, next_event_at FROM keys WHERE next_event_at IS NOT NULL "
        "AND next_event_at <= $1 ORDER BY next_event_at LIMIT $2",
        {Ms(until), Limit(limit)});
    std::vector<core::DueKey> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({Scope{r.Text(i, 0), r.Text(i, 1)}, r.Text(i, 2), FromMs(r.Int(i, 3))});
    }
    return out;
  });
}

std::optional<Timestamp> PostgresKeyRepository::EarliestEvent() {
  return Read([&](PgConn& db) -> std::optional<Timestamp> {
    PgResult r = db.Query("SELECT min(next_event_at) FROM keys WHERE next_event_at IS NOT NULL");
    if (r.rows() == 0 || r.IsNull(0, 0)) return std::nullopt;
    return FromMs(r.Int(0, 0));
  });
}

std::optional<Timestamp> PostgresKeyRepository::DeletionDate(const Scope& scope,
                                                             const std::string& key_id) {
  return Read([&](PgConn& db) -> std::optional<Timestamp> {
    PgResult r = db.Query(
        "SELECT deleted_at FROM deleted_keys WHERE account = $1 AND region = $2 AND key_id = $3",
        {scope.account, scope.region, key_id});
    if (r.rows() == 0) return std::nullopt;
    return FromMs(r.Int(0, 0));
  });
}

std::optional<core::KeyUsageRecord> PostgresKeyRepository::GetLastUsage(const Scope& scope,
                                                                        const std::string& key_id) {
  return Read([&](PgConn& db) -> std::optional<core::KeyUsageRecord> {
    PgResult r = db.Query(
        "SELECT operation, at, request_id FROM key_usage WHERE account = $1 AND region = $2 AND "
        "key_id = $3",
        {scope.account, scope.region, key_id});
    if (r.rows() == 0) return std::nullopt;
    return core::KeyUsageRecord{key_id, r.Text(0, 0), FromMs(r.Int(0, 1)), r.Text(0, 2)};
  });
}

void PostgresKeyRepository::SaveLastUsage(
    const std::vector<std::pair<Scope, core::KeyUsageRecord>>& records) {
  std::function<void(core::KeyTransaction&)> fn = [&](core::KeyTransaction& tx) {
    PgConn& db = static_cast<Transaction&>(tx).db();
    for (const auto& [scope, r] : records) {
      // Keys deleted since the operation are skipped, not a foreign-key error.
      db.Query(
          "INSERT INTO key_usage (account, region, key_id, operation, at, request_id) "
          "SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS "
          "(SELECT 1 FROM keys WHERE account = $1 AND region = $2 AND key_id = $3) "
          "ON CONFLICT (account, region, key_id) DO UPDATE SET operation = excluded.operation, "
          "at = excluded.at, request_id = excluded.request_id",
          {scope.account, scope.region, r.key_id, r.operation, Ms(r.timestamp), r.request_id});
    }
  };
  if (options_.read_only) throw StorageError("this database was opened read-only");
  writer_->Run(fn, {}, /*changes_keys=*/false);
}

void PostgresKeyRepository::Reset() {
  Write(
      [&](core::KeyTransaction& tx) {
        static_cast<Transaction&>(tx).db().Exec(
            "DELETE FROM key_usage; DELETE FROM aliases; DELETE FROM key_materials; "
            "DELETE FROM grants; DELETE FROM keys; DELETE FROM deleted_keys;");
      },
      {});
}

std::optional<core::Bytes> PostgresKeyRepository::GetRootKeyCheck() {
  return Read([&](PgConn& db) -> std::optional<core::Bytes> {
    PgResult r = db.Query("SELECT root_key_check FROM store_state WHERE id = 1");
    if (r.rows() == 0 || r.IsNull(0, 0)) return std::nullopt;
    return r.Blob(0, 0);
  });
}

void PostgresKeyRepository::PutRootKeyCheck(const core::Bytes& check) {
  Write(
      [&](core::KeyTransaction& tx) {
        static_cast<Transaction&>(tx).db().Query(
            "UPDATE store_state SET root_key_check = $1 WHERE id = 1", {PgParam::Bytes(check)});
      },
      {});
}

std::optional<core::StoredClock> PostgresKeyRepository::GetStoredClock() {
  return Read([&](PgConn& db) -> std::optional<core::StoredClock> {
    PgResult r = db.Query("SELECT clock, virtual_time FROM store_state WHERE id = 1");
    if (r.rows() == 0 || r.IsNull(0, 0)) return std::nullopt;
    core::StoredClock clock;
    clock.is_virtual = r.Text(0, 0) == "virtual";
    if (!r.IsNull(0, 1)) clock.virtual_time = FromMs(r.Int(0, 1));
    return clock;
  });
}

void PostgresKeyRepository::PutStoredClock(const core::StoredClock& clock) {
  Write(
      [&](core::KeyTransaction& tx) {
        static_cast<Transaction&>(tx).db().Query(
            // Replicas move one shared clock: the stored time never goes back.
            "UPDATE store_state SET clock = $1, virtual_time = CASE WHEN $2::bigint IS NULL "
            "THEN NULL ELSE GREATEST(virtual_time, $2::bigint) END WHERE id = 1",
            {clock.is_virtual ? "virtual" : "system", OptMs(clock.virtual_time)});
      },
      {});
}

core::StoreHealth PostgresKeyRepository::Health() const {
  return health_ ? health_->Health() : core::StoreHealth{};
}

std::optional<uint64_t> PostgresKeyRepository::SharedGeneration() {
  return Read([&](PgConn& db) -> std::optional<uint64_t> {
    PgResult r = db.Query("SELECT generation FROM store_state WHERE id = 1");
    return static_cast<uint64_t>(r.Int(0, 0));
  });
}

bool PostgresKeyRepository::HoldsWorkerLease() {
  std::lock_guard lock(worker_mu_);
  try {
    if (!worker_db_ || !worker_db_->ok()) {
      worker_held_ = false;
      worker_db_ = std::make_unique<PgConn>(options_.url);
    }
    if (worker_held_) {
      worker_db_->Exec("SELECT 1");  // the session, and with it the lock, still lives
      return true;
    }
    PgResult r = worker_db_->Query(std::string("SELECT pg_try_advisory_lock(") + kPgLockArgs + ")",
                                   {PgParam(int64_t{kPgWorkerLock})});
    worker_held_ = r.Text(0, 0) == "t";
    if (!worker_held_) worker_stood_by_ = true;
    // Said when the lease passes to this replica from another (a replica that
    // holds it from the start keeps the log as a single Rotor's).
    if (worker_held_ && worker_stood_by_) {
      std::fprintf(stderr, "rotor: this replica took over the rotation and deletion worker (%s)\n",
                   name_.c_str());
    }
    return worker_held_;
  } catch (const StorageError& e) {
    std::fprintf(stderr, "rotor: the worker lock of %s cannot be checked: %s\n", name_.c_str(),
                 e.what());
    worker_db_.reset();
    worker_held_ = false;
    return false;
  }
}

void PostgresKeyRepository::Write(const std::function<void(core::KeyTransaction&)>& fn,
                                  const std::function<void()>& on_commit) {
  if (options_.read_only) throw StorageError("this database was opened read-only");
  writer_->Run(fn, on_commit);
}

core::KeyTransaction& PostgresKeyRepository::Begin() {
  // A connection lost earlier (by a batch, or unseen: a server restart) is replaced now.
  BeginTransaction(writer_db_, options_.url);
  // Write transactions of every replica run one at a time (see the header).
  writer_db_->Query(std::string("SELECT pg_advisory_xact_lock(") + kPgLockArgs + ")",
                    {PgParam(int64_t{kPgWriteLock})});
  tx_ = std::make_unique<Transaction>(*writer_db_);
  return *tx_;
}

void PostgresKeyRepository::Exec(const char* sql) { writer_db_->Exec(sql); }

void PostgresKeyRepository::Commit(bool changes_keys) {
  if (changes_keys) {
    writer_db_->Exec("UPDATE store_state SET generation = generation + 1 WHERE id = 1");
  }
  writer_db_->Exec("COMMIT");
}

void PostgresKeyRepository::Rollback() {
  if (!writer_db_ || !writer_db_->ok()) return;  // the next Begin replaces it
  try {
    writer_db_->Exec("ROLLBACK");
  } catch (const StorageError&) {
    writer_db_.reset();
  }
}

}  // namespace rotor::storage
