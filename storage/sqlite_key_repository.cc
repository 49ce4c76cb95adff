#include "storage/sqlite_key_repository.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/key_codec.h"
#include "storage/migrations.h"

namespace rotor::storage {

using core::Alias;
using core::Key;
using core::KeyMaterialVersion;
using core::Millis;
using core::Scope;
using core::Timestamp;

namespace {

int64_t Ms(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp FromMs(int64_t ms) { return Timestamp(Millis(ms)); }
std::optional<int64_t> OptMs(const std::optional<Timestamp>& t) {
  return t ? std::optional<int64_t>(Ms(*t)) : std::nullopt;
}

void ConfigureConnection(SqliteDb& db, bool durable) {
  db.Exec("PRAGMA busy_timeout = 5000");
  db.Exec("PRAGMA foreign_keys = ON");
  db.Exec(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF");
}

constexpr const char* kKeyColumns = "SELECT key_id, doc FROM keys ";

Alias ReadAlias(Statement& q, const Scope& scope) {
  return Alias{scope, q.Text(0), q.Text(1), FromMs(q.Int(2)), FromMs(q.Int(3))};
}

KeyMaterialVersion ReadVersion(Statement& q) {
  // Columns: version, material_id, created_at, rotation_type, description, import_state, valid_to
  KeyMaterialVersion v;
  v.version = static_cast<uint32_t>(q.Int(0));
  v.material_id = q.Text(1);
  v.created = FromMs(q.Int(2));
  if (!q.IsNull(3)) v.rotation_type = core::Parse<core::RotationType>(q.Text(3));
  v.description = q.Text(4);
  if (!q.IsNull(5)) v.import_state = core::Parse<core::ImportState>(q.Text(5));
  if (!q.IsNull(6)) v.valid_to = FromMs(q.Int(6));
  return v;
}
constexpr const char* kVersionColumns =
    "SELECT version, material_id, created_at, rotation_type, description, import_state, valid_to "
    "FROM key_materials ";

std::optional<Key> SelectKey(SqliteDb& db, const Scope& scope, const std::string& key_id) {
  auto q = db.Prepare("SELECT doc FROM keys WHERE account = ? AND region = ? AND key_id = ?");
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
  if (!q->Step()) return std::nullopt;
  return DecodeKeyDoc(scope, key_id, q->Text(0));
}

std::optional<Alias> SelectAlias(SqliteDb& db, const Scope& scope, const std::string& name) {
  auto q = db.Prepare(
      "SELECT alias_name, key_id, created_at, updated_at FROM aliases "
      "WHERE account = ? AND region = ? AND alias_name = ?");
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, name);
  if (!q->Step()) return std::nullopt;
  return ReadAlias(*q, scope);
}

}  // namespace

// A read-only connection borrowed from the pool for one call.
class SqliteKeyRepository::ReadConnection {
 public:
  ReadConnection(SqliteKeyRepository& repo, std::unique_ptr<SqliteDb> db)
      : repo_(repo), db_(std::move(db)) {}
  ~ReadConnection() { repo_.ReleaseReader(std::move(db_)); }
  ReadConnection(ReadConnection&&) = default;
  SqliteDb& operator*() { return *db_; }

 private:
  SqliteKeyRepository& repo_;
  std::unique_ptr<SqliteDb> db_;
};

// The KeyTransaction handed to Write() functions; lives on the writer thread.
class SqliteKeyRepository::Transaction final : public core::KeyTransaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}

  std::optional<Key> GetKey(const Scope& scope, const std::string& key_id) override {
    return SelectKey(db_, scope, key_id);
  }
  void PutKey(const Key& key) override {
    // An upsert, never REPLACE: REPLACE deletes first and would cascade to
    // the key's material and aliases.
    auto q = db_.Prepare(
        "INSERT INTO keys (account, region, key_id, next_event_at, doc) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (account, region, key_id) DO UPDATE SET "
        "next_event_at = excluded.next_event_at, doc = excluded.doc");
    q->Bind(1, key.scope.account).Bind(2, key.scope.region).Bind(3, key.id);
    q->Bind(4, OptMs(key.NextEventTime())).Bind(5, EncodeKeyDoc(key));
    q->Run();
  }
  void DeleteKey(const Scope& scope, const std::string& key_id) override {
    auto q = db_.Prepare("DELETE FROM keys WHERE account = ? AND region = ? AND key_id = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Run();
    auto tombstone = db_.Prepare(
        "INSERT OR REPLACE INTO deleted_keys (account, region, key_id, deleted_at) "
        "VALUES (?, ?, ?, strftime('%s', 'now') * 1000)");
    tombstone->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Run();
  }
  std::optional<Alias> GetAlias(const Scope& scope, const std::string& name) override {
    return SelectAlias(db_, scope, name);
  }
  void PutAlias(const Alias& a) override {
    auto q = db_.Prepare(
        "INSERT INTO aliases (account, region, alias_name, key_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, region, alias_name) DO UPDATE SET "
        "key_id = excluded.key_id, updated_at = excluded.updated_at");
    q->Bind(1, a.scope.account).Bind(2, a.scope.region).Bind(3, a.name).Bind(4, a.target_key_id);
    q->Bind(5, Ms(a.creation_date)).Bind(6, Ms(a.last_updated_date)).Run();
  }
  void DeleteAlias(const Scope& scope, const std::string& name) override {
    auto q = db_.Prepare("DELETE FROM aliases WHERE account = ? AND region = ? AND alias_name = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, name).Run();
  }
  std::vector<Alias> AliasesOfKey(const Scope& scope, const std::string& key_id) override {
    auto q = db_.Prepare(
        "SELECT alias_name, key_id, created_at, updated_at FROM aliases "
        "WHERE account = ? AND region = ? AND key_id = ? ORDER BY alias_name");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
    std::vector<Alias> out;
    while (q->Step()) out.push_back(ReadAlias(*q, scope));
    return out;
  }
  void PutMaterial(const Scope& scope, const std::string& key_id, const KeyMaterialVersion& v,
                   const core::SealedMaterial* sealed) override {
    auto q = db_.Prepare(
        "INSERT INTO key_materials (account, region, key_id, version, material_id, created_at, "
        "rotation_type, description, import_state, valid_to, sealed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (account, region, key_id, version) DO UPDATE SET "
        "material_id = excluded.material_id, created_at = excluded.created_at, "
        "rotation_type = excluded.rotation_type, description = excluded.description, "
        "import_state = excluded.import_state, valid_to = excluded.valid_to, sealed = "
        "excluded.sealed");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Bind(4, int64_t{v.version});
    q->Bind(5, v.material_id).Bind(6, Ms(v.created));
    if (v.rotation_type)
      q->Bind(7, core::ToString(*v.rotation_type));
    else
      q->BindNull(7);
    q->Bind(8, v.description);
    if (v.import_state)
      q->Bind(9, core::ToString(*v.import_state));
    else
      q->BindNull(9);
    q->Bind(10, OptMs(v.valid_to));
    if (sealed)
      q->BindBlob(11, sealed->sealed.data(), sealed->sealed.size());
    else
      q->BindNull(11);
    q->Run();
  }
  std::optional<KeyMaterialVersion> GetMaterialVersion(const Scope& scope,
                                                       const std::string& key_id,
                                                       uint32_t version) override {
    auto q = db_.Prepare(std::string(kVersionColumns) +
                         "WHERE account = ? AND region = ? AND key_id = ? AND version = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Bind(4, int64_t{version});
    if (!q->Step()) return std::nullopt;
    return ReadVersion(*q);
  }

 private:
  SqliteDb& db_;
};

SqliteKeyRepository::SqliteKeyRepository(const SqliteOptions& options) : options_(options) {
  db_path_ = options_.data_dir + "/rotor.db";
  if (options_.read_only) {
    SqliteDb probe(db_path_, /*create=*/false, /*read_only=*/true);
    auto q = probe.Prepare("PRAGMA user_version");
    if (!q->Step() || q->Int(0) != LatestSchemaVersion()) {
      throw StorageError(db_path_ + " is not a Rotor database of this version");
    }
    return;
  }
  if (::mkdir(options_.data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    throw StorageError("cannot create data dir " + options_.data_dir + ": " + std::strerror(errno));
  }
  std::string lock_path = options_.data_dir + "/rotor.lock";
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    throw StorageError("cannot open " + lock_path + ": " + std::strerror(errno) +
                       " (is the data dir writable?)");
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw StorageError("data dir " + options_.data_dir + " is in use by another Rotor process (" +
                       lock_path + " is locked)");
  }
  try {
    try {
      writer_db_ = std::make_unique<SqliteDb>(db_path_, /*create=*/true, /*read_only=*/false);
      ConfigureConnection(*writer_db_, options_.durable);
    } catch (const StorageError& e) {
      throw StorageError(
          db_path_ + " is not a usable SQLite database (" + e.what() +
          "). Rotor will not overwrite it; move it away or choose another --data-dir.");
    }
    Migrate(*writer_db_, db_path_);
    auto mode = writer_db_->Prepare("PRAGMA journal_mode = WAL");
    if (!mode->Step() || mode->Text(0) != "wal") {
      throw StorageError("cannot switch " + db_path_ + " to WAL mode");
    }
  } catch (...) {
    writer_db_.reset();
    ::close(lock_fd_);
    throw;
  }
  writer_ = std::thread([this] { WriterLoop(); });
}

SqliteKeyRepository::~SqliteKeyRepository() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
    queue_cv_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(readers_mu_);
    idle_readers_.clear();
  }
  if (writer_db_) {
    try {
      writer_db_->Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (const StorageError&) {
      // A checkpoint is an optimisation; the WAL is replayed on next start.
    }
    writer_db_.reset();
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

SqliteKeyRepository::ReadConnection SqliteKeyRepository::AcquireReader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      auto db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return ReadConnection(*this, std::move(db));
    }
  }
  auto db = std::make_unique<SqliteDb>(db_path_, /*create=*/false, /*read_only=*/true);
  db->Exec("PRAGMA busy_timeout = 5000");
  return ReadConnection(*this, std::move(db));
}

void SqliteKeyRepository::ReleaseReader(std::unique_ptr<SqliteDb> db) {
  if (!db) return;
  std::lock_guard lock(readers_mu_);
  if (idle_readers_.size() < 64) idle_readers_.push_back(std::move(db));
}

std::optional<Key> SqliteKeyRepository::GetKey(const Scope& scope, const std::string& key_id) {
  ReadConnection db = AcquireReader();
  return SelectKey(*db, scope, key_id);
}

std::vector<Key> SqliteKeyRepository::ListKeys(const Scope& scope, const std::string& after_id,
                                               size_t limit) {
  ReadConnection db = AcquireReader();
  auto q = (*db).Prepare(std::string(kKeyColumns) +
                         "WHERE account = ? AND region = ? AND key_id > ? ORDER BY key_id LIMIT ?");
  q->Bind(1, scope.account)
      .Bind(2, scope.region)
      .Bind(3, after_id)
      .Bind(4, static_cast<int64_t>(limit));
  std::vector<Key> out;
  while (q->Step()) out.push_back(DecodeKeyDoc(scope, q->Text(0), q->Text(1)));
  return out;
}

std::vector<Key> SqliteKeyRepository::ListAllKeys(const Key* after, size_t limit) {
  ReadConnection db = AcquireReader();
  // A row-value comparison walks the primary key index page by page.
  auto q = (*db).Prepare(
      "SELECT account, region, key_id, doc FROM keys "
      "WHERE (account, region, key_id) > (?, ?, ?) ORDER BY account, region, key_id LIMIT ?");
  q->Bind(1, after ? after->scope.account : "").Bind(2, after ? after->scope.region : "");
  q->Bind(3, after ? after->id : "").Bind(4, static_cast<int64_t>(limit));
  std::vector<Key> out;
  while (q->Step())
    out.push_back(DecodeKeyDoc(Scope{q->Text(0), q->Text(1)}, q->Text(2), q->Text(3)));
  return out;
}

std::optional<Alias> SqliteKeyRepository::GetAlias(const Scope& scope, const std::string& name) {
  ReadConnection db = AcquireReader();
  return SelectAlias(*db, scope, name);
}

std::vector<Alias> SqliteKeyRepository::ListAliases(const Scope& scope, const std::string* key_id,
                                                    const std::string& after_name, size_t limit) {
  ReadConnection db = AcquireReader();
  std::string sql =
      "SELECT alias_name, key_id, created_at, updated_at FROM aliases "
      "WHERE account = ? AND region = ? AND alias_name > ? ";
  if (key_id) sql += "AND key_id = ? ";
  sql += "ORDER BY alias_name LIMIT ?";
  auto q = (*db).Prepare(sql);
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, after_name);
  int next = 4;
  if (key_id) q->Bind(next++, *key_id);
  q->Bind(next, static_cast<int64_t>(limit));
  std::vector<Alias> out;
  while (q->Step()) out.push_back(ReadAlias(*q, scope));
  return out;
}

std::vector<KeyMaterialVersion> SqliteKeyRepository::ListMaterialVersions(const Scope& scope,
                                                                          const std::string& key_id,
                                                                          uint32_t after_version,
                                                                          size_t limit) {
  ReadConnection db = AcquireReader();
  auto q = (*db).Prepare(std::string(kVersionColumns) +
                         "WHERE account = ? AND region = ? AND key_id = ? AND version > ? "
                         "ORDER BY version LIMIT ?");
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
  q->Bind(4, int64_t{after_version}).Bind(5, static_cast<int64_t>(limit));
  std::vector<KeyMaterialVersion> out;
  while (q->Step()) out.push_back(ReadVersion(*q));
  return out;
}

std::optional<core::SealedMaterial> SqliteKeyRepository::GetSealedMaterial(
    const Scope& scope, const std::string& key_id, uint32_t version) {
  ReadConnection db = AcquireReader();
  auto q = (*db).Prepare(
      "SELECT sealed, material_id FROM key_materials "
      "WHERE account = ? AND region = ? AND key_id = ? AND version = ? AND sealed IS NOT NULL");
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Bind(4, int64_t{version});
  if (!q->Step()) return std::nullopt;
  return core::SealedMaterial{q->Blob(0), q->Text(1)};
}

std::vector<core::DueKey> SqliteKeyRepository::DueKeys(Timestamp until, size_t limit) {
  ReadConnection db = AcquireReader();
  auto q = (*db).Prepare(
      "SELECT account, region, key_id, next_event_at FROM keys "
      "WHERE next_event_at IS NOT NULL AND next_event_at <= ? ORDER BY next_event_at LIMIT ?");
  q->Bind(1, Ms(until)).Bind(2, static_cast<int64_t>(limit));
  std::vector<core::DueKey> out;
  while (q->Step()) out.push_back({Scope{q->Text(0), q->Text(1)}, q->Text(2), FromMs(q->Int(3))});
  return out;
}

std::optional<Timestamp> SqliteKeyRepository::EarliestEvent() {
  ReadConnection db = AcquireReader();
  auto q = (*db).Prepare("SELECT min(next_event_at) FROM keys WHERE next_event_at IS NOT NULL");
  if (!q->Step() || q->IsNull(0)) return std::nullopt;
  return FromMs(q->Int(0));
}

bool SqliteKeyRepository::WasDeleted(const Scope& scope, const std::string& key_id) {
  ReadConnection db = AcquireReader();
  auto q =
      (*db).Prepare("SELECT 1 FROM deleted_keys WHERE account = ? AND region = ? AND key_id = ?");
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
  return q->Step();
}

std::optional<core::KeyUsageRecord> SqliteKeyRepository::GetLastUsage(const Scope& scope,
                                                                      const std::string& key_id) {
  ReadConnection db = AcquireReader();
  auto q = (*db).Prepare(
      "SELECT operation, at, request_id FROM key_usage "
      "WHERE account = ? AND region = ? AND key_id = ?");
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
  if (!q->Step()) return std::nullopt;
  return core::KeyUsageRecord{key_id, q->Text(0), FromMs(q->Int(1)), q->Text(2)};
}

void SqliteKeyRepository::SaveLastUsage(
    const std::vector<std::pair<Scope, core::KeyUsageRecord>>& records) {
  std::function<void(core::KeyTransaction&)> fn = [&](core::KeyTransaction&) {
    for (const auto& [scope, r] : records) {
      // Keys deleted since the operation are skipped, not a foreign-key error.
      auto q = writer_db_->Prepare(
          "INSERT INTO key_usage (account, region, key_id, operation, at, request_id) "
          "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS "
          "(SELECT 1 FROM keys WHERE account = ?1 AND region = ?2 AND key_id = ?3) "
          "ON CONFLICT (account, region, key_id) DO UPDATE SET operation = excluded.operation, "
          "at = excluded.at, request_id = excluded.request_id");
      q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, r.key_id).Bind(4, r.operation);
      q->Bind(5, Ms(r.timestamp)).Bind(6, r.request_id).Run();
    }
  };
  Write(fn, {});
}

void SqliteKeyRepository::Reset() {
  Write(
      [&](core::KeyTransaction&) {
        writer_db_->Exec(
            "DELETE FROM key_usage; DELETE FROM aliases; DELETE FROM key_materials; "
            "DELETE FROM keys; DELETE FROM deleted_keys;");
      },
      {});
}

void SqliteKeyRepository::Write(const std::function<void(core::KeyTransaction&)>& fn,
                                const std::function<void()>& on_commit) {
  if (options_.read_only) throw StorageError("this data dir was opened read-only");
  Job job{&fn, &on_commit, nullptr, false};
  std::unique_lock lock(queue_mu_);
  if (stopping_) throw StorageError("the database is closing");
  queue_.push_back(&job);
  queue_cv_.notify_one();
  done_cv_.wait(lock, [&] { return job.done; });
  if (job.error) std::rethrow_exception(job.error);
}

void SqliteKeyRepository::WriterLoop() {
  for (;;) {
    std::vector<Job*> batch;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping with nothing left to do
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    {
      std::lock_guard lock(queue_mu_);
      for (Job* job : batch) job->done = true;
    }
    done_cv_.notify_all();
  }
}

void SqliteKeyRepository::CommitBatch(std::vector<Job*>& batch) {
  SqliteDb& db = *writer_db_;
  Transaction tx(db);
  try {
    db.Exec("BEGIN IMMEDIATE");
  } catch (...) {
    for (Job* job : batch) job->error = std::current_exception();
    return;
  }
  for (Job* job : batch) {
    try {
      db.Exec("SAVEPOINT job");
      try {
        (*job->fn)(tx);
        db.Exec("RELEASE job");
      } catch (...) {
        job->error = std::current_exception();
        db.Exec("ROLLBACK TO job");
        db.Exec("RELEASE job");
      }
    } catch (...) {
      // The savepoint machinery itself failed: fail this job, keep the batch.
      if (!job->error) job->error = std::current_exception();
    }
  }
  try {
    db.Exec("COMMIT");
  } catch (...) {
    std::exception_ptr commit_error = std::current_exception();
    try {
      db.Exec("ROLLBACK");
    } catch (...) {
      // Already rolled back by SQLite (e.g. SQLITE_FULL); nothing more to undo.
    }
    for (Job* job : batch) {
      if (!job->error) job->error = commit_error;
    }
    return;
  }
  for (Job* job : batch) {
    if (!job->error && job->on_commit && *job->on_commit) (*job->on_commit)();
  }
}

}  // namespace rotor::storage
