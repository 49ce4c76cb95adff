// AuditTrail: records every API call and service event as a CloudTrail-shaped
// event, off the request path. The request thread only copies a small
// snapshot into a bounded queue; a writer thread builds the records and
// stores them in batches (AuditStore, and a JSON-lines file with --audit-log).
// When the queue is full the event is dropped, never blocking a request, and
// the drop is counted: /_rotor/health and /_rotor/events report it.
//
// Kept in memory (--in-memory without --audit-log), there is nothing to
// write: the snapshots themselves are the trail, a ring of the newest
// `max_events`, and a record is built only when a query returns it. No
// writer thread then, and a call costs only its snapshot.
//
// Thread safety: all public methods may be called concurrently.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/audit_store.h"
#include "core/random.h"
#include "core/service_events.h"
#include "server/audit/cloudtrail_event.h"
#include "server/wire/api_call_observer.h"

namespace rotor::server::audit {

class AuditTrail final : public wire::ApiCallObserver, public core::ServiceEventListener {
 public:
  using AliasResolver = audit::AliasResolver;

  // `jsonl_path` empty: no file. Throws std::runtime_error if the file cannot be opened.
  AuditTrail(core::AuditStore& store, const std::string& jsonl_path,
             AliasResolver resolve_alias = {}, size_t capacity = 100000);
  // The trail kept in memory: the newest `max_events` events (at least 1),
  // answered as an AuditStore answers (same records, same order).
  AuditTrail(size_t max_events, AliasResolver resolve_alias);
  ~AuditTrail() override;

  void OnApiCall(const wire::ApiCall& call) override;
  void OnServiceEvent(const core::ServiceEvent& event) override;

  // Waits until everything queued so far is stored, then queries: callers
  // read their own writes.
  std::vector<core::AuditEvent> Query(const core::AuditQuery& query);
  void Clear();

  uint64_t dropped() const { return dropped_.load(); }
  uint64_t written() const { return written_.load(); }

 private:
  // A service event (rare) behind a pointer: an item stays small.
  using Item = std::variant<ApiCallSnapshot, std::shared_ptr<const core::ServiceEvent>>;
  void Enqueue(Item item);
  void WriterLoop();
  void Flush();
  // The record of one item, as stored.
  core::AuditEvent Record(const Item& item, const std::string& event_id) const;
  std::vector<core::AuditEvent> QueryRing(const core::AuditQuery& query);

  core::AuditStore* const store_;  // null: kept in memory (ring_)
  AliasResolver resolve_alias_;
  std::FILE* jsonl_ = nullptr;
  const size_t capacity_;
  core::IdGenerator ids_;  // event ids: unique, not secret

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<Item> queue_;  // guarded by mu_
  // In memory: the newest events, a circular buffer that grows to capacity_;
  // the oldest is ring_[ring_head_]. Guarded by mu_.
  std::vector<Item> ring_;
  size_t ring_head_ = 0;
  uint64_t ring_first_seq_ = 0;   // the arrival number of the oldest; guarded by mu_
  uint64_t id_salt_[2] = {0, 0};  // in memory: event ids are this salt and the arrival number
  uint64_t enqueued_ = 0;         // guarded by mu_
  uint64_t processed_ = 0;        // guarded by mu_
  bool stopping_ = false;         // guarded by mu_
  bool flush_requested_ = false;  // guarded by mu_
  bool writer_idle_ = false;      // the writer waits for a first event; guarded by mu_
  static constexpr size_t kEarlyWake = 1024;
  static constexpr std::chrono::milliseconds kWriterPeriod{5};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> written_{0};
  std::thread writer_;
};

}  // namespace rotor::server::audit
