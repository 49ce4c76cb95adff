// What only the PostgreSQL store promises (the shared contract is in
// key_repository_contract_test.cc): migrations that refuse a foreign or newer
// database, one truth for several repositories (replicas) on one schema, the
// shared generation caches compare, the worker lease, the shared clock.
// Needs ROTOR_TEST_DATABASE_URL; without it every case says so and checks nothing.
#ifdef ROTOR_WITH_POSTGRES  // a build without the PostgreSQL store has nothing to test here
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "core/clock_resume.h"
#include "core/key_cache.h"
#include "postgres_test_schema.h"
#include "storage/postgres_key_repository.h"
#include "storage/postgres_migrations.h"

using namespace rotor;

namespace {

const core::Scope kScope{"111122223333", "us-east-1"};
const std::string kId = "1234abcd-12ab-34cd-56ef-1234567890ab";

#define ROTOR_NEEDS_POSTGRES()                              \
  if (!rotor::testing::PostgresTestSchema::Available()) {   \
    WARN(rotor::testing::PostgresTestSchema::kSkipMessage); \
    return;                                                 \
  }

core::Key MakeKey(const std::string& id, const std::string& description) {
  core::Key k;
  k.scope = kScope;
  k.id = id;
  k.creation_date = core::Timestamp(core::Millis(1767225600000));
  k.description = description;
  k.policy = "{}";
  k.revision = 1;
  return k;
}

storage::PostgresOptions On(const testing::PostgresTestSchema& schema) {
  return storage::PostgresOptions{schema.url};
}

}  // namespace

TEST_CASE("Postgres store: a second replica opens the migrated schema, a foreign one is refused",
          "[postgres]") {
  ROTOR_NEEDS_POSTGRES();
  testing::PostgresTestSchema schema;
  { storage::PostgresKeyRepository first(On(schema)); }
  storage::PostgresKeyRepository again(On(schema));  // migrations run once, then nothing
  storage::PgConn db(schema.url);
  CHECK(db.Query("SELECT version FROM rotor_schema").Int(0, 0) ==
        storage::LatestPostgresSchemaVersion());

  testing::PostgresTestSchema foreign;
  storage::PgConn(foreign.url).Exec("CREATE TABLE customers (id int)");
  CHECK_THROWS_WITH(storage::PostgresKeyRepository(On(foreign)),
                    Catch::Contains("holds tables that are not Rotor's"));

  testing::PostgresTestSchema newer;
  { storage::PostgresKeyRepository made(On(newer)); }
  storage::PgConn(newer.url).Exec("UPDATE rotor_schema SET version = version + 1");
  CHECK_THROWS_WITH(storage::PostgresKeyRepository(On(newer)),
                    Catch::Contains("written by a newer Rotor"));
}

TEST_CASE("Postgres store read-only (rotor report, rotor export): reads, never creates or migrates",
          "[postgres]") {
  ROTOR_NEEDS_POSTGRES();
  auto read_only = [](const testing::PostgresTestSchema& schema) {
    storage::PostgresOptions options{schema.url};
    options.read_only = true;
    return options;
  };
  testing::PostgresTestSchema schema;
  {
    storage::PostgresKeyRepository server(On(schema));
    server.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId, "kept")); }, {});
  }
  storage::PostgresKeyRepository reader(read_only(schema));
  CHECK(reader.GetKey(kScope, kId)->description == "kept");
  CHECK(reader.ListAllKeys(nullptr, 10).size() == 1);
  CHECK_THROWS_WITH(
      reader.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId, "changed")); }, {}),
      "this database was opened read-only");
  CHECK(reader.GetKey(kScope, kId)->description == "kept");

  // An empty schema stays empty: no rotor_schema, no tables.
  testing::PostgresTestSchema empty;
  CHECK_THROWS_WITH(storage::PostgresKeyRepository(read_only(empty)),
                    Catch::Contains("holds no Rotor store yet"));
  CHECK(storage::PgConn(empty.url)
            .Query("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
            .Int(0, 0) == 0);

  // A foreign or newer database: the server's refusals, word for word.
  testing::PostgresTestSchema foreign;
  storage::PgConn(foreign.url).Exec("CREATE TABLE customers (id int)");
  CHECK_THROWS_WITH(storage::PostgresKeyRepository(read_only(foreign)),
                    "the database of --database-url holds tables that are not Rotor's. Rotor will "
                    "not modify it; give Rotor a database (or a schema) of its own.");
  storage::PgConn(schema.url).Exec("UPDATE rotor_schema SET version = version + 1");
  std::string newer = "the database of --database-url was written by a newer Rotor (schema " +
                      std::to_string(storage::LatestPostgresSchemaVersion() + 1) +
                      ", this build knows " +
                      std::to_string(storage::LatestPostgresSchemaVersion()) + ").";
  CHECK_THROWS_WITH(storage::PostgresKeyRepository(read_only(schema)), newer);
  CHECK_THROWS_WITH(storage::PostgresKeyRepository(On(schema)), newer);
}

TEST_CASE("Postgres store: two replicas' read-check-writes never lose an update", "[postgres]") {
  ROTOR_NEEDS_POSTGRES();
  testing::PostgresTestSchema schema;
  storage::PostgresKeyRepository a(On(schema));
  storage::PostgresKeyRepository b(On(schema));
  a.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId, "0")); }, {});
  // Each write reads the counter and writes it plus one: without one write
  // transaction at a time across replicas, two would read the same value.
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      core::KeyRepository& repo = t % 2 ? static_cast<core::KeyRepository&>(a) : b;
      for (int i = 0; i < kEach; ++i) {
        repo.Write(
            [&](core::KeyTransaction& tx) {
              core::Key k = *tx.GetKey(kScope, kId);
              k.description = std::to_string(std::stoi(k.description) + 1);
              ++k.revision;
              tx.PutKey(k);
            },
            {});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(a.GetKey(kScope, kId)->description == std::to_string(kThreads * kEach));
  CHECK(b.GetKey(kScope, kId)->description == std::to_string(kThreads * kEach));
}

TEST_CASE("Postgres store: a replica's cache sees the other replica's write on its next lookup",
          "[postgres]") {
  ROTOR_NEEDS_POSTGRES();
  testing::PostgresTestSchema schema;
  storage::PostgresKeyRepository a(On(schema));
  storage::PostgresKeyRepository b(On(schema));
  core::KeyCache cache_a(a, 100);
  core::KeyCache cache_b(b, 100);
  cache_a.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId, "first")); });
  REQUIRE(cache_b.GetKey(kScope, kId)->description == "first");  // B's cache holds it now

  std::optional<uint64_t> before = b.SharedGeneration();
  REQUIRE(before);
  cache_a.Write([&](core::KeyTransaction& tx) {
    core::Key k = *tx.GetKey(kScope, kId);
    k.description = "second";
    k.state = core::KeyState::kDisabled;
    ++k.revision;
    tx.PutKey(k);
  });
  CHECK(*b.SharedGeneration() > *before);
  std::shared_ptr<const core::Key> seen = cache_b.GetKey(kScope, kId);
  CHECK(seen->description == "second");
  CHECK(seen->state == core::KeyState::kDisabled);

  // Usage records change nothing a cache holds: no generation bump for them.
  uint64_t now = *a.SharedGeneration();
  a.SaveLastUsage({{kScope, core::KeyUsageRecord{kId, "Encrypt", core::Timestamp{}, "r"}}});
  CHECK(*a.SharedGeneration() == now);
  CHECK(b.GetLastUsage(kScope, kId)->operation == "Encrypt");
}

TEST_CASE("Postgres store: one replica holds the worker lease, another gets it when it goes",
          "[postgres]") {
  ROTOR_NEEDS_POSTGRES();
  testing::PostgresTestSchema schema;
  storage::PostgresKeyRepository b(On(schema));
  {
    storage::PostgresKeyRepository a(On(schema));
    CHECK(a.HoldsWorkerLease());
    CHECK(a.HoldsWorkerLease());  // still held
    CHECK_FALSE(b.HoldsWorkerLease());
  }  // A's connections close: PostgreSQL releases its lock
  bool taken = false;
  for (int i = 0; i < 50 && !taken; ++i) {  // the server ends A's session asynchronously
    taken = b.HoldsWorkerLease();
    if (!taken) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(taken);

  // Another schema is another store: its lease is its own.
  testing::PostgresTestSchema other;
  storage::PostgresKeyRepository c(On(other));
  CHECK(c.HoldsWorkerLease());
}

TEST_CASE("Postgres store: the shared virtual clock never moves back", "[postgres]") {
  ROTOR_NEEDS_POSTGRES();
  testing::PostgresTestSchema schema;
  storage::PostgresKeyRepository a(On(schema));
  storage::PostgresKeyRepository b(On(schema));
  core::Timestamp later(core::Millis(2000000000000));
  core::Timestamp earlier(core::Millis(1900000000000));
  a.PutStoredClock({true, later});
  b.PutStoredClock({true, earlier});  // B's clock lagged: the store keeps A's time
  CHECK(a.GetStoredClock()->virtual_time == later);

  core::VirtualClock clock_b(earlier);
  core::KeepClockInStore(clock_b, b);
  CHECK(clock_b.Now() == later);  // B's clock follows the store
  CHECK_FALSE(clock_b.AdvanceTo(earlier));
}

#endif  // ROTOR_WITH_POSTGRES
