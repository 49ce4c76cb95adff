#include <catch2/catch.hpp>

#include "core/key_inventory.h"
#include "core/key_policy.h"
#include "core/seed.h"
#include "core/seed_export.h"
#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;

namespace {
const Scope kScope{"111122223333", "us-east-1"};

SeedKey AesKey(const std::string& id, int backing_keys) {
  SeedKey k;
  k.entry = "Keys.Symmetric.Aes[0]";
  k.scope = kScope;
  k.key_id = id;
  for (int i = 0; i < backing_keys; ++i) {
    SecretBytes b(32);
    for (size_t j = 0; j < 32; ++j)
      b.data()[j] = static_cast<uint8_t>(i * 32 + static_cast<int>(j));
    k.materials.push_back({std::move(b), "", std::nullopt, std::nullopt, std::nullopt});
  }
  return k;
}
const std::string kId = "bc436485-5092-42b8-92a3-0aa8b93536dc";
}  // namespace

TEST_CASE("A seeded key decrypts what its seeded material encrypted, across backing keys") {
  ServiceFixture f;
  SeedDocument doc;
  doc.keys.push_back(AesKey(kId, 3));
  doc.aliases.push_back({"Aliases[0]", kScope, "alias/dev", kId});
  SeedResult r = f.service.LoadSeed(doc, f.clock.Now());
  CHECK(r.keys_created == 1);
  CHECK(r.aliases_created == 1);
  Key k = f.service.DescribeKey(f.Ctx(), "alias/dev");
  CHECK(k.current_version == 3);
  auto rotations = f.service.ListKeyRotations(f.Ctx(), kId, std::nullopt, {});
  CHECK(rotations.rotations.size() == 2);  // backing keys 2 and 3 are past rotations
  CHECK(f.DecryptText(f.EncryptText("alias/dev", "hi")) == "hi");
}

TEST_CASE("Loading the same seed twice changes nothing") {
  ServiceFixture f;
  SeedDocument doc;
  doc.keys.push_back(AesKey(kId, 1));
  doc.aliases.push_back({"Aliases[0]", kScope, "alias/dev", kId});
  f.service.LoadSeed(doc, f.clock.Now());
  f.service.UpdateKeyDescription(f.Ctx(), kId, "changed since");
  size_t commits = f.repo.commits();
  SeedResult again = f.service.LoadSeed(doc, f.clock.Now());
  CHECK(again.keys_created == 0);
  CHECK(again.keys_already_present == 1);
  CHECK(again.aliases_already_present == 1);
  CHECK(f.service.DescribeKey(f.Ctx(), kId).description == "changed since");
  CHECK(f.repo.commits() == commits + 1);  // one empty transaction
}

TEST_CASE("An invalid seed names the entry and loads nothing at all") {
  ServiceFixture f;
  SeedDocument doc;
  doc.keys.push_back(AesKey(kId, 1));
  SeedKey bad = AesKey("49c5492b-b1bc-42a8-9a5c-b2015e810c1c", 1);
  bad.entry = "Keys.Symmetric.Aes[1]";
  bad.materials[0].bytes.resize(16);
  doc.keys.push_back(bad);
  CHECK_THROWS_WITH(
      f.service.LoadSeed(doc, f.clock.Now()),
      Catch::Contains("Keys.Symmetric.Aes[1]") && Catch::Contains("must be 32 bytes"));
  CHECK(f.service.ListKeys(f.Ctx(), {}).keys.empty());
  SeedDocument dangling;
  dangling.keys.push_back(AesKey(kId, 1));
  dangling.aliases.push_back(
      {"Aliases[0]", kScope, "alias/x", "49c5492b-b1bc-42a8-9a5c-b2015e810c1c"});
  CHECK_THROWS_WITH(f.service.LoadSeed(dangling, f.clock.Now()), Catch::Contains("Aliases[0]"));
  CHECK(f.service.ListKeys(f.Ctx(), {})
            .keys.empty());  // the key of the same document rolled back too
  SeedDocument bad_id;
  bad_id.keys.push_back(AesKey("not-a-key-id", 1));
  CHECK_THROWS_WITH(f.service.LoadSeed(bad_id, f.clock.Now()),
                    Catch::Contains("KeyId must be a key id"));
}

TEST_CASE("A seeded key policy is validated and stored as CreateKey stores one") {
  ServiceFixture f;
  SeedDocument doc;
  SeedKey k = AesKey(kId, 1);
  const std::string compact =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},)"
      R"("Action":"kms:*","Resource":"*"}]})";
  k.policy = compact;
  doc.keys.push_back(k);
  f.service.LoadSeed(doc, f.clock.Now());
  CHECK(f.service.GetKeyPolicy(f.Ctx(), kId, std::nullopt) == StoredKeyPolicy(compact));
  CHECK(StoredKeyPolicy(compact) != compact);  // stored in AWS's layout, not as written

  ServiceFixture g;
  SeedDocument bad;
  SeedKey b = AesKey(kId, 1);
  b.policy = "not json";
  bad.keys.push_back(b);
  CHECK_THROWS_WITH(g.service.LoadSeed(bad, g.clock.Now()),
                    Catch::Contains("Keys.Symmetric.Aes[0]") && Catch::Contains("Policy: "));
  CHECK(g.service.ListKeys(g.Ctx(), {}).keys.empty());
}

TEST_CASE("A NextKeyRotation in the seed schedules the rotation exactly then") {
  ServiceFixture f;
  SeedDocument doc;
  SeedKey k = AesKey(kId, 1);
  k.rotation_enabled = true;
  k.next_rotation = f.clock.Now() + Days(10);
  doc.keys.push_back(k);
  f.service.LoadSeed(doc, f.clock.Now());
  CHECK(f.service.GetKeyRotationStatus(f.Ctx(), kId).next_rotation == f.clock.Now() + Days(10));
  f.Advance(Days(10));
  CHECK(f.service.ListKeyRotations(f.Ctx(), kId, std::nullopt, {}).rotations.size() == 1);
}

TEST_CASE("Export with material reproduces the keys a fresh Rotor can load") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.CreateAlias(f.Ctx(), "alias/app", k.id);
  f.service.EnableKeyRotation(f.Ctx(), k.id, 90);
  f.Advance(Days(91));
  Bytes blob = f.EncryptText(k.id, "portable");
  KeyInventory inventory(f.repo);
  SeedDocument without = ExportSeed(inventory, f.repo, nullptr);
  REQUIRE(without.keys.size() == 1);
  CHECK(without.keys[0].materials.size() == 2);
  CHECK(without.keys[0].materials[0].bytes.empty());  // no plaintext unless asked

  SeedDocument with = ExportSeed(inventory, f.repo, &f.sealer);
  ServiceFixture other;
  other.service.LoadSeed(with, other.clock.Now());
  CHECK(other.service.DescribeKey(other.Ctx(), "alias/app").current_material_id ==
        f.service.DescribeKey(f.Ctx(), k.id).current_material_id);
  CHECK(other.DecryptText(blob) == "portable");
}
