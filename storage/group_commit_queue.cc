#include "storage/group_commit_queue.h"

#include "storage/sqlite_db.h"  // StorageError

namespace rotor::storage {

GroupCommitQueue::GroupCommitQueue(Store& store, size_t max_batch,
                                   std::optional<std::chrono::milliseconds> idle_interval)
    : store_(store), max_batch_(max_batch), idle_interval_(idle_interval) {
  writer_ = std::thread([this] { WriterLoop(); });
}

GroupCommitQueue::~GroupCommitQueue() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_cv_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
}

void GroupCommitQueue::Run(const std::function<void(core::KeyTransaction&)>& fn,
                           const std::function<void()>& on_commit, bool changes_keys) {
  Job job{&fn, &on_commit, changes_keys, nullptr, false};
  std::unique_lock lock(mu_);
  if (stopping_) throw StorageError("the database is closing");
  queue_.push_back(&job);
  queue_cv_.notify_one();
  done_cv_.wait(lock, [&] { return job.done; });
  if (job.error) std::rethrow_exception(job.error);
}

size_t GroupCommitQueue::Waiting() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void GroupCommitQueue::WriterLoop() {
  for (;;) {
    std::vector<Job*> batch;
    {
      std::unique_lock lock(mu_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (!idle_interval_) {
        queue_cv_.wait(lock, ready);
      } else if (!queue_cv_.wait_for(lock, *idle_interval_, ready)) {
        lock.unlock();
        store_.Idle();
        continue;
      }
      if (queue_.empty()) return;  // stopping with nothing left to do
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    {
      std::lock_guard lock(mu_);
      for (Job* job : batch) job->done = true;
    }
    done_cv_.notify_all();
  }
}

void GroupCommitQueue::CommitBatch(std::vector<Job*>& batch) {
  auto fail_all = [&](std::exception_ptr error) {
    for (Job* job : batch) {
      if (!job->error) job->error = error;
    }
  };
  core::KeyTransaction* tx = nullptr;
  try {
    tx = &store_.Begin();
  } catch (...) {
    fail_all(store_.Classify(std::current_exception()));
    store_.Rollback();
    return;
  }
  bool changes_keys = false;
  for (Job* job : batch) {
    try {
      store_.Exec("SAVEPOINT job");
      try {
        (*job->fn)(*tx);
        store_.Exec("RELEASE job");
        changes_keys = changes_keys || job->changes_keys;
      } catch (...) {
        job->error = store_.Classify(std::current_exception());
        store_.Exec("ROLLBACK TO job");
        store_.Exec("RELEASE job");
      }
    } catch (...) {
      // The savepoint machinery itself failed (a broken connection, a
      // transaction the database rolled back on its own): what the batch
      // holds is unknown, so none of it is committed.
      fail_all(store_.Classify(std::current_exception()));
      store_.Rollback();
      return;
    }
  }
  try {
    store_.Commit(changes_keys);
  } catch (...) {
    std::exception_ptr error = store_.Classify(std::current_exception());
    store_.Rollback();
    fail_all(error);
    return;
  }
  try {
    store_.AfterCommit();
  } catch (...) {
    fail_all(std::current_exception());
    return;
  }
  for (Job* job : batch) {
    if (!job->error && job->on_commit && *job->on_commit) (*job->on_commit)();
  }
}

}  // namespace rotor::storage
