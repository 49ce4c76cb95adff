// UsageTracker (core/usage_tracker.*) on its own: Record is memory only, Last
// answers from memory and falls back to storage, Flush persists exactly what
// changed since the last flush in one batch, and Forget/Clear drop records
// that were never persisted. GetKeyLastUsage (AWS API_GetKeyLastUsage) reads
// through it.
#include "core/usage_tracker.h"

#include <catch2/catch.hpp>
#include <map>

#include "forwarding_repository.h"
#include "storage/memory_key_repository.h"

using namespace rotor::core;

namespace {

const Scope kEast{"111122223333", "us-east-1"};
const Scope kWest{"111122223333", "eu-west-1"};
const Timestamp kT0 = *ParseIso8601("2026-03-01T12:00:00Z");

// The in-memory repository; every SaveLastUsage batch and usage read is noted.
class RecordingRepository final : public testing::ForwardingRepository {
 public:
  RecordingRepository() : ForwardingRepository(storage) {}

  std::optional<KeyUsageRecord> GetLastUsage(const Scope& s, const std::string& id) override {
    ++usage_reads;
    return inner_.GetLastUsage(s, id);
  }
  void SaveLastUsage(const std::vector<std::pair<Scope, KeyUsageRecord>>& records) override {
    batches.push_back(records);
    inner_.SaveLastUsage(records);
  }

  void AddKey(const Scope& scope, const std::string& id) {
    Key k;
    k.scope = scope;
    k.id = id;
    k.creation_date = kT0;
    inner_.Write([&](KeyTransaction& tx) { tx.PutKey(k); }, {});
  }

  rotor::storage::MemoryKeyRepository storage;
  std::vector<std::vector<std::pair<Scope, KeyUsageRecord>>> batches;
  int usage_reads = 0;
};

KeyUsageRecord Use(const std::string& key_id, const std::string& operation, int seconds,
                   const std::string& request_id) {
  return {key_id, operation, kT0 + std::chrono::seconds(seconds), request_id};
}

void CheckSame(const std::optional<KeyUsageRecord>& got, const KeyUsageRecord& want) {
  REQUIRE(got.has_value());
  CHECK(got->key_id == want.key_id);
  CHECK(got->operation == want.operation);
  CHECK(got->timestamp == want.timestamp);
  CHECK(got->request_id == want.request_id);
}

// A batch as "account/region/key=operation@request", sorted (the batch's
// order is unspecified).
std::map<std::string, std::string> Describe(
    const std::vector<std::pair<Scope, KeyUsageRecord>>& batch) {
  std::map<std::string, std::string> out;
  for (const auto& [scope, r] : batch) {
    out[scope.account + "/" + scope.region + "/" + r.key_id] =
        r.operation + "@" + r.request_id + "@" + FormatIso8601(r.timestamp);
  }
  return out;
}

}  // namespace

TEST_CASE("UsageTracker: Record is kept in memory and written only by Flush") {
  RecordingRepository repo;
  repo.AddKey(kEast, "k1");
  UsageTracker tracker(repo);
  KeyUsageRecord first = Use("k1", "Encrypt", 1, "req-1");
  tracker.Record(kEast, first);
  CHECK(repo.batches.empty());
  CheckSame(tracker.Last(kEast, "k1"), first);
  CHECK(repo.usage_reads == 0);  // answered from memory
  CHECK(repo.storage.GetLastUsage(kEast, "k1") == std::nullopt);

  tracker.Flush();
  REQUIRE(repo.batches.size() == 1);
  CHECK(Describe(repo.batches[0]) ==
        std::map<std::string, std::string>{
            {"111122223333/us-east-1/k1", "Encrypt@req-1@2026-03-01T12:00:01Z"}});
  CheckSame(repo.storage.GetLastUsage(kEast, "k1"), first);
  CheckSame(tracker.Last(kEast, "k1"), first);
  CHECK(repo.usage_reads == 0);
}

TEST_CASE("UsageTracker: one batch per flush with the latest record of each key") {
  RecordingRepository repo;
  for (const char* id : {"k1", "k2", "k3"}) repo.AddKey(kEast, id);
  repo.AddKey(kWest, "k1");
  UsageTracker tracker(repo);
  tracker.Record(kEast, Use("k1", "Encrypt", 1, "req-1"));
  tracker.Record(kEast, Use("k1", "Decrypt", 2, "req-2"));  // replaces req-1
  tracker.Record(kEast, Use("k2", "GenerateDataKey", 3, "req-3"));
  tracker.Record(kWest, Use("k1", "Sign", 4, "req-4"));  // same id, other region
  tracker.Flush();
  REQUIRE(repo.batches.size() == 1);
  CHECK(Describe(repo.batches[0]) ==
        std::map<std::string, std::string>{
            {"111122223333/eu-west-1/k1", "Sign@req-4@2026-03-01T12:00:04Z"},
            {"111122223333/us-east-1/k1", "Decrypt@req-2@2026-03-01T12:00:02Z"},
            {"111122223333/us-east-1/k2", "GenerateDataKey@req-3@2026-03-01T12:00:03Z"}});
  CHECK(repo.batches[0].size() == 3);

  // Nothing changed since: no write at all.
  tracker.Flush();
  CHECK(repo.batches.size() == 1);

  // Only what changed since the last flush is written again.
  tracker.Record(kEast, Use("k3", "Verify", 5, "req-5"));
  tracker.Flush();
  REQUIRE(repo.batches.size() == 2);
  CHECK(Describe(repo.batches[1]) ==
        std::map<std::string, std::string>{
            {"111122223333/us-east-1/k3", "Verify@req-5@2026-03-01T12:00:05Z"}});
  CheckSame(repo.storage.GetLastUsage(kEast, "k1"), Use("k1", "Decrypt", 2, "req-2"));
  CheckSame(repo.storage.GetLastUsage(kWest, "k1"), Use("k1", "Sign", 4, "req-4"));
}

TEST_CASE("UsageTracker: Last falls back to storage for keys not used since start") {
  RecordingRepository repo;
  repo.AddKey(kEast, "k1");
  repo.AddKey(kEast, "k2");
  {
    UsageTracker before_restart(repo);
    before_restart.Record(kEast, Use("k1", "Encrypt", 1, "req-1"));
    before_restart.Flush();
  }
  UsageTracker tracker(repo);
  CheckSame(tracker.Last(kEast, "k1"), Use("k1", "Encrypt", 1, "req-1"));
  CHECK(repo.usage_reads == 1);
  CHECK(tracker.Last(kEast, "k2") == std::nullopt);  // never used
  CHECK(tracker.Last(kWest, "k1") == std::nullopt);  // other region
  CHECK(repo.usage_reads == 3);
  // A newer use in memory wins over the stored one.
  tracker.Record(kEast, Use("k1", "Decrypt", 9, "req-9"));
  CheckSame(tracker.Last(kEast, "k1"), Use("k1", "Decrypt", 9, "req-9"));
  CHECK(repo.usage_reads == 3);
}

TEST_CASE("UsageTracker: storage keeps usage only for keys that still exist") {
  // A key deleted between its last use and the flush: the record is dropped by
  // storage, not written for a key that is gone (and not an error).
  RecordingRepository repo;
  repo.AddKey(kEast, "kept");
  UsageTracker tracker(repo);
  tracker.Record(kEast, Use("kept", "Encrypt", 1, "req-1"));
  tracker.Record(kEast, Use("gone", "Encrypt", 2, "req-2"));
  tracker.Flush();
  REQUIRE(repo.batches.size() == 1);
  CHECK(repo.batches[0].size() == 2);  // both offered
  CHECK(repo.storage.GetLastUsage(kEast, "kept").has_value());
  CHECK(repo.storage.GetLastUsage(kEast, "gone") == std::nullopt);
}

TEST_CASE("UsageTracker: Forget drops a key's record, persisted or not") {
  RecordingRepository repo;
  repo.AddKey(kEast, "k1");
  repo.AddKey(kEast, "k2");
  UsageTracker tracker(repo);
  tracker.Record(kEast, Use("k1", "Encrypt", 1, "req-1"));
  tracker.Record(kEast, Use("k2", "Encrypt", 2, "req-2"));
  tracker.Forget(kEast, "k1");
  tracker.Forget(kWest, "k2");  // another region's k2: nothing to forget
  CHECK(tracker.Last(kEast, "k1") == std::nullopt);
  CheckSame(tracker.Last(kEast, "k2"), Use("k2", "Encrypt", 2, "req-2"));
  tracker.Flush();
  REQUIRE(repo.batches.size() == 1);
  CHECK(Describe(repo.batches[0]) ==
        std::map<std::string, std::string>{
            {"111122223333/us-east-1/k2", "Encrypt@req-2@2026-03-01T12:00:02Z"}});
}

TEST_CASE("UsageTracker: Clear drops everything not yet persisted") {
  RecordingRepository repo;
  repo.AddKey(kEast, "k1");
  repo.AddKey(kEast, "k2");
  UsageTracker tracker(repo);
  tracker.Record(kEast, Use("k1", "Encrypt", 1, "req-1"));
  tracker.Flush();
  tracker.Record(kEast, Use("k2", "Encrypt", 2, "req-2"));
  tracker.Clear();
  tracker.Flush();
  CHECK(repo.batches.size() == 1);  // the cleared k2 record was never written
  // What was flushed before Clear is still in storage and found there.
  CheckSame(tracker.Last(kEast, "k1"), Use("k1", "Encrypt", 1, "req-1"));
  CHECK(tracker.Last(kEast, "k2") == std::nullopt);
}
