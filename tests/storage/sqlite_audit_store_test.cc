#include "storage/sqlite_audit_store.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "storage/sqlite_db.h"
#include "temp_dir.h"

using namespace rotor;
using rotor::testing::TempDir;

namespace {

core::AuditEvent Event(int n, const std::string& key_id = "k") {
  core::AuditEvent e;
  e.event_id = "e" + std::to_string(n);
  e.time = core::Timestamp(core::Millis(1'700'000'000'000LL + n));
  e.event_name = n % 2 ? "Encrypt" : "DescribeKey";
  e.event_type = "AwsApiCall";
  e.scope = {"111122223333", "us-east-1"};
  e.key_id = key_id;
  e.record = R"({"eventID":"e)" + std::to_string(n) + R"("})";
  return e;
}

void AppendRange(core::AuditStore& store, int from, int to) {
  std::vector<core::AuditEvent> batch;
  for (int i = from; i < to; ++i) batch.push_back(Event(i));
  store.Append(batch);
}

int64_t RowsOnDisk(const std::string& dir) {
  storage::SqliteDb db(dir + "/audit.db", false, true);
  auto q = db.Prepare("SELECT count(*) FROM audit_events");
  REQUIRE(q->Step());
  return q->Int(0);
}

}  // namespace

TEST_CASE("audit store keeps the newest events up to its budget", "[audit]") {
  TempDir dir;
  {
    storage::SqliteAuditStore store(dir.path, /*durable=*/true, /*max_events=*/100);
    for (int i = 0; i < 1000; i += 25) AppendRange(store, i, i + 25);
    core::AuditQuery all;
    all.limit = 100000;
    std::vector<core::AuditEvent> kept = store.Query(all);
    // Trimmed in slices of a tenth of the budget: between 100 and 111 remain.
    REQUIRE(kept.size() >= 100);
    REQUIRE(kept.size() <= 111);
    CHECK(kept.back().event_id == "e999");
    CHECK(kept.front().event_id == "e" + std::to_string(1000 - kept.size()));
  }
  int64_t rows = RowsOnDisk(dir.path);
  CHECK(rows >= 100);
  CHECK(rows <= 111);
}

TEST_CASE("audit store trims what an earlier run left over the budget", "[audit]") {
  TempDir dir;
  {
    storage::SqliteAuditStore big(dir.path, true, 10000);
    AppendRange(big, 0, 500);
  }
  storage::SqliteAuditStore small(dir.path, true, 50);
  AppendRange(small, 500, 510);
  core::AuditQuery all;
  all.limit = 100000;
  std::vector<core::AuditEvent> kept = small.Query(all);
  CHECK(kept.size() <= 56);
  CHECK(kept.back().event_id == "e509");
}

TEST_CASE("audit store queries by key and name, newest matches oldest first", "[audit]") {
  TempDir dir;
  storage::SqliteAuditStore store(dir.path, false);
  std::vector<core::AuditEvent> batch;
  for (int i = 0; i < 20; ++i) batch.push_back(Event(i, i < 10 ? "a" : "b"));
  store.Append(batch);
  core::AuditQuery q;
  q.key_id = "b";
  q.event_name = "Encrypt";
  q.limit = 3;
  std::vector<core::AuditEvent> got = store.Query(q);
  REQUIRE(got.size() == 3);
  CHECK(got[0].event_id == "e15");
  CHECK(got[2].event_id == "e19");
  store.Clear();
  CHECK(store.Query(q).empty());
}

TEST_CASE("audit store queries by error code, the newest matches", "[audit]") {
  TempDir dir;
  storage::SqliteAuditStore store(dir.path, false);
  std::vector<core::AuditEvent> batch;
  for (int i = 0; i < 12; ++i) {
    core::AuditEvent e = Event(i);
    if (i % 3 == 0) e.error_code = "AccessDeniedException";
    if (i == 4) e.error_code = "NotFoundException";
    batch.push_back(e);
  }
  store.Append(batch);
  core::AuditQuery q;
  q.key_id = "k";
  q.error_code = "AccessDeniedException";
  q.limit = 3;
  std::vector<core::AuditEvent> got = store.Query(q);
  REQUIRE(got.size() == 3);
  CHECK(got[0].event_id == "e3");
  CHECK(got[1].event_id == "e6");
  CHECK(got[2].event_id == "e9");
  for (const core::AuditEvent& e : got) CHECK(e.error_code == "AccessDeniedException");
  q.error_code = "NotFoundException";
  got = store.Query(q);
  REQUIRE(got.size() == 1);
  CHECK(got[0].event_id == "e4");
}
