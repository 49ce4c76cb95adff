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
    : store_(&store), resolve_alias_(std::move(resolve_alias)), capacity_(capacity) {
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

AuditTrail::AuditTrail(size_t max_events, AliasResolver resolve_alias)
    : store_(nullptr),
      resolve_alias_(std::move(resolve_alias)),
      capacity_(max_events < 1 ? 1 : max_events) {
  ids_.Fill(reinterpret_cast<uint8_t*>(id_salt_), sizeof id_salt_);
}

AuditTrail::~AuditTrail() {
  if (!writer_.joinable()) return;  // kept in memory
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    work_cv_.notify_all();
  }
  writer_.join();  // drains what is queued first
  if (jsonl_) std::fclose(jsonl_);
}

void AuditTrail::OnApiCall(const wire::ApiCall& call) { Enqueue(SnapshotOf(call, resolve_alias_)); }

void AuditTrail::OnServiceEvent(const core::ServiceEvent& event) {
  Enqueue(std::make_shared<const core::ServiceEvent>(event));
}

void AuditTrail::Enqueue(Item item) {
  std::lock_guard lock(mu_);
  if (!store_) {
    if (ring_.size() < capacity_) {
      ring_.push_back(std::move(item));
    } else {
      // Full: the newest takes the oldest's place (its one block is freed).
      ring_[ring_head_] = std::move(item);
      ring_head_ = (ring_head_ + 1) % capacity_;
      ++ring_first_seq_;
    }
    ++enqueued_;
    ++processed_;
    written_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (queue_.size() >= capacity_) {
    dropped_.fetch_add(1);  // counted and reported, never blocking the caller
    return;
  }
  queue_.push_back(std::move(item));
  ++enqueued_;
  // While calls keep coming the writer wakes on its own once a period;
  // waking it per event would cost a futex call on every request. Only the
  // first event after a quiet spell wakes it (it then sleeps without a
  // timer: an idle server has no wake-ups), and so does a big backlog.
  if (writer_idle_ || queue_.size() == kEarlyWake) {
    writer_idle_ = false;
    work_cv_.notify_one();
  }
}

void AuditTrail::WriterLoop() {
  for (;;) {
    std::deque<Item> batch;
    {
      std::unique_lock lock(mu_);
      auto woken = [this] { return stopping_ || flush_requested_ || queue_.size() >= kEarlyWake; };
      if (queue_.empty() && !woken()) {
        writer_idle_ = true;  // the next Enqueue wakes the writer
        work_cv_.wait(lock, [&] { return !writer_idle_ || woken(); });
        writer_idle_ = false;
      }
      // One period's events go in one batch: short bursts of work (a small
      // batch takes well under a millisecond) that never hold a core long
      // enough to delay a request's thread, and few wake-ups.
      work_cv_.wait_for(lock, kWriterPeriod, woken);
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
    for (const Item& item : batch) events.push_back(Record(item, ids_.Uuid()));
    try {
      store_->Append(events);
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

core::AuditEvent AuditTrail::Record(const Item& item, const std::string& event_id) const {
  if (const auto* call = std::get_if<ApiCallSnapshot>(&item)) return ApiCallEvent(*call, event_id);
  return ServiceEventRecord(*std::get<std::shared_ptr<const core::ServiceEvent>>(item), event_id);
}

namespace {

// A UUID-shaped event id (version 4 layout) unique within the process: a
// random salt drawn at start, with the event's arrival number in its last 48
// bits. Ids are unique, not secret, as CloudTrail's eventID.
std::string EventId(const uint64_t salt[2], uint64_t seq) {
  uint8_t b[16];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(salt[0] >> (8 * i));
  for (int i = 0; i < 2; ++i) b[8 + i] = static_cast<uint8_t>(salt[1] >> (8 * i));
  for (int i = 0; i < 6; ++i) b[10 + i] = static_cast<uint8_t>(seq >> (8 * (5 - i)));
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

struct Facts {
  std::string_view account, region, key_id, name;
  core::Timestamp time;
  std::string_view error_code;
};

Facts FactsOf(
    const std::variant<ApiCallSnapshot, std::shared_ptr<const core::ServiceEvent>>& item) {
  if (const auto* call = std::get_if<ApiCallSnapshot>(&item)) {
    using F = ApiCallSnapshot;
    return {call->field(F::kAccount),
            call->field(F::kRegion),
            call->field(F::kKeyId),
            call->field(F::kOperation),
            call->now(),
            call->field(F::kErrorCode)};
  }
  const auto& e = *std::get<std::shared_ptr<const core::ServiceEvent>>(item);
  return {e.scope.account, e.scope.region, e.key_id, core::ToString(e.kind), e.time, ""};
}

}  // namespace

std::vector<core::AuditEvent> AuditTrail::QueryRing(const core::AuditQuery& query) {
  // The matches are copied out under the lock and their records built
  // after it, so request threads wait only for the scan.
  std::vector<std::pair<uint64_t, Item>> picked;
  {
    std::lock_guard lock(mu_);
    std::vector<std::pair<core::Timestamp, size_t>> found;
    // The i-th oldest event.
    auto at = [this](size_t i) -> const Item& { return ring_[(ring_head_ + i) % ring_.size()]; };
    for (size_t i = 0; i < ring_.size(); ++i) {
      Facts f = FactsOf(at(i));
      if (core::AuditQueryMatches(query, f.account, f.region, f.key_id, f.name, f.time,
                                  f.error_code))
        found.emplace_back(f.time, i);
    }
    core::KeepNewestMatches(found, query.limit);
    picked.reserve(found.size());
    for (const auto& [time, i] : found) picked.emplace_back(ring_first_seq_ + i, at(i));
  }
  std::vector<core::AuditEvent> out;
  out.reserve(picked.size());
  for (const auto& [seq, item] : picked) out.push_back(Record(item, EventId(id_salt_, seq)));
  return out;
}

void AuditTrail::Flush() {
  std::unique_lock lock(mu_);
  uint64_t target = enqueued_;
  flush_requested_ = true;
  work_cv_.notify_one();
  idle_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return processed_ >= target; });
}

std::vector<core::AuditEvent> AuditTrail::Query(const core::AuditQuery& query) {
  if (!store_) return QueryRing(query);
  Flush();
  return store_->Query(query);
}

void AuditTrail::Clear() {
  if (!store_) {
    std::lock_guard lock(mu_);
    ring_first_seq_ += ring_.size();
    std::vector<Item>().swap(ring_);  // its memory too
    ring_head_ = 0;
    return;
  }
  Flush();
  store_->Clear();
}

}  // namespace rotor::server::audit
