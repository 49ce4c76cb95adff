// The storage port's contract (core/key_repository.h), run against every
// store: the in-memory reference implementation, SQLite and PostgreSQL. A new
// store adds its type to ROTOR_STORES and must pass every case. PostgreSQL's
// cases need a server: ROTOR_TEST_DATABASE_URL (scripts/test.sh gives one);
// without it they say so and check nothing.
// What only one store promises (SQLite: durability across a reopen, the data
// dir lock, migrations) is tested in that store's own test file.
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/key_repository.h"
#include "core/kms_error.h"
#include "storage/memory_key_repository.h"
#ifdef ROTOR_WITH_POSTGRES
#include "postgres_test_schema.h"
#include "storage/postgres_key_repository.h"
#endif
#include "storage/sqlite_key_repository.h"
#include "temp_dir.h"

using namespace rotor;

namespace {

struct MemoryStore {
  static bool Available() { return true; }
  storage::MemoryKeyRepository repo;
};

struct SqliteStore {
  static bool Available() { return true; }
  rotor::testing::TempDir dir;
  storage::SqliteKeyRepository repo{storage::SqliteOptions{dir.path}};
};

#ifdef ROTOR_WITH_POSTGRES
struct PostgresStore {
  static bool Available() { return rotor::testing::PostgresTestSchema::Available(); }
  rotor::testing::PostgresTestSchema schema;  // a fresh schema, dropped at the end
  storage::PostgresKeyRepository repo{storage::PostgresOptions{schema.url}};
};
#define ROTOR_STORES MemoryStore, SqliteStore, PostgresStore
#define ROTOR_SKIP_MESSAGE rotor::testing::PostgresTestSchema::kSkipMessage
#else
#define ROTOR_STORES MemoryStore, SqliteStore
#define ROTOR_SKIP_MESSAGE ""
#endif

// Declares `name`, a fresh store of `Type`; a store that cannot run here
// (PostgreSQL without a server) ends the case with a warning instead.
#define ROTOR_STORE(Type, name) \
  if (!Type::Available()) {     \
    WARN(ROTOR_SKIP_MESSAGE);   \
    return;                     \
  }                             \
  Type name

const core::Scope kScope{"111122223333", "us-east-1"};
const core::Scope kOtherScope{"444455556666", "eu-west-1"};
const std::string kId = "1234abcd-12ab-34cd-56ef-1234567890ab";

core::Timestamp At(const std::string& text) { return *core::ParseIso8601(text); }

core::Key MakeKey(const std::string& id, const core::Scope& scope = kScope) {
  core::Key k;
  k.scope = scope;
  k.id = id;
  k.creation_date = At("2026-01-01T00:00:00Z");
  k.description = "d";
  k.policy = "{}";
  k.tags = {{"a", "b"}};
  k.revision = 1;
  return k;
}

std::string IdNumber(int i) {
  char id[37];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", i);
  return id;
}

core::KeyMaterialVersion Version(uint32_t n, char fill, core::Timestamp created) {
  return {n, std::string(64, fill), created, std::nullopt, "", std::nullopt, std::nullopt};
}

// A key with one sealed material version and one alias, in `scope`.
void PutKeyWithMaterialAndAlias(core::KeyRepository& repo, const core::Scope& scope,
                                const std::string& alias) {
  repo.Write(
      [&](core::KeyTransaction& tx) {
        core::Key k = MakeKey(kId, scope);
        tx.PutKey(k);
        core::SealedMaterial sealed{{9}, ""};
        tx.PutMaterial(scope, kId, Version(1, 'b', k.creation_date), &sealed);
        tx.PutAlias({scope, alias, kId, k.creation_date, k.creation_date});
        k.description = "updated";  // an update must not cascade
        tx.PutKey(k);
      },
      {});
}

}  // namespace

TEMPLATE_TEST_CASE("Store contract: a key, its material, aliases and usage read back as written",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  repo.Write(
      [&](core::KeyTransaction& tx) {
        core::Key k = MakeKey(kId);
        k.rotation.enabled = true;
        k.rotation.next_rotation = At("2027-01-01T00:00:00Z");
        tx.PutKey(k);
        core::SealedMaterial sealed{{1, 2, 3}, ""};
        tx.PutMaterial(k.scope, k.id, Version(1, 'a', k.creation_date), &sealed);
        tx.PutAlias({k.scope, "alias/app", k.id, k.creation_date, k.creation_date});
        CHECK(tx.GetKey(kScope, kId));  // a transaction reads its own writes
        CHECK(tx.GetMaterialVersion(kScope, kId, 1)->material_id == std::string(64, 'a'));
        CHECK(tx.AliasesOfKey(kScope, kId).size() == 1);
      },
      {});
  repo.SaveLastUsage({{kScope, core::KeyUsageRecord{kId, "Encrypt", At("2026-02-01"), "req"}}});
  auto key = repo.GetKey(kScope, kId);
  REQUIRE(key);
  CHECK(key->tags == std::vector<core::Tag>{{"a", "b"}});
  CHECK(key->rotation.enabled);
  CHECK(key->description == "d");
  auto sealed = repo.GetSealedMaterial(kScope, kId, 1);
  REQUIRE(sealed);
  CHECK(sealed->sealed == core::Bytes{1, 2, 3});
  CHECK(sealed->material_id == std::string(64, 'a'));
  CHECK_FALSE(repo.GetSealedMaterial(kScope, kId, 2));
  CHECK(repo.GetAlias(kScope, "alias/app")->target_key_id == kId);
  CHECK(repo.GetLastUsage(kScope, kId)->operation == "Encrypt");
  CHECK_FALSE(repo.GetKey(kOtherScope, kId));  // scopes are separate keyspaces
  CHECK_FALSE(repo.GetAlias(kOtherScope, "alias/app"));
}

TEMPLATE_TEST_CASE("Store contract: CountKeys counts a scope's keys, or its customer managed ones",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.PutKey(MakeKey(IdNumber(1)));
        core::Key managed = MakeKey(IdNumber(2));
        managed.manager = core::KeyManager::kAws;
        tx.PutKey(managed);
        core::Key pending = MakeKey(IdNumber(3));
        pending.state = core::KeyState::kPendingDeletion;  // any state counts
        tx.PutKey(pending);
        tx.PutKey(MakeKey(IdNumber(4), kOtherScope));
        CHECK(tx.CountKeys(kScope, false) == 3);  // a transaction counts its own writes
        CHECK(tx.CountKeys(kScope, true) == 2);
        CHECK(tx.CountKeys(kOtherScope, true) == 1);
        CHECK(tx.CountKeys({"111122223333", "eu-west-1"}, false) == 0);
      },
      {});
  repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.DeleteKey(kScope, IdNumber(1), At("2026-02-01T00:00:00Z"));
        CHECK(tx.CountKeys(kScope, false) == 2);
        CHECK(tx.CountKeys(kScope, true) == 1);
      },
      {});
}

TEMPLATE_TEST_CASE("Store contract: related multi-Region keys are one id in several scopes",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  const std::string mrk = "mrk-1234abcd12ab34cd56ef1234567890ab";
  const core::Scope eu{"111122223333", "eu-west-1"};
  repo.Write(
      [&](core::KeyTransaction& tx) {
        core::Key primary = MakeKey(mrk);
        primary.multi_region = true;
        primary.primary_region = "us-east-1";
        primary.replica_regions = {"eu-west-1", "ap-southeast-2"};
        core::Key replica = primary;
        replica.scope = eu;
        replica.description = "replica";
        tx.PutKey(primary);
        tx.PutKey(replica);
      },
      {});
  auto primary = repo.GetKey(kScope, mrk);
  auto replica = repo.GetKey(eu, mrk);
  REQUIRE(primary);
  REQUIRE(replica);
  CHECK(primary->IsPrimary());
  CHECK(replica->IsReplica());
  CHECK(replica->replica_regions == std::vector<std::string>{"eu-west-1", "ap-southeast-2"});
  CHECK(replica->primary_region == "us-east-1");
  CHECK(replica->description == "replica");
  CHECK_FALSE(repo.GetKey(kScope, kId));
  CHECK_FALSE(MakeKey(kId).multi_region);
}

TEMPLATE_TEST_CASE(
    "Store contract: a failing write rolls back alone, others in the same commit land",
    "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int i = 0; i < 16; ++i) {
    writers.emplace_back([&, i] {
      try {
        repo.Write(
            [&](core::KeyTransaction& tx) {
              tx.PutKey(MakeKey(IdNumber(i)));
              if (i % 4 == 0) throw core::KmsError::Validation("nope");
            },
            {});
      } catch (const core::KmsError&) {
        ++failures;
      }
    });
  }
  for (auto& t : writers) t.join();
  CHECK(failures == 4);
  CHECK(repo.ListKeys(kScope, "", 100).size() == 12);
  CHECK_FALSE(repo.GetKey(kScope, IdNumber(0)));
}

TEMPLATE_TEST_CASE("Store contract: on_commit runs once after a commit and never after a rollback",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  int commits = 0;
  std::vector<std::string> steps;
  // on_commit runs inside the store's commit (for SQLite on its writer thread):
  // it may update caches, not call back into the store.
  repo.Write(
      [&](core::KeyTransaction& tx) {
        steps.push_back("transaction");
        tx.PutKey(MakeKey(kId));
      },
      [&] {
        ++commits;
        steps.push_back("committed");
      });
  CHECK(steps == std::vector<std::string>{"transaction", "committed"});
  CHECK(repo.GetKey(kScope, kId));
  CHECK_THROWS_AS(repo.Write(
                      [&](core::KeyTransaction& tx) {
                        core::Key k = MakeKey(kId);
                        k.description = "never";
                        tx.PutKey(k);
                        throw core::KmsError::Validation("nope");
                      },
                      [&] { ++commits; }),
                  core::KmsError);
  CHECK(commits == 1);
  CHECK(repo.GetKey(kScope, kId)->description == "d");
}

TEMPLATE_TEST_CASE(
    "Store contract: a deleted key's tombstone keeps the time it was given, not the database's "
    "clock",
    "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  // Years from the machine's clock, as a virtual clock may be.
  const core::Timestamp first = At("2031-05-06T07:08:09.250Z");
  const core::Timestamp again = At("2032-01-02T03:04:05Z");
  repo.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId)); }, {});
  repo.Write([&](core::KeyTransaction& tx) { tx.DeleteKey(kScope, kId, first); }, {});
  CHECK(repo.DeletionDate(kScope, kId) == first);
  // The id deleted once more (a key of that id created again): the latest date.
  repo.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId)); }, {});
  repo.Write([&](core::KeyTransaction& tx) { tx.DeleteKey(kScope, kId, again); }, {});
  CHECK(repo.DeletionDate(kScope, kId) == again);
  // A deletion rolled back leaves no tombstone.
  const std::string other = "0987dcba-09fe-87dc-65ba-ab0987654321";
  repo.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(other)); }, {});
  CHECK_THROWS(repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.DeleteKey(kScope, other, first);
        throw std::runtime_error("rolled back");
      },
      {}));
  CHECK_FALSE(repo.DeletionDate(kScope, other));
  CHECK(repo.GetKey(kScope, other));
}

TEMPLATE_TEST_CASE(
    "Store contract: deleting a key deletes its material and aliases, never via REPLACE",
    "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  PutKeyWithMaterialAndAlias(repo, kScope, "alias/a");
  PutKeyWithMaterialAndAlias(repo, kOtherScope, "alias/a");  // same id in another scope
  CHECK(repo.GetSealedMaterial(kScope, kId, 1));
  CHECK(repo.GetAlias(kScope, "alias/a"));
  repo.SaveLastUsage({{kScope, core::KeyUsageRecord{kId, "Encrypt", At("2026-02-01"), "req"}}});
  CHECK_FALSE(repo.DeletionDate(kScope, kId));
  repo.Write(
      [&](core::KeyTransaction& tx) { tx.DeleteKey(kScope, kId, At("2026-02-08T00:00:00Z")); }, {});
  CHECK_FALSE(repo.GetKey(kScope, kId));
  CHECK_FALSE(repo.GetSealedMaterial(kScope, kId, 1));
  CHECK_FALSE(repo.GetAlias(kScope, "alias/a"));
  CHECK_FALSE(repo.GetLastUsage(kScope, kId));
  CHECK(repo.ListMaterialVersions(kScope, kId, 0, 10).empty());
  CHECK(repo.DeletionDate(kScope, kId));
  // The other scope's key of the same id keeps everything.
  CHECK(repo.GetKey(kOtherScope, kId));
  CHECK(repo.GetSealedMaterial(kOtherScope, kId, 1));
  CHECK(repo.GetAlias(kOtherScope, "alias/a"));
  CHECK_FALSE(repo.DeletionDate(kOtherScope, kId));
  // Usage recorded after the deletion is dropped, not an error.
  repo.SaveLastUsage({{kScope, core::KeyUsageRecord{kId, "Decrypt", At("2026-02-02"), "r2"}}});
  CHECK_FALSE(repo.GetLastUsage(kScope, kId));
}

TEMPLATE_TEST_CASE(
    "Store contract: lists are ordered, paged after a marker and kept to their scope", "[contract]",
    ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  core::Timestamp t0 = At("2026-01-01T00:00:00Z");
  repo.Write(
      [&](core::KeyTransaction& tx) {
        for (int i = 5; i >= 1; --i) tx.PutKey(MakeKey(IdNumber(i)));
        tx.PutKey(MakeKey(IdNumber(9), kOtherScope));
        for (uint32_t v = 1; v <= 4; ++v) {
          core::SealedMaterial sealed{{static_cast<uint8_t>(v)}, ""};
          tx.PutMaterial(kScope, IdNumber(1), Version(v, static_cast<char>('a' + v), t0), &sealed);
        }
        tx.PutAlias({kScope, "alias/c", IdNumber(2), t0, t0});
        tx.PutAlias({kScope, "alias/a", IdNumber(1), t0, t0});
        tx.PutAlias({kScope, "alias/b", IdNumber(1), t0, t0});
        tx.PutAlias({kOtherScope, "alias/a", IdNumber(9), t0, t0});
      },
      {});
  auto ids = [](const std::vector<core::Key>& keys) {
    std::vector<std::string> out;
    for (const core::Key& k : keys) out.push_back(k.id);
    return out;
  };
  CHECK(ids(repo.ListKeys(kScope, "", 100)) ==
        std::vector<std::string>{IdNumber(1), IdNumber(2), IdNumber(3), IdNumber(4), IdNumber(5)});
  CHECK(ids(repo.ListKeys(kScope, IdNumber(2), 2)) ==
        std::vector<std::string>{IdNumber(3), IdNumber(4)});
  CHECK(ids(repo.ListKeys(kOtherScope, "", 100)) == std::vector<std::string>{IdNumber(9)});
  // Every scope, ordered by (account, region, id).
  std::vector<core::Key> all = repo.ListAllKeys(nullptr, 100);
  REQUIRE(all.size() == 6);
  CHECK(all[0].id == IdNumber(1));
  CHECK(all[5].scope == kOtherScope);
  CHECK(ids(repo.ListAllKeys(&all[3], 100)) == std::vector<std::string>{IdNumber(5), IdNumber(9)});

  auto names = [](const std::vector<core::Alias>& aliases) {
    std::vector<std::string> out;
    for (const core::Alias& a : aliases) out.push_back(a.name);
    return out;
  };
  CHECK(names(repo.ListAliases(kScope, nullptr, "", 100)) ==
        std::vector<std::string>{"alias/a", "alias/b", "alias/c"});
  CHECK(names(repo.ListAliases(kScope, nullptr, "alias/a", 1)) ==
        std::vector<std::string>{"alias/b"});
  std::string first = IdNumber(1);
  CHECK(names(repo.ListAliases(kScope, &first, "", 100)) ==
        std::vector<std::string>{"alias/a", "alias/b"});

  std::vector<core::KeyMaterialVersion> versions =
      repo.ListMaterialVersions(kScope, IdNumber(1), 1, 2);
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].version == 2);
  CHECK(versions[1].version == 3);
  CHECK(repo.ListMaterialVersions(kScope, IdNumber(2), 0, 10).empty());
}

TEMPLATE_TEST_CASE("Store contract: due keys come earliest first, up to the time asked",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  CHECK_FALSE(repo.EarliestEvent());
  repo.Write(
      [&](core::KeyTransaction& tx) {
        const char* dates[] = {"2027-03-01", "2027-01-01", "2027-02-01"};
        for (int i = 0; i < 3; ++i) {
          core::Key k = MakeKey(IdNumber(i));
          k.rotation.enabled = true;
          k.rotation.next_rotation = At(dates[i]);
          tx.PutKey(k);
        }
        tx.PutKey(MakeKey(IdNumber(7)));  // nothing due, ever
      },
      {});
  std::vector<core::DueKey> due = repo.DueKeys(At("2027-02-15"), 10);
  REQUIRE(due.size() == 2);
  CHECK(due[0].key_id == IdNumber(1));
  CHECK(due[0].due == At("2027-01-01"));
  CHECK(due[0].scope == kScope);
  CHECK(due[1].key_id == IdNumber(2));
  CHECK(repo.DueKeys(At("2027-06-01"), 1).size() == 1);
  CHECK(repo.DueKeys(At("2026-06-01"), 10).empty());
  CHECK(repo.EarliestEvent() == At("2027-01-01"));
}

TEMPLATE_TEST_CASE("Store contract: Reset empties every key, alias, version and usage record",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  PutKeyWithMaterialAndAlias(repo, kScope, "alias/a");
  repo.SaveLastUsage({{kScope, core::KeyUsageRecord{kId, "Encrypt", At("2026-02-01"), "req"}}});
  repo.Reset();
  CHECK_FALSE(repo.GetKey(kScope, kId));
  CHECK_FALSE(repo.GetAlias(kScope, "alias/a"));
  CHECK_FALSE(repo.GetSealedMaterial(kScope, kId, 1));
  CHECK_FALSE(repo.GetLastUsage(kScope, kId));
  CHECK(repo.ListAllKeys(nullptr, 10).empty());
}

TEMPLATE_TEST_CASE("Store contract: the root key check value and the stored clock survive Reset",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  CHECK_FALSE(repo.GetRootKeyCheck());
  CHECK_FALSE(repo.GetStoredClock());
  core::Bytes check(32, 0x5a);
  repo.PutRootKeyCheck(check);
  repo.PutStoredClock({true, At("2031-02-05T00:00:00Z")});
  PutKeyWithMaterialAndAlias(repo, kScope, "alias/a");
  repo.Reset();
  CHECK(repo.GetRootKeyCheck() == check);
  std::optional<core::StoredClock> clock = repo.GetStoredClock();
  REQUIRE(clock);
  CHECK(clock->is_virtual);
  CHECK(clock->virtual_time == At("2031-02-05T00:00:00Z"));
  repo.PutStoredClock({false, std::nullopt});
  CHECK_FALSE(repo.GetStoredClock()->is_virtual);
  CHECK_FALSE(repo.GetStoredClock()->virtual_time);
  CHECK(repo.Health().status == core::StoreHealth::Status::kOk);
}

namespace {

core::Grant MakeGrant(const std::string& key_id, const std::string& grant_id,
                      const core::Scope& scope = kScope) {
  core::Grant g;
  g.scope = scope;
  g.key_id = key_id;
  g.grant_id = grant_id;
  g.name = "app";
  g.creation_date = At("2026-02-01T00:00:00Z");
  g.grantee_principal = "arn:aws:iam::111122223333:role/app";
  g.retiring_principal = "arn:aws:iam::111122223333:role/ops";
  g.issuing_account = "arn:aws:iam::111122223333:root";
  g.operations = {core::GrantOperation::kEncrypt, core::GrantOperation::kDecrypt};
  g.constraints = core::GrantConstraints{core::EncryptionContext{{"Dept", "IT"}}, std::nullopt};
  return g;
}

}  // namespace

TEMPLATE_TEST_CASE(
    "Store contract: grants read back as written, by key, name and retiring principal",
    "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  const std::string other = IdNumber(2);
  const std::string g1(64, 'a'), g2(64, 'b'), g3(64, 'c');
  repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.PutKey(MakeKey(kId));
        tx.PutKey(MakeKey(other));
        tx.PutGrant(MakeGrant(kId, g2));
        core::Grant plain = MakeGrant(kId, g1);
        plain.name = "";
        plain.retiring_principal = "";
        plain.constraints = std::nullopt;
        tx.PutGrant(plain);
        tx.PutGrant(MakeGrant(other, g3));
        CHECK(tx.CountGrants(kScope, kId) == 2);
        CHECK(tx.GetGrant(kScope, kId, g2) == MakeGrant(kId, g2));
        CHECK_FALSE(tx.GetGrant(kScope, other, g2));
        std::string name = "app";
        std::vector<core::Grant> named = tx.GrantsOfKey(kScope, kId, &name);
        REQUIRE(named.size() == 1);
        CHECK(named[0].grant_id == g2);
      },
      {});
  std::vector<core::Grant> grants = repo.ListGrants(kScope, kId);
  REQUIRE(grants.size() == 2);
  CHECK(grants[0].grant_id == g1);  // ordered by grant id
  CHECK(grants[0].name.empty());
  CHECK_FALSE(grants[0].constraints);
  CHECK(grants[1] == MakeGrant(kId, g2));
  CHECK(repo.ListGrants(kOtherScope, kId).empty());

  // Retirable grants: across keys of one scope, ordered by (key id, grant id), paged.
  const std::string ops = "arn:aws:iam::111122223333:role/ops";
  std::vector<core::Grant> retirable = repo.ListRetirableGrants(kScope, ops, "", "", 10);
  REQUIRE(retirable.size() == 2);
  CHECK(retirable[0].key_id == other);  // "00000000-..." sorts before "1234abcd-..."
  CHECK(retirable[1].grant_id == g2);
  std::vector<core::Grant> second = repo.ListRetirableGrants(kScope, ops, other, g3, 10);
  REQUIRE(second.size() == 1);
  CHECK(second[0].grant_id == g2);
  CHECK(repo.ListRetirableGrants(kScope, ops, "", "", 1).size() == 1);
  CHECK(repo.ListRetirableGrants(kOtherScope, ops, "", "", 10).empty());
  CHECK(repo.ListRetirableGrants(kScope, "arn:aws:iam::111122223333:role/x", "", "", 10).empty());

  // A replaced grant keeps its id; a deleted one is gone.
  repo.Write(
      [&](core::KeyTransaction& tx) {
        core::Grant g = MakeGrant(kId, g2);
        g.retiring_principal = "arn:aws:iam::111122223333:role/new";
        tx.PutGrant(g);
        tx.DeleteGrant(kScope, kId, g1);
      },
      {});
  grants = repo.ListGrants(kScope, kId);
  REQUIRE(grants.size() == 1);
  CHECK(grants[0].retiring_principal == "arn:aws:iam::111122223333:role/new");
  CHECK(repo.ListRetirableGrants(kScope, ops, "", "", 10).size() == 1);
}

TEMPLATE_TEST_CASE("Store contract: deleting a key deletes its grants, a rollback keeps them",
                   "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  const std::string g1(64, 'a');
  repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.PutKey(MakeKey(kId));
        tx.PutGrant(MakeGrant(kId, g1));
      },
      {});
  CHECK_THROWS(repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.DeleteGrant(kScope, kId, g1);
        throw std::runtime_error("rolled back");
      },
      {}));
  CHECK(repo.ListGrants(kScope, kId).size() == 1);
  repo.Write(
      [&](core::KeyTransaction& tx) { tx.DeleteKey(kScope, kId, At("2026-02-08T00:00:00Z")); }, {});
  CHECK(repo.ListGrants(kScope, kId).empty());
  CHECK(repo.ListRetirableGrants(kScope, "arn:aws:iam::111122223333:role/ops", "", "", 10).empty());
  // A key created again with the same id starts without grants.
  repo.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId)); }, {});
  CHECK(repo.ListGrants(kScope, kId).empty());
}

TEMPLATE_TEST_CASE("Store contract: Reset removes every grant", "[contract]", ROTOR_STORES) {
  ROTOR_STORE(TestType, store);
  core::KeyRepository& repo = store.repo;
  repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.PutKey(MakeKey(kId));
        tx.PutGrant(MakeGrant(kId, std::string(64, 'a')));
      },
      {});
  repo.Reset();
  CHECK(repo.ListGrants(kScope, kId).empty());
}
