#include "server/audit/audit_trail.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace rotor::server::audit {

AuditTrail::AuditTrail(core::AuditStore& store, const std::string& jsonl_path,
                       AliasResolver resolve_alias, size_t capacity)
    : store_(store), resolve_alias_(std::move(resolve_alias)), capacity_(capacity) {
  if (!jsonl_path.empty()) {
    // A new file is made 0600 whatever the umask (open's mode only loses
    // bits to it): request members and key ids are nobody else's business.
    int fd = ::open(jsonl_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    jsonl_ = fd < 0 ? nullptr : ::fdopen(fd, "a");
    if (!jsonl_) {
      if (fd >= 0) ::close(fd);
      throw std::runtime_error("cannot open --audit-log " + jsonl_path + ": " +
                               std::strerror(errno));
    }
  }
  writer_ = std::thread([this] { WriterLoop(); });
}

AuditTrail::~AuditTrail() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    work_cv_.notify_all();
  }
  writer_.join();  // drains what is queued first
  if (jsonl_) std::fclose(jsonl_);
}

void AuditTrail::OnApiCall(const wire::ApiCall& call) { Enqueue(SnapshotOf(call)); }

void AuditTrail::OnServiceEvent(const core::ServiceEvent& event) { Enqueue(event); }

void AuditTrail::Enqueue(Item item) {
  std::lock_guard lock(mu_);
  if (queue_.size() >= capacity_) {
    dropped_.fetch_add(1);  // counted and reported, never blocking the caller
    return;
  }
  queue_.push_back(std::move(item));
  ++enqueued_;
  // The writer wakes on its own every few milliseconds; waking it per event
  // would cost a futex call on every request. A big backlog wakes it early.
  if (queue_.size() == kEarlyWake) work_cv_.notify_one();
}

void AuditTrail::WriterLoop() {
  for (;;) {
    std::deque<Item> batch;
    {
      std::unique_lock lock(mu_);
      while (!stopping_ && queue_.empty() && !flush_requested_) {
        work_cv_.wait_for(lock, kWriterPeriod);
      }
      flush_requested_ = false;
      if (queue_.empty()) {
        if (stopping_) return;  // stopping and drained
        idle_cv_.notify_all();
        continue;
      }
      batch.swap(queue_);
    }
    std::vector<core::AuditEvent> events;
    events.reserve(batch.size());
    for (Item& item : batch) {
      std::string id = ids_.Uuid();
      if (auto* call = std::get_if<ApiCallSnapshot>(&item)) {
        if (call->key_id.empty() && resolve_alias_) {
          for (const char* member : {"KeyId", "TargetKeyId", "SourceKeyId", "DestinationKeyId"}) {
            auto it = call->request.find(member);
            if (it == call->request.end() || !it->is_string()) continue;
            core::KeyReference ref = core::ParseKeyReference(it->get<std::string>());
            if (!ref.IsAlias()) continue;
            core::Scope scope =
                ref.account.empty() ? call->ctx.scope : core::Scope{ref.account, ref.region};
            call->key_id = resolve_alias_(scope, ref.id);
            if (!call->key_id.empty()) break;
          }
        }
        events.push_back(ApiCallEvent(*call, id));
      } else {
        events.push_back(ServiceEventRecord(std::get<core::ServiceEvent>(item), id));
      }
    }
    try {
      store_.Append(events);
      if (jsonl_) {
        for (const core::AuditEvent& e : events) std::fprintf(jsonl_, "%s\n", e.record.c_str());
        std::fflush(jsonl_);
      }
      written_.fetch_add(events.size());
    } catch (const std::exception& e) {
      dropped_.fetch_add(events.size());
      std::fprintf(stderr, "rotor: %zu audit events could not be stored: %s\n", events.size(),
                   e.what());
    }
    {
      std::lock_guard lock(mu_);
      processed_ += batch.size();
    }
    idle_cv_.notify_all();
  }
}

void AuditTrail::Flush() {
  std::unique_lock lock(mu_);
  uint64_t target = enqueued_;
  flush_requested_ = true;
  work_cv_.notify_one();
  idle_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return processed_ >= target; });
}

std::vector<core::AuditEvent> AuditTrail::Query(const core::AuditQuery& query) {
  Flush();
  return store_.Query(query);
}

void AuditTrail::Clear() {
  Flush();
  store_.Clear();
}

}  // namespace rotor::server::audit
