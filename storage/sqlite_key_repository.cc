#include "storage/sqlite_key_repository.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/kms_error.h"
#include "storage/data_dir.h"
#include "storage/grant_codec.h"
#include "storage/key_codec.h"
#include "storage/migrations.h"
#include "storage/time_columns.h"

namespace rotor::storage {

using core::Alias;
using core::Key;
using core::KeyMaterialVersion;
using core::Millis;
using core::Scope;
using core::Timestamp;

namespace {

void ConfigureConnection(SqliteDb& db, bool durable) {
  db.Exec("PRAGMA busy_timeout = 5000");
  db.Exec("PRAGMA foreign_keys = ON");
  db.Exec(durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF");
  // Freed content (a deleted key's sealed material) is overwritten with zeros,
  // whatever the default SQLite was built with.
  db.Exec("PRAGMA secure_delete = ON");
}

// The fault a store that failed for good answers every write with.
core::StoreFault FaultOf(core::StoreHealth::Status status) {
  return status == core::StoreHealth::Status::kLost ? core::StoreFault::kDataDirLost
                                                    : core::StoreFault::kCorrupt;
}

// The fault a SQLite failure is, if it is one the caller should be told.
std::optional<core::StoreFault> FaultOf(const StorageError& e) {
  switch (e.primary_code()) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return core::StoreFault::kCorrupt;
    case SQLITE_FULL:
      return core::StoreFault::kNoSpace;
    case SQLITE_READONLY:
      return core::StoreFault::kReadOnly;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      // An I/O error is a fault of its own only when the system said why.
      if (e.sys_errno() == ENOSPC || e.sys_errno() == EDQUOT) return core::StoreFault::kNoSpace;
      if (e.sys_errno() == EFBIG) return core::StoreFault::kFileSizeLimit;
      if (e.sys_errno() == EROFS) return core::StoreFault::kReadOnly;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

constexpr const char* kRecovery =
    "Stop Rotor, keep a copy of the data dir, and either restore rotor.db from a backup or "
    "salvage what SQLite can read: sqlite3 rotor.db .recover | sqlite3 recovered.db, then move "
    "recovered.db to rotor.db (docs/security.md, \"Data at rest\").";

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

std::vector<core::Grant> SelectGrants(SqliteDb& db, const Scope& scope, const std::string& key_id,
                                      const std::string* name) {
  std::string sql =
      "SELECT grant_id, doc FROM grants WHERE account = ? AND region = ? AND key_id = ? ";
  if (name) sql += "AND name = ? ";
  sql += "ORDER BY grant_id";
  auto q = db.Prepare(sql);
  q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
  if (name) q->Bind(4, *name);
  std::vector<core::Grant> out;
  while (q->Step()) out.push_back(DecodeGrantDoc(scope, key_id, q->Text(0), q->Text(1)));
  return out;
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

  // True once a call removed sealed material (the batch then ends with a
  // TRUNCATE checkpoint, so no file keeps it).
  bool removed_material() const { return removed_material_; }
  void NoteRemovedMaterial() { removed_material_ = true; }

  std::optional<Key> GetKey(const Scope& scope, const std::string& key_id) override {
    return SelectKey(db_, scope, key_id);
  }
  size_t CountKeys(const Scope& scope, bool customer_managed_only) override {
    // All keys: the primary key's index alone. Customer managed ones: each record's "manager".
    auto q = db_.Prepare(
        "SELECT count(*) FROM keys WHERE account = ? AND region = ? AND "
        "(? = 0 OR json_extract(doc, '$.manager') = 'CUSTOMER')");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, int64_t{customer_managed_only});
    return q->Step() ? static_cast<size_t>(q->Int(0)) : 0;
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
  void DeleteKey(const Scope& scope, const std::string& key_id, Timestamp deleted_at) override {
    removed_material_ = true;
    auto q = db_.Prepare("DELETE FROM keys WHERE account = ? AND region = ? AND key_id = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Run();
    auto tombstone = db_.Prepare(
        "INSERT OR REPLACE INTO deleted_keys (account, region, key_id, deleted_at) "
        "VALUES (?, ?, ?, ?)");
    tombstone->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
    tombstone->Bind(4, Ms(deleted_at)).Run();
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
    if (sealed) {
      q->BindBlob(11, sealed->sealed.data(), sealed->sealed.size());
    } else {
      q->BindNull(11);
      removed_material_ = true;  // a row without bytes may replace one with them
    }
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
  std::vector<core::Grant> GrantsOfKey(const Scope& scope, const std::string& key_id,
                                       const std::string* name) override {
    return SelectGrants(db_, scope, key_id, name);
  }
  size_t CountGrants(const Scope& scope, const std::string& key_id) override {
    auto q =
        db_.Prepare("SELECT count(*) FROM grants WHERE account = ? AND region = ? AND key_id = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
    return q->Step() ? static_cast<size_t>(q->Int(0)) : 0;
  }
  std::optional<core::Grant> GetGrant(const Scope& scope, const std::string& key_id,
                                      const std::string& grant_id) override {
    auto q = db_.Prepare(
        "SELECT doc FROM grants WHERE account = ? AND region = ? AND key_id = ? AND grant_id = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Bind(4, grant_id);
    if (!q->Step()) return std::nullopt;
    return DecodeGrantDoc(scope, key_id, grant_id, q->Text(0));
  }
  void PutGrant(const core::Grant& g) override {
    auto q = db_.Prepare(
        "INSERT INTO grants (account, region, key_id, grant_id, name, retiring_principal, doc) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, region, key_id, grant_id) DO UPDATE "
        "SET name = excluded.name, retiring_principal = excluded.retiring_principal, "
        "doc = excluded.doc");
    q->Bind(1, g.scope.account).Bind(2, g.scope.region).Bind(3, g.key_id).Bind(4, g.grant_id);
    q->Bind(5, g.name).Bind(6, g.retiring_principal).Bind(7, EncodeGrantDoc(g)).Run();
  }
  void DeleteGrant(const Scope& scope, const std::string& key_id,
                   const std::string& grant_id) override {
    auto q = db_.Prepare(
        "DELETE FROM grants WHERE account = ? AND region = ? AND key_id = ? AND grant_id = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Bind(4, grant_id).Run();
  }

 private:
  SqliteDb& db_;
  bool removed_material_ = false;
};

SqliteKeyRepository::SqliteKeyRepository(const SqliteOptions& options) : options_(options) {
  db_path_ = options_.data_dir + "/rotor.db";
  lock_path_ = options_.data_dir + "/rotor.lock";
  if (options_.read_only) {
    SqliteDb probe(db_path_, /*create=*/false, /*read_only=*/true);
    auto q = probe.Prepare("PRAGMA user_version");
    schema_version_ = q->Step() ? static_cast<int>(q->Int(0)) : 0;
    // Schema 2 is read as it is (a data dir no server has migrated yet).
    if (schema_version_ < 2 || schema_version_ > LatestSchemaVersion()) {
      throw StorageError(db_path_ + " is not a Rotor database of this version");
    }
    return;
  }
  PrepareDataDir(options_.data_dir);
  lock_fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    throw StorageError("cannot open " + lock_path_ + ": " + std::strerror(errno) +
                       " (is the data dir writable?)");
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw StorageError("data dir " + options_.data_dir + " is in use by another Rotor process (" +
                       lock_path_ + " is locked)");
  }
  ::fchmod(lock_fd_, 0600);  // an older Rotor's lock file may be readable by others
  try {
    std::string verdict;
    try {
      writer_db_ = std::make_unique<SqliteDb>(db_path_, /*create=*/true, /*read_only=*/false);
      ConfigureConnection(*writer_db_, options_.durable);
      verdict = QuickCheck(*writer_db_, options_.check_budget);
    } catch (const StorageError& e) {
      if (e.primary_code() == SQLITE_READONLY) throw;
      throw StorageError(
          db_path_ + " is not a usable SQLite database (" + e.what() +
          "). Rotor will not overwrite it; move it away or choose another --data-dir.");
    }
    if (!verdict.empty() && verdict != "ok") {
      throw StorageError(db_path_ + " is damaged: SQLite's quick_check says \"" + verdict +
                         "\". Rotor will not serve it. " + kRecovery);
    }
    start_check_cut_short_ = verdict.empty();
    Migrate(*writer_db_, db_path_);
    schema_version_ = LatestSchemaVersion();
    auto mode = writer_db_->Prepare("PRAGMA journal_mode = WAL");
    if (!mode->Step() || mode->Text(0) != "wal") {
      throw StorageError("cannot switch " + db_path_ + " to WAL mode");
    }
    struct stat st {};
    if (::stat(db_path_.c_str(), &st) != 0) {
      throw StorageError("cannot read " + db_path_ + ": " + std::strerror(errno));
    }
    db_file_ = {st.st_dev, st.st_ino};
    if (::fstat(lock_fd_, &st) != 0) {
      throw StorageError("cannot read " + lock_path_ + ": " + std::strerror(errno));
    }
    lock_file_ = {st.st_dev, st.st_ino};
  } catch (...) {
    writer_db_.reset();
    ::close(lock_fd_);
    throw;
  }
  writer_ = std::make_unique<GroupCommitQueue>(static_cast<GroupCommitQueue::Store&>(*this),
                                               options_.max_batch, options_.watch_interval);
}

SqliteKeyRepository::~SqliteKeyRepository() {
  writer_.reset();  // runs what is queued, then stops the writer thread
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

template <class Fn>
auto SqliteKeyRepository::Read(Fn&& read) {
  try {
    ReadConnection db = AcquireReader();
    return read(*db);
  } catch (const StorageError&) {
    std::exception_ptr classified = Classify(std::current_exception());
    std::rethrow_exception(classified);
  }
}

std::optional<Key> SqliteKeyRepository::GetKey(const Scope& scope, const std::string& key_id) {
  return Read([&](SqliteDb& db) { return SelectKey(db, scope, key_id); });
}

std::vector<Key> SqliteKeyRepository::ListKeys(const Scope& scope, const std::string& after_id,
                                               size_t limit) {
  return Read([&](SqliteDb& db) {
    auto q = db.Prepare(std::string(kKeyColumns) +
                        "WHERE account = ? AND region = ? AND key_id > ? ORDER BY key_id LIMIT ?");
    q->Bind(1, scope.account)
        .Bind(2, scope.region)
        .Bind(3, after_id)
        .Bind(4, static_cast<int64_t>(limit));
    std::vector<Key> out;
    while (q->Step()) out.push_back(DecodeKeyDoc(scope, q->Text(0), q->Text(1)));
    return out;
  });
}

std::vector<Key> SqliteKeyRepository::ListAllKeys(const Key* after, size_t limit) {
  return Read([&](SqliteDb& db) {
    // A row-value comparison walks the primary key index page by page.
    auto q = db.Prepare(
        "SELECT account, region, key_id, doc FROM keys "
        "WHERE (account, region, key_id) > (?, ?, ?) ORDER BY account, region, key_id LIMIT ?");
    q->Bind(1, after ? after->scope.account : "").Bind(2, after ? after->scope.region : "");
    q->Bind(3, after ? after->id : "").Bind(4, static_cast<int64_t>(limit));
    std::vector<Key> out;
    while (q->Step())
      out.push_back(DecodeKeyDoc(Scope{q->Text(0), q->Text(1)}, q->Text(2), q->Text(3)));
    return out;
  });
}

std::optional<Alias> SqliteKeyRepository::GetAlias(const Scope& scope, const std::string& name) {
  return Read([&](SqliteDb& db) { return SelectAlias(db, scope, name); });
}

std::vector<Alias> SqliteKeyRepository::ListAliases(const Scope& scope, const std::string* key_id,
                                                    const std::string& after_name, size_t limit) {
  return Read([&](SqliteDb& db) {
    std::string sql =
        "SELECT alias_name, key_id, created_at, updated_at FROM aliases "
        "WHERE account = ? AND region = ? AND alias_name > ? ";
    if (key_id) sql += "AND key_id = ? ";
    sql += "ORDER BY alias_name LIMIT ?";
    auto q = db.Prepare(sql);
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, after_name);
    int next = 4;
    if (key_id) q->Bind(next++, *key_id);
    q->Bind(next, static_cast<int64_t>(limit));
    std::vector<Alias> out;
    while (q->Step()) out.push_back(ReadAlias(*q, scope));
    return out;
  });
}

std::vector<core::Grant> SqliteKeyRepository::ListGrants(const Scope& scope,
                                                         const std::string& key_id) {
  return Read([&](SqliteDb& db) { return SelectGrants(db, scope, key_id, nullptr); });
}

std::vector<core::Grant> SqliteKeyRepository::ListRetirableGrants(const Scope& scope,
                                                                  const std::string& principal,
                                                                  const std::string& after_key_id,
                                                                  const std::string& after_grant_id,
                                                                  size_t limit) {
  return Read([&](SqliteDb& db) {
    auto q = db.Prepare(
        "SELECT key_id, grant_id, doc FROM grants WHERE account = ? AND region = ? "
        "AND retiring_principal = ? AND retiring_principal <> '' AND (key_id, grant_id) > (?, ?) "
        "ORDER BY key_id, grant_id LIMIT ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, principal);
    q->Bind(4, after_key_id).Bind(5, after_grant_id).Bind(6, static_cast<int64_t>(limit));
    std::vector<core::Grant> out;
    while (q->Step()) out.push_back(DecodeGrantDoc(scope, q->Text(0), q->Text(1), q->Text(2)));
    return out;
  });
}

std::vector<KeyMaterialVersion> SqliteKeyRepository::ListMaterialVersions(const Scope& scope,
                                                                          const std::string& key_id,
                                                                          uint32_t after_version,
                                                                          size_t limit) {
  return Read([&](SqliteDb& db) {
    auto q = db.Prepare(std::string(kVersionColumns) +
                        "WHERE account = ? AND region = ? AND key_id = ? AND version > ? "
                        "ORDER BY version LIMIT ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
    q->Bind(4, int64_t{after_version}).Bind(5, static_cast<int64_t>(limit));
    std::vector<KeyMaterialVersion> out;
    while (q->Step()) out.push_back(ReadVersion(*q));
    return out;
  });
}

std::optional<core::SealedMaterial> SqliteKeyRepository::GetSealedMaterial(
    const Scope& scope, const std::string& key_id, uint32_t version) {
  return Read([&](SqliteDb& db) -> std::optional<core::SealedMaterial> {
    auto q = db.Prepare(
        "SELECT sealed, material_id FROM key_materials "
        "WHERE account = ? AND region = ? AND key_id = ? AND version = ? AND sealed IS NOT NULL");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id).Bind(4, int64_t{version});
    if (!q->Step()) return std::nullopt;
    return core::SealedMaterial{q->Blob(0), q->Text(1)};
  });
}

std::vector<core::DueKey> SqliteKeyRepository::DueKeys(Timestamp until, size_t limit) {
  return Read([&](SqliteDb& db) {
    auto q = db.Prepare(
        "SELECT account, region, key_id, next_event_at FROM keys "
        "WHERE next_event_at IS NOT NULL AND next_event_at <= ? ORDER BY next_event_at LIMIT ?");
    q->Bind(1, Ms(until)).Bind(2, static_cast<int64_t>(limit));
    std::vector<core::DueKey> out;
    while (q->Step()) out.push_back({Scope{q->Text(0), q->Text(1)}, q->Text(2), FromMs(q->Int(3))});
    return out;
  });
}

std::optional<Timestamp> SqliteKeyRepository::EarliestEvent() {
  return Read([&](SqliteDb& db) -> std::optional<Timestamp> {
    auto q = db.Prepare("SELECT min(next_event_at) FROM keys WHERE next_event_at IS NOT NULL");
    if (!q->Step() || q->IsNull(0)) return std::nullopt;
    return FromMs(q->Int(0));
  });
}

std::optional<Timestamp> SqliteKeyRepository::DeletionDate(const Scope& scope,
                                                           const std::string& key_id) {
  return Read([&](SqliteDb& db) -> std::optional<Timestamp> {
    auto q = db.Prepare(
        "SELECT deleted_at FROM deleted_keys WHERE account = ? AND region = ? AND key_id = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
    if (!q->Step()) return std::nullopt;
    return FromMs(q->Int(0));
  });
}

std::optional<core::KeyUsageRecord> SqliteKeyRepository::GetLastUsage(const Scope& scope,
                                                                      const std::string& key_id) {
  return Read([&](SqliteDb& db) -> std::optional<core::KeyUsageRecord> {
    auto q = db.Prepare(
        "SELECT operation, at, request_id FROM key_usage "
        "WHERE account = ? AND region = ? AND key_id = ?");
    q->Bind(1, scope.account).Bind(2, scope.region).Bind(3, key_id);
    if (!q->Step()) return std::nullopt;
    return core::KeyUsageRecord{key_id, q->Text(0), FromMs(q->Int(1)), q->Text(2)};
  });
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
      [&](core::KeyTransaction& tx) {
        static_cast<Transaction&>(tx).NoteRemovedMaterial();
        writer_db_->Exec(
            "DELETE FROM key_usage; DELETE FROM aliases; DELETE FROM key_materials; "
            "DELETE FROM grants; DELETE FROM keys; DELETE FROM deleted_keys;");
      },
      {});
}

std::optional<core::Bytes> SqliteKeyRepository::GetRootKeyCheck() {
  if (schema_version_ < 3) return std::nullopt;
  return Read([&](SqliteDb& db) -> std::optional<core::Bytes> {
    auto q = db.Prepare("SELECT root_key_check FROM store_state WHERE id = 1");
    if (!q->Step() || q->IsNull(0)) return std::nullopt;
    return q->Blob(0);
  });
}

void SqliteKeyRepository::PutRootKeyCheck(const core::Bytes& check) {
  Write(
      [&](core::KeyTransaction&) {
        auto q = writer_db_->Prepare("UPDATE store_state SET root_key_check = ? WHERE id = 1");
        q->BindBlob(1, check.data(), check.size()).Run();
      },
      {});
}

std::optional<core::StoredClock> SqliteKeyRepository::GetStoredClock() {
  if (schema_version_ < 3) return std::nullopt;
  return Read([&](SqliteDb& db) -> std::optional<core::StoredClock> {
    auto q = db.Prepare("SELECT clock, virtual_time FROM store_state WHERE id = 1");
    if (!q->Step() || q->IsNull(0)) return std::nullopt;
    core::StoredClock clock;
    clock.is_virtual = q->Text(0) == "virtual";
    if (!q->IsNull(1)) clock.virtual_time = FromMs(q->Int(1));
    return clock;
  });
}

void SqliteKeyRepository::PutStoredClock(const core::StoredClock& clock) {
  Write(
      [&](core::KeyTransaction&) {
        auto q =
            writer_db_->Prepare("UPDATE store_state SET clock = ?, virtual_time = ? WHERE id = 1");
        q->Bind(1, clock.is_virtual ? "virtual" : "system")
            .Bind(2, OptMs(clock.virtual_time))
            .Run();
      },
      {});
}

core::StoreHealth SqliteKeyRepository::Health() const {
  std::lock_guard lock(health_mu_);
  return health_;
}

void SqliteKeyRepository::Fail(core::StoreHealth::Status status, const std::string& detail) {
  core::StoreHealth health;
  {
    std::lock_guard lock(health_mu_);
    if (health_.status == core::StoreHealth::Status::kLost) return;  // the worst already
    if (health_.status == status) return;                            // told once
    // Clients read the fault's own words; the detail (paths, SQLite's
    // message) goes to the log.
    health_ = {status, core::KmsError::StoreUnavailable(FaultOf(status)).message()};
    health = health_;
    failed_.store(true, std::memory_order_release);
  }
  std::fprintf(stderr, "rotor: %s\n", detail.c_str());
  if (options_.on_failure) options_.on_failure(health);
}

void SqliteKeyRepository::ThrowIfFailed() const {
  if (!failed_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(health_mu_);
  throw core::KmsError::StoreUnavailable(FaultOf(health_.status));
}

std::string SqliteKeyRepository::CheckDataDir() const {
  struct stat now {};
  bool lock_gone = ::stat(lock_path_.c_str(), &now) != 0;
  if (lock_gone || !lock_file_.Is(now)) {
    return "data dir " + options_.data_dir +
           " was removed or replaced while Rotor ran: " + lock_path_ +
           (lock_gone ? " is gone" : " is not the lock file this server holds") +
           ". Writes are refused; Rotor is stopping.";
  }
  if (::stat(db_path_.c_str(), &now) != 0 || !db_file_.Is(now)) {
    return "database " + db_path_ +
           " was removed or replaced while Rotor ran. Writes are refused; Rotor is stopping.";
  }
  return {};
}

std::exception_ptr SqliteKeyRepository::Classify(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const StorageError& e) {
    std::optional<core::StoreFault> fault = FaultOf(e);
    if (!fault) return error;
    if (*fault == core::StoreFault::kCorrupt) {
      Fail(core::StoreHealth::Status::kWritesStopped,
           "database " + db_path_ + " is corrupt (" + e.what() +
               "): writes are stopped, reads go on. " + kRecovery);
    } else {
      std::fprintf(stderr, "rotor: a call on %s failed: %s\n", db_path_.c_str(), e.what());
    }
    return std::make_exception_ptr(core::KmsError::StoreUnavailable(*fault));
  } catch (...) {
    return error;
  }
}

void SqliteKeyRepository::Write(const std::function<void(core::KeyTransaction&)>& fn,
                                const std::function<void()>& on_commit) {
  if (options_.read_only) throw StorageError("this data dir was opened read-only");
  ThrowIfFailed();
  writer_->Run(fn, on_commit);
}

core::KeyTransaction& SqliteKeyRepository::Begin() {
  ThrowIfFailed();
  tx_ = std::make_unique<Transaction>(*writer_db_);
  Exec("BEGIN IMMEDIATE");
  return *tx_;
}

// Prepared once and kept, as every statement of the writer: parsing a
// SAVEPOINT, RELEASE, BEGIN or COMMIT anew (sqlite3_exec) cost more than
// running it, four times per write (bench/RESULTS.md, "Durable writes").
void SqliteKeyRepository::Exec(const char* sql) { writer_db_->Prepare(sql)->Run(); }

void SqliteKeyRepository::Commit(bool /*changes_keys*/) { Exec("COMMIT"); }

void SqliteKeyRepository::Rollback() {
  try {
    writer_db_->Exec("ROLLBACK");
  } catch (...) {
    // Already rolled back by SQLite (e.g. SQLITE_FULL) or never begun.
  }
}

void SqliteKeyRepository::AfterCommit() {
  // Acknowledge nothing that went into files which are no longer the data dir.
  if (std::string problem = CheckDataDir(); !problem.empty()) {
    Fail(core::StoreHealth::Status::kLost, problem);
    ThrowIfFailed();
  }
  if (tx_->removed_material() || checkpoint_pending_) CheckpointTruncate();
}

void SqliteKeyRepository::Idle() {
  // Idle for a while: is the data dir still ours? Is a checkpoint owed?
  if (std::string problem = CheckDataDir(); !problem.empty()) {
    Fail(core::StoreHealth::Status::kLost, problem);
  } else if (checkpoint_pending_) {
    CheckpointTruncate();
  }
}

void SqliteKeyRepository::CheckpointTruncate() {
  try {
    // Waits (busy_timeout) for readers of older snapshots, then copies the
    // WAL into rotor.db and truncates it to zero bytes.
    auto q = writer_db_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    bool busy = q->Step() && q->Int(0) != 0;
    checkpoint_pending_ = busy;
  } catch (const StorageError& e) {
    std::fprintf(stderr, "rotor: checkpoint of %s failed (retried): %s\n", db_path_.c_str(),
                 e.what());
    checkpoint_pending_ = true;
  }
}

}  // namespace rotor::storage
