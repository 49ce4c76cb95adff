#include "storage/memory_audit_store.h"

#include <catch2/catch.hpp>
#include <random>

#include "storage/sqlite_audit_store.h"
#include "temp_dir.h"

using namespace rotor;
using rotor::testing::TempDir;

namespace {

core::AuditEvent Event(int n, int64_t time_ms, const std::string& key_id, const std::string& name,
                       const std::string& error = "") {
  core::AuditEvent e;
  e.event_id = "e" + std::to_string(n);
  e.time = core::Timestamp(core::Millis(time_ms));
  e.event_name = name;
  e.event_type = "AwsApiCall";
  e.scope = {n % 5 ? "111122223333" : "444455556666", "us-east-1"};
  e.key_id = key_id;
  e.error_code = error;
  e.record = R"({"eventID":"e)" + std::to_string(n) + R"("})";
  return e;
}

std::vector<std::string> Ids(const std::vector<core::AuditEvent>& events) {
  std::vector<std::string> ids;
  for (const core::AuditEvent& e : events) ids.push_back(e.event_id);
  return ids;
}

}  // namespace

TEST_CASE("memory audit store keeps exactly the newest max_events", "[audit]") {
  storage::MemoryAuditStore store(100);
  for (int i = 0; i < 1000; i += 25) {
    std::vector<core::AuditEvent> batch;
    for (int n = i; n < i + 25; ++n)
      batch.push_back(Event(n, 1'700'000'000'000LL + n, "k", "Encrypt"));
    store.Append(batch);
  }
  core::AuditQuery all;
  all.limit = 100000;
  std::vector<core::AuditEvent> kept = store.Query(all);
  REQUIRE(kept.size() == 100);
  CHECK(kept.front().event_id == "e900");
  CHECK(kept.back().event_id == "e999");
  store.Clear();
  CHECK(store.Query(all).empty());
}

// The in-memory store answers every query as audit.db does: the same events
// in the same order, also when events arrive out of time order (a batch
// holds calls of several threads; a virtual clock moves).
TEST_CASE("memory audit store answers queries as the SQLite store does", "[audit]") {
  TempDir dir;
  storage::SqliteAuditStore sqlite(dir.path, /*durable=*/true);
  storage::MemoryAuditStore memory(storage::SqliteAuditStore::kDefaultMaxEvents);
  std::mt19937 rng(20261201);
  const std::vector<std::string> keys = {"a", "b", "c", ""};
  const std::vector<std::string> names = {"Encrypt", "DescribeKey", "RotateKey"};
  const std::vector<std::string> errors = {"", "", "AccessDeniedException", "NotFoundException"};
  int n = 0;
  for (int batch = 0; batch < 20; ++batch) {
    std::vector<core::AuditEvent> events;
    for (int i = 0; i < 25; ++i, ++n) {
      // Times repeat and go backwards now and then.
      int64_t t = 1'700'000'000'000LL + n / 3 - static_cast<int64_t>(rng() % 7);
      events.push_back(
          Event(n, t, keys[rng() % keys.size()], names[rng() % names.size()], errors[rng() % 4]));
    }
    sqlite.Append(events);
    memory.Append(events);
  }
  std::vector<core::AuditQuery> queries;
  for (const std::string& key : keys) {
    for (size_t limit : {size_t{1}, size_t{7}, size_t{100}, size_t{1000}}) {
      core::AuditQuery q;
      q.key_id = key;
      q.limit = limit;
      queries.push_back(q);
      q.event_name = "Encrypt";
      queries.push_back(q);
      q.error_code = "AccessDeniedException";
      queries.push_back(q);
      q.scope = core::Scope{"444455556666", "us-east-1"};
      queries.push_back(q);
      q.since = core::Timestamp(core::Millis(1'700'000'000'100LL));
      queries.push_back(q);
    }
  }
  size_t nonempty = 0;
  for (const core::AuditQuery& q : queries) {
    std::vector<std::string> want = Ids(sqlite.Query(q));
    CHECK(Ids(memory.Query(q)) == want);
    nonempty += !want.empty();
  }
  CHECK(nonempty > queries.size() / 2);  // the queries do select something
}
