// What SQLite promises beyond the storage port's contract (which
// key_repository_contract_test.cc checks for every store): durability across
// a reopen, one process per data dir, refusing foreign files, the root key
// file, sealed material at rest, migrations.
#include "storage/sqlite_key_repository.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/key_sealer.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "storage/migrations.h"
#include "storage/root_key_file.h"
#include "storage/sqlite_db.h"
#include "temp_dir.h"

using namespace rotor;
namespace fs = std::filesystem;

namespace {

using rotor::testing::TempDir;

core::Key MakeKey(const std::string& id) {
  core::Key k;
  k.scope = {"111122223333", "us-east-1"};
  k.id = id;
  k.creation_date = *core::ParseIso8601("2026-01-01T00:00:00Z");
  k.description = "d";
  k.policy = "{}";
  k.tags = {{"a", "b"}};
  k.revision = 1;
  return k;
}

const std::string kId = "1234abcd-12ab-34cd-56ef-1234567890ab";

}  // namespace

TEST_CASE("A key, its material, aliases and usage survive a reopen") {
  TempDir dir;
  {
    storage::SqliteKeyRepository repo({dir.path});
    repo.Write(
        [&](core::KeyTransaction& tx) {
          core::Key k = MakeKey(kId);
          k.rotation.enabled = true;
          k.rotation.next_rotation = *core::ParseIso8601("2027-01-01T00:00:00Z");
          tx.PutKey(k);
          core::KeyMaterialVersion v{1,  std::string(64, 'a'), k.creation_date, std::nullopt,
                                     "", std::nullopt,         std::nullopt};
          core::SealedMaterial sealed{{1, 2, 3}, ""};
          tx.PutMaterial(k.scope, k.id, v, &sealed);
          tx.PutAlias({k.scope, "alias/app", k.id, k.creation_date, k.creation_date});
        },
        {});
    repo.SaveLastUsage(
        {{core::Scope{"111122223333", "us-east-1"},
          core::KeyUsageRecord{kId, "Encrypt", *core::ParseIso8601("2026-02-01"), "req"}}});
  }
  storage::SqliteKeyRepository repo({dir.path});
  core::Scope scope{"111122223333", "us-east-1"};
  auto key = repo.GetKey(scope, kId);
  REQUIRE(key);
  CHECK(key->tags == std::vector<core::Tag>{{"a", "b"}});
  CHECK(key->rotation.enabled);
  auto sealed = repo.GetSealedMaterial(scope, kId, 1);
  REQUIRE(sealed);
  CHECK(sealed->sealed == core::Bytes{1, 2, 3});
  CHECK(sealed->material_id == std::string(64, 'a'));
  CHECK(repo.GetAlias(scope, "alias/app")->target_key_id == kId);
  CHECK(repo.GetLastUsage(scope, kId)->operation == "Encrypt");
  auto due = repo.DueKeys(*core::ParseIso8601("2027-06-01"), 10);
  REQUIRE(due.size() == 1);
  CHECK(due[0].due == *core::ParseIso8601("2027-01-01T00:00:00Z"));
  CHECK(repo.DueKeys(*core::ParseIso8601("2026-06-01"), 10).empty());
}

TEST_CASE("A grant with every member survives a reopen") {
  TempDir dir;
  core::Grant g;
  g.scope = {"111122223333", "us-east-1"};
  g.key_id = kId;
  g.grant_id = std::string(64, 'f');
  g.name = "batch";
  g.creation_date = *core::ParseIso8601("2026-03-01T12:00:00Z");
  g.grantee_principal = "arn:aws:iam::111122223333:role/batch";
  g.retiring_principal = "111122223333";
  g.issuing_account = "arn:aws:iam::111122223333:root";
  g.operations = {core::GrantOperation::kDecrypt, core::GrantOperation::kRetireGrant};
  g.constraints = core::GrantConstraints{core::EncryptionContext{{"a", "1"}},
                                         core::EncryptionContext{{"b", "2"}, {"c", ""}}};
  {
    storage::SqliteKeyRepository repo({dir.path});
    repo.Write(
        [&](core::KeyTransaction& tx) {
          tx.PutKey(MakeKey(kId));
          tx.PutGrant(g);
        },
        {});
  }
  storage::SqliteKeyRepository repo({dir.path});
  std::vector<core::Grant> grants = repo.ListGrants(g.scope, kId);
  REQUIRE(grants.size() == 1);
  CHECK(grants[0] == g);
}

TEST_CASE("A second Rotor on the same data dir is refused") {
  TempDir dir;
  storage::SqliteKeyRepository repo({dir.path});
  CHECK_THROWS_WITH(storage::SqliteKeyRepository({dir.path}),
                    Catch::Contains("in use by another Rotor process"));
}

TEST_CASE("A foreign or corrupt database file stops start-up instead of being reset") {
  TempDir dir;
  {
    storage::SqliteDb other(dir.path + "/rotor.db", true, false);
    other.Exec("CREATE TABLE customers (id INTEGER)");
  }
  CHECK_THROWS_WITH(storage::SqliteKeyRepository({dir.path}),
                    Catch::Contains("does not belong to Rotor"));
  TempDir dir2;
  std::ofstream(dir2.path + "/rotor.db") << "this is not a database, just text that is long enough";
  CHECK_THROWS_WITH(storage::SqliteKeyRepository({dir2.path}),
                    Catch::Contains("not a usable SQLite database"));
}

TEST_CASE("The root key file is created once with mode 0600 and never overwritten") {
  TempDir dir;
  core::OpenSslRandom random;
  std::string path = dir.path + "/root.key";
  core::SecretBytes first = storage::LoadOrCreateRootKey(path, true, random);
  CHECK(first.size() == 32);
  CHECK((fs::status(path).permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  core::SecretBytes again = storage::LoadOrCreateRootKey(path, true, random);
  CHECK(again.bytes() == first.bytes());
  fs::permissions(path, fs::perms::group_read, fs::perm_options::add);
  CHECK_THROWS_WITH(storage::LoadOrCreateRootKey(path, true, random), Catch::Contains("chmod 600"));
  CHECK_THROWS(storage::LoadOrCreateRootKey(dir.path + "/absent.key", false, random));
}

TEST_CASE("Sealed material in the database file never contains the plaintext material") {
  TempDir dir;
  core::OpenSslRandom random;
  core::KeySealer sealer(random.Secret(32), random);
  core::SecretBytes material = random.Secret(32);
  {
    storage::SqliteKeyRepository repo({dir.path});
    repo.Write(
        [&](core::KeyTransaction& tx) {
          core::Key k = MakeKey(kId);
          tx.PutKey(k);
          core::SealedMaterial sealed = sealer.Seal(kId, 1, material);
          core::KeyMaterialVersion v{1,  std::string(64, 'c'), k.creation_date, std::nullopt,
                                     "", std::nullopt,         std::nullopt};
          tx.PutMaterial(k.scope, kId, v, &sealed);
        },
        {});
    auto read = repo.GetSealedMaterial({"111122223333", "us-east-1"}, kId, 1);
    REQUIRE(read);
    CHECK(sealer.Unseal(kId, 1, *read)->bytes() == material.bytes());
    CHECK_FALSE(sealer.Unseal(kId, 2, *read));  // bound to its version
  }
  std::string needle(reinterpret_cast<const char*>(material.data()), material.size());
  for (const char* file : {"/rotor.db", "/rotor.db-wal"}) {
    std::ifstream in(dir.path + file, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content.find(needle) == std::string::npos);
  }
}

TEST_CASE("Migrations bring an empty file to the latest schema once") {
  TempDir dir;
  storage::SqliteDb db(dir.path + "/x.db", true, false);
  storage::Migrate(db, "x.db");
  storage::Migrate(db, "x.db");  // idempotent
  auto q = db.Prepare("PRAGMA user_version");
  REQUIRE(q->Step());
  CHECK(q->Int(0) == storage::LatestSchemaVersion());
}

TEST_CASE("A removed data dir refuses every write and turns the store's health to lost") {
  TempDir dir;
  std::string data = dir.path + "/data";
  std::atomic<int> told{0};
  storage::SqliteOptions options{data};
  options.on_failure = [&](const core::StoreHealth& h) {
    if (h.status == core::StoreHealth::Status::kLost) ++told;
  };
  storage::SqliteKeyRepository repo(options);
  repo.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId)); }, {});
  fs::rename(data, dir.path + "/moved");
  fs::create_directory(data);
  try {
    repo.Write([&](core::KeyTransaction& tx) { tx.PutKey(MakeKey(kId)); }, {});
    FAIL("a write into a removed data dir was acknowledged");
  } catch (const core::KmsError& e) {
    CHECK(e.name() == "KMSInternalException");
    CHECK(e.message().starts_with("Rotor's data dir was removed or replaced while it ran"));
  }
  CHECK(repo.Health().status == core::StoreHealth::Status::kLost);
  CHECK(told == 1);
  CHECK_THROWS_AS(repo.PutStoredClock({true, std::nullopt}), core::KmsError);
}

TEST_CASE("The data dir is made 0700 and one others can write is refused") {
  TempDir dir;
  std::string data = dir.path + "/data";
  { storage::SqliteKeyRepository repo(storage::SqliteOptions{data}); }
  CHECK((fs::status(data).permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK((fs::status(data + "/rotor.db").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  fs::permissions(data, fs::perms::group_write, fs::perm_options::add);
  try {
    storage::SqliteKeyRepository repo(storage::SqliteOptions{data});
    FAIL("a group-writable data dir was accepted");
  } catch (const storage::StorageError& e) {
    CHECK(std::string(e.what()).find("can be written by group (mode 0720)") != std::string::npos);
  }
}

TEST_CASE("Deleting a key leaves its sealed material in no file of the data dir") {
  TempDir dir;
  storage::SqliteKeyRepository repo(storage::SqliteOptions{dir.path});
  core::Bytes secret(48);
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<uint8_t>(0xa0 + i);
  core::Key key = MakeKey(kId);
  repo.Write(
      [&](core::KeyTransaction& tx) {
        tx.PutKey(key);
        core::SealedMaterial sealed{secret, ""};
        tx.PutMaterial(key.scope, kId,
                       {1, std::string(64, 'a'), key.creation_date, std::nullopt, "", std::nullopt,
                        std::nullopt},
                       &sealed);
      },
      {});
  repo.Write([&](core::KeyTransaction& tx) { tx.DeleteKey(key.scope, kId, key.creation_date); },
             {});
  std::string needle(secret.begin(), secret.end());
  for (const auto& entry : fs::directory_iterator(dir.path)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content.find(needle) == std::string::npos);
  }
}
