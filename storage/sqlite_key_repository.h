// SqliteKeyRepository: core::KeyRepository on SQLite in WAL mode.
//
// One writer thread owns the write connection and commits in groups
// (storage/group_commit_queue.h): every Write() call queued while a commit is
// in flight joins the next transaction (each in its own SAVEPOINT, so one
// failing call does not undo the others), and all of them return after that
// single fsync. Reads use a pool of read-only connections and never block the
// writer.
//
// The data dir holds rotor.db (+ WAL) and rotor.lock; the lock makes a second
// Rotor on the same dir fail at start instead of racing this one.
//
// Faults (docs/security.md, "Data at rest"):
//   - at start, the data dir is checked (storage/data_dir.h), a read-only
//     rotor.db is refused and PRAGMA quick_check runs for at most
//     `check_budget`; a database that fails it is refused with a pointer to
//     recovery;
//   - the writer checks every `watch_interval`, and after every commit before
//     acknowledging it, that rotor.lock and rotor.db are still the files it
//     opened: if the data dir was removed or replaced, every write is refused
//     from then on and `on_failure` is told (the server then stops), as
//     PostgreSQL does when its postmaster.pid goes;
//   - SQLITE_CORRUPT at run time stops writes for good (reads go on) and tells
//     `on_failure`;
//   - a full disk, a file size limit or a read-only file fail the write at
//     hand with KmsError::StoreUnavailable naming the cause (a lock held by
//     another process: the generic internal error); the next write tries again.
//
// Deleted key material is gone from every file of the data dir once the write
// that deleted it is acknowledged: secure_delete zeroes what SQLite frees, and
// a write that removes material (a key's deletion, expiry or deletion of
// imported material, Reset) is followed by a TRUNCATE checkpoint, which copies
// the WAL into rotor.db and empties it, before the write returns.
#pragma once

#include <sys/types.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/key_repository.h"
#include "storage/group_commit_queue.h"
#include "storage/sqlite_db.h"

namespace rotor::storage {

struct SqliteOptions {
  std::string data_dir;
  // synchronous=FULL: a commit survives power loss. Off only for --in-memory,
  // whose data dir is on tmpfs and thrown away anyway.
  bool durable = true;
  size_t max_batch = 512;
  // For tools (rotor report, rotor export) that read a data dir, possibly
  // while a server runs on it: no lock, no writer, no migrations, no checks.
  bool read_only = false;
  // How often the writer checks that the data dir is still the one it opened.
  std::chrono::milliseconds watch_interval{2000};
  // The longest PRAGMA quick_check may run at start; past it the rest of the
  // database is checked only as it is read (docs/security.md).
  std::chrono::milliseconds check_budget{3000};
  // Told, once, when the store stops taking writes for good (see above); on
  // the writer thread or a reading thread.
  std::function<void(const core::StoreHealth&)> on_failure = nullptr;
};

class SqliteKeyRepository final : public core::KeyRepository, private GroupCommitQueue::Store {
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
  core::StoreHealth Health() const override;

  const std::string& db_path() const { return db_path_; }
  // True when the start-up quick_check ran out of its budget before it had
  // read the whole database (a damaged database is refused at start instead).
  bool start_check_cut_short() const { return start_check_cut_short_; }

 private:
  class Transaction;
  class ReadConnection;

  ReadConnection AcquireReader();
  void ReleaseReader(std::unique_ptr<SqliteDb> db);
  // Runs `read` on a pooled reader; a corrupt database fails the store.
  template <class Fn>
  auto Read(Fn&& read);

  // GroupCommitQueue::Store, on the writer thread: BEGIN IMMEDIATE (refused
  // once the store failed for good), COMMIT, ROLLBACK; after a commit, the
  // data dir check and the TRUNCATE checkpoint a removal owes; while idle,
  // the data dir check and a checkpoint still owed.
  core::KeyTransaction& Begin() override;
  void Exec(const char* sql) override;
  void Commit(bool changes_keys) override;
  void Rollback() override;
  void AfterCommit() override;
  void Idle() override;
  // Maps a failure to what the caller is told (KmsError::StoreUnavailable
  // for the faults above), logging SQLite's words; fails the store on
  // corruption.
  std::exception_ptr Classify(std::exception_ptr error) override;
  // Empty when rotor.lock and rotor.db are the files opened at start; else
  // what is wrong, for people.
  std::string CheckDataDir() const;
  // Stops writes for good: logs `detail`, sets the health, tells on_failure.
  void Fail(core::StoreHealth::Status status, const std::string& detail);
  // Throws KmsError::StoreUnavailable when the store failed for good.
  void ThrowIfFailed() const;
  // Copies the WAL into rotor.db and truncates it (writer thread).
  void CheckpointTruncate();

  SqliteOptions options_;
  std::string db_path_;
  std::string lock_path_;
  int lock_fd_ = -1;
  // A file's identity (device and inode), to notice it removed or replaced.
  struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool Is(const struct stat& st) const { return st.st_dev == dev && st.st_ino == ino; }
  };
  FileId lock_file_;  // rotor.lock as locked at start
  FileId db_file_;    // rotor.db as opened at start
  int schema_version_ = 0;
  bool start_check_cut_short_ = false;

  mutable std::mutex health_mu_;
  core::StoreHealth health_;         // guarded by health_mu_
  std::atomic<bool> failed_{false};  // health_.status != kOk, read without the lock
  bool checkpoint_pending_ = false;  // writer thread only

  std::unique_ptr<SqliteDb> writer_db_;  // used only by the writer thread after construction
  std::unique_ptr<Transaction> tx_;      // the batch's, writer thread only
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_readers_;  // guarded by readers_mu_

  std::unique_ptr<GroupCommitQueue> writer_;  // none when read_only
};

}  // namespace rotor::storage
