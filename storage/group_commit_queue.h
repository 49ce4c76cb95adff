// GroupCommitQueue: the one writer thread of a SQL store (SQLite and
// PostgreSQL both use it), committing write calls in groups.
//
// Every Run() call queued while a commit is in flight joins the next
// transaction, each in its own SAVEPOINT: a call whose function throws rolls
// back only its own changes, and every call returns after the one COMMIT of
// its batch (so a call that returned without an error is durable, as the
// store's commit is). If the transaction itself fails (it cannot begin, a
// savepoint cannot be taken or rolled back, COMMIT fails, or the store refuses
// to acknowledge the commit), every call of the batch fails and nothing of it
// is acknowledged.
//
// What differs between stores is the Store a queue drives: how a transaction
// begins (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN and the store-wide write
// lock), what COMMIT adds (PostgreSQL: the shared generation), what is checked
// after it (SQLite: the data dir is still the one opened), how failures are
// told to callers, and the work done while idle. Durability itself (SQLite's
// synchronous mode) is the connection's setting.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/key_repository.h"

namespace rotor::storage {

class GroupCommitQueue {
 public:
  // The store's write connection as the queue drives it. Every member runs on
  // the queue's writer thread, one batch at a time.
  class Store {
   public:
    virtual ~Store() = default;
    // Begins a batch's transaction and returns the KeyTransaction its calls
    // run on (valid until the batch ends). Throws when it cannot begin.
    virtual core::KeyTransaction& Begin() = 0;
    // Runs one statement of the transaction ("SAVEPOINT job", "RELEASE job",
    // "ROLLBACK TO job"); throws StorageError.
    virtual void Exec(const char* sql) = 0;
    // Commits the batch; `changes_keys` is false when every committed call
    // only recorded key usage. Throws when the commit failed.
    virtual void Commit(bool changes_keys) = 0;
    // Ends a failed transaction, undoing it; never throws (a connection that
    // cannot roll back is dropped or left to the next Begin).
    virtual void Rollback() = 0;
    // After a successful Commit, before anything is acknowledged: throws to
    // fail every call of the batch (the commit went somewhere the store no
    // longer serves).
    virtual void AfterCommit() {}
    // What a caller is told for a failure (e.g. KmsError::StoreUnavailable
    // for a full disk); by default the failure itself.
    virtual std::exception_ptr Classify(std::exception_ptr error) { return error; }
    // Called when no call came for `idle_interval` (see the constructor).
    virtual void Idle() {}
  };

  // Starts the writer thread. `max_batch`: the most calls one transaction
  // takes. `idle_interval`: how long the writer waits for a call before it
  // runs store.Idle() (none: it waits without end). `store` must outlive the
  // queue.
  GroupCommitQueue(Store& store, size_t max_batch,
                   std::optional<std::chrono::milliseconds> idle_interval);
  // Runs every call already queued, then stops the writer thread.
  ~GroupCommitQueue();
  GroupCommitQueue(const GroupCommitQueue&) = delete;
  GroupCommitQueue& operator=(const GroupCommitQueue&) = delete;

  // Runs `fn` in the next batch's transaction and returns once that batch is
  // committed; then `on_commit` (optional) has run on the writer thread.
  // Rethrows what `fn` threw (after Store::Classify) or what failed the batch;
  // throws StorageError once the queue is stopping. `changes_keys`: see
  // Store::Commit.
  void Run(const std::function<void(core::KeyTransaction&)>& fn,
           const std::function<void()>& on_commit, bool changes_keys = true);

  // Calls queued for the next batch (not the one committing now).
  size_t Waiting() const;

 private:
  struct Job {
    const std::function<void(core::KeyTransaction&)>* fn;
    const std::function<void()>* on_commit;
    bool changes_keys;
    std::exception_ptr error;
    bool done = false;
  };

  void WriterLoop();
  void CommitBatch(std::vector<Job*>& batch);

  Store& store_;
  const size_t max_batch_;
  const std::optional<std::chrono::milliseconds> idle_interval_;

  mutable std::mutex mu_;
  std::condition_variable queue_cv_;  // the writer waits for calls
  std::condition_variable done_cv_;   // callers wait for their batch
  std::deque<Job*> queue_;            // guarded by mu_
  bool stopping_ = false;             // guarded by mu_
  std::thread writer_;
};

}  // namespace rotor::storage
