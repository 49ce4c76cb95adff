// PostgresKeyRepository: core::KeyRepository on PostgreSQL (libpq), for
// several Rotor replicas that serve one shared instance (docs/scaling.md).
//
// Same shape as SqliteKeyRepository: one writer thread owns the write
// connection and commits in groups (storage/group_commit_queue.h: every
// Write() queued while a commit is in flight joins the next transaction, each
// in its own SAVEPOINT), and reads use a pool of connections, one statement
// each (they see every committed write).
//
// Across replicas:
//   - every write transaction first takes one store-wide transaction lock
//     (pg_advisory_xact_lock), so write transactions of all replicas run one
//     after another, as SQLite's single writer does: a check and the write it
//     guards (25 on-demand rotations, alias and grant uniqueness, CreateGrant
//     idempotency) cannot interleave with another replica's, and no
//     serialization failure can happen;
//   - every commit that changes keys, aliases, grants or material bumps
//     store_state.generation; SharedGeneration() reads it, so a cache
//     (core/key_cache.h) notices another replica's write on its next lookup.
//
// Connections that break (the database restarted, a network cut) are
// replaced on the next call (a read or a BEGIN that finds its connection
// lost tries once more on a new one); a call that fails anyway fails (a write
// whose COMMIT got no answer may or may not have committed, as with any
// PostgreSQL client).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/key_repository.h"
#include "storage/group_commit_queue.h"
#include "storage/postgres_db.h"
#include "storage/postgres_health_probe.h"

namespace rotor::storage {

struct PostgresOptions {
  std::string url;  // --database-url: postgres://user@host:port/db or key=value pairs
  size_t max_batch = 512;
  size_t max_idle_readers = 64;  // as SQLite's pool: a connection per concurrent read
  // rotor report / rotor export: the schema is checked (MigratePostgres's
  // refusals), never created or migrated; Write() and SaveLastUsage() throw.
  bool read_only = false;
};

class PostgresKeyRepository final : public core::KeyRepository, private GroupCommitQueue::Store {
 public:
  // Connects, checks the database is Rotor's (or empty) and migrates it
  // (read_only: checks it is Rotor's, of this schema version); throws
  // StorageError with a message for people.
  explicit PostgresKeyRepository(const PostgresOptions& options);
  ~PostgresKeyRepository() override;

  std::optional<core::Key> GetKey(const core::Scope& scope, const std::string& key_id) override;
  std::vector<core::Key> ListKeys(const core::Scope& scope, const std::string& after_id,
                                  size_t limit) override;
  std::vector<core::Key> ListAllKeys(const core::Key* after, size_t limit) override;
  std::optional<core::Alias> GetAlias(const core::Scope& scope, const std::string& name) override;
  std::vector<core::Alias> ListAliases(const core::Scope& scope, const std::string* key_id,
                                       const std::string& after_name, size_t limit) override;
  std::vector<core::Grant> ListGrants(const core::Scope& scope, const std::string& key_id) override;
  std::vector<core::Grant> ListRetirableGrants(const core::Scope& scope,
                                               const std::string& principal,
                                               const std::string& after_key_id,
                                               const std::string& after_grant_id,
                                               size_t limit) override;
  std::vector<core::KeyMaterialVersion> ListMaterialVersions(const core::Scope& scope,
                                                             const std::string& key_id,
                                                             uint32_t after_version,
                                                             size_t limit) override;
  std::optional<core::SealedMaterial> GetSealedMaterial(const core::Scope& scope,
                                                        const std::string& key_id,
                                                        uint32_t version) override;
  std::vector<core::DueKey> DueKeys(core::Timestamp until, size_t limit) override;
  std::optional<core::Timestamp> EarliestEvent() override;
  std::optional<core::Timestamp> DeletionDate(const core::Scope& scope,
                                              const std::string& key_id) override;
  std::optional<core::KeyUsageRecord> GetLastUsage(const core::Scope& scope,
                                                   const std::string& key_id) override;
  void SaveLastUsage(
      const std::vector<std::pair<core::Scope, core::KeyUsageRecord>>& records) override;
  void Write(const std::function<void(core::KeyTransaction&)>& fn,
             const std::function<void()>& on_commit) override;
  void Reset() override;
  std::optional<core::Bytes> GetRootKeyCheck() override;
  void PutRootKeyCheck(const core::Bytes& check) override;
  std::optional<core::StoredClock> GetStoredClock() override;
  void PutStoredClock(const core::StoredClock& clock) override;
  std::optional<uint64_t> SharedGeneration() override;
  // Whether the database answers (storage/postgres_health_probe.h): at most
  // one probe a second, the answer never waiting more than a moment.
  core::StoreHealth Health() const override;
  // A session advisory lock on a connection of its own: held while that
  // connection lives, released by PostgreSQL when it closes (the process
  // died, the network broke), then taken by the next replica that asks.
  bool HoldsWorkerLease() override;

  // The database named for people (host, port, database; never a password).
  const std::string& name() const { return name_; }

 private:
  class Transaction;

  // Runs `read` on a pooled connection; a broken connection is dropped and
  // the read tried once more on a new one.
  template <class Fn>
  auto Read(Fn&& read);
  std::unique_ptr<PgConn> AcquireReader();
  void ReleaseReader(std::unique_ptr<PgConn> db);

  // GroupCommitQueue::Store, on the writer thread: a lost connection is
  // replaced at Begin, which then takes the store-wide write lock (see
  // above); Commit bumps the generation unless only usage records changed; a
  // connection that cannot roll back is dropped.
  core::KeyTransaction& Begin() override;
  void Exec(const char* sql) override;
  void Commit(bool changes_keys) override;
  void Rollback() override;

  PostgresOptions options_;
  std::string name_;

  std::unique_ptr<PostgresHealthProbe> health_;  // null when read-only
  std::unique_ptr<PgConn> writer_db_;            // writer thread only after construction
  std::unique_ptr<Transaction> tx_;              // the batch's, writer thread only
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<PgConn>> idle_readers_;  // guarded by readers_mu_

  std::mutex worker_mu_;
  std::unique_ptr<PgConn> worker_db_;  // holds the worker lock; guarded by worker_mu_
  bool worker_held_ = false;           // guarded by worker_mu_
  bool worker_stood_by_ = false;       // another replica held it once; guarded by worker_mu_

  std::unique_ptr<GroupCommitQueue> writer_;
};

}  // namespace rotor::storage
