// SqliteKeyRepository: core::KeyRepository on SQLite in WAL mode.
//
// One writer thread owns the write connection and commits in groups: every
// Write() call queued while a commit is in flight joins the next transaction
// (each in its own SAVEPOINT, so one failing call does not undo the others),
// and all of them return after that single fsync. Reads use a pool of
// read-only connections and never block the writer.
//
// The data dir holds rotor.db (+ WAL) and rotor.lock; the lock makes a second
// Rotor on the same dir fail at start instead of racing this one.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/key_repository.h"
#include "storage/sqlite_db.h"

namespace rotor::storage {

struct SqliteOptions {
  std::string data_dir;
  // synchronous=FULL: a commit survives power loss. Off only for --in-memory,
  // whose data dir is on tmpfs and thrown away anyway.
  bool durable = true;
  size_t max_batch = 512;
  // For tools (rotor report, rotor export) that read a data dir, possibly
  // while a server runs on it: no lock, no writer, no migrations.
  bool read_only = false;
};

class SqliteKeyRepository final : public core::KeyRepository {
 public:
  // Opens or creates the database; throws StorageError with a message for
  // people (dir not writable, in use by another Rotor, foreign file...).
  explicit SqliteKeyRepository(const SqliteOptions& options);
  ~SqliteKeyRepository() override;

  std::optional<core::Key> GetKey(const core::Scope& scope, const std::string& key_id) override;
  std::vector<core::Key> ListKeys(const core::Scope& scope, const std::string& after_id,
                                  size_t limit) override;
  std::vector<core::Key> ListAllKeys(const core::Key* after, size_t limit) override;
  std::optional<core::Alias> GetAlias(const core::Scope& scope, const std::string& name) override;
  std::vector<core::Alias> ListAliases(const core::Scope& scope, const std::string* key_id,
                                       const std::string& after_name, size_t limit) override;
  std::vector<core::KeyMaterialVersion> ListMaterialVersions(const core::Scope& scope,
                                                             const std::string& key_id,
                                                             uint32_t after_version,
                                                             size_t limit) override;
  std::optional<core::SealedMaterial> GetSealedMaterial(const core::Scope& scope,
                                                        const std::string& key_id,
                                                        uint32_t version) override;
  std::vector<core::DueKey> DueKeys(core::Timestamp until, size_t limit) override;
  std::optional<core::Timestamp> EarliestEvent() override;
  bool WasDeleted(const core::Scope& scope, const std::string& key_id) override;
  std::optional<core::KeyUsageRecord> GetLastUsage(const core::Scope& scope,
                                                   const std::string& key_id) override;
  void SaveLastUsage(
      const std::vector<std::pair<core::Scope, core::KeyUsageRecord>>& records) override;
  void Write(const std::function<void(core::KeyTransaction&)>& fn,
             const std::function<void()>& on_commit) override;
  void Reset() override;

  const std::string& db_path() const { return db_path_; }

 private:
  class Transaction;
  struct Job {
    const std::function<void(core::KeyTransaction&)>* fn;
    const std::function<void()>* on_commit;
    std::exception_ptr error;
    bool done = false;
  };
  class ReadConnection;

  ReadConnection AcquireReader();
  void ReleaseReader(std::unique_ptr<SqliteDb> db);
  void WriterLoop();
  void CommitBatch(std::vector<Job*>& batch);

  SqliteOptions options_;
  std::string db_path_;
  int lock_fd_ = -1;

  std::unique_ptr<SqliteDb> writer_db_;  // used only by the writer thread after construction
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_readers_;  // guarded by readers_mu_

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;  // writer waits for jobs
  std::condition_variable done_cv_;   // callers wait for their job
  std::deque<Job*> queue_;            // guarded by queue_mu_
  bool stopping_ = false;             // guarded by queue_mu_
  std::thread writer_;
};

}  // namespace rotor::storage
