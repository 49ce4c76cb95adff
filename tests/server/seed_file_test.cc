#include "server/seed/seed_file.h"

#include <catch2/catch.hpp>

using namespace rotor;

namespace {
const core::Scope kScope{"111122223333", "eu-west-2"};
}

TEST_CASE("local-kms's seed layout reads as is") {
  const std::string yaml = R"(
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
          Description: "Your key description"
        NextKeyRotation: "2019-09-12T15:19:21+00:00"
        BackingKeys:
          - 34743777217A25432A46294A404E635266556A586E3272357538782F413F4428
          - 614e645267556b58703273357638792f423f4528472b4b6250655368566d5971
      - Metadata:
          KeyId: 5d05267f-bb87-4d0b-8594-295a4371d414
          Origin: EXTERNAL
Aliases:
  - AliasName: alias/testing
    TargetKeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
)";
  core::SeedDocument doc = server::seed::ParseSeedText(yaml, true, "seed.yaml", kScope);
  REQUIRE(doc.keys.size() == 2);
  CHECK(doc.keys[0].key_id == "bc436485-5092-42b8-92a3-0aa8b93536dc");
  CHECK(doc.keys[0].scope == kScope);
  CHECK(doc.keys[0].materials.size() == 2);
  CHECK(doc.keys[0].materials[0].bytes.data()[0] == 0x34);
  CHECK(doc.keys[0].rotation_enabled);
  CHECK(doc.keys[0].next_rotation == core::ParseIso8601("2019-09-12T15:19:21Z"));
  CHECK(doc.keys[1].origin == core::Origin::kExternal);
  CHECK(doc.keys[1].materials.empty());
  REQUIRE(doc.aliases.size() == 1);
  CHECK(doc.aliases[0].name == "alias/testing");
}

TEST_CASE("Seed errors name the file, the entry and the problem") {
  auto error = [](const std::string& text) {
    try {
      server::seed::ParseSeedText(text, true, "seed.yaml", kScope);
    } catch (const core::SeedError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error("Keys: [unclosed").find("seed.yaml: not valid YAML") == 0);
  CHECK(error("Keys:\n  Symmetric:\n    Aes:\n      - Metadata: {Description: x}\n") ==
        "seed.yaml: Keys.Symmetric.Aes[0]: KeyId is required");
  CHECK(error("Keys:\n  Symmetric:\n    Aes:\n      - Metadata: {KeyId: k}\n        BackingKeys: "
              "[zz]\n") ==
        "seed.yaml: Keys.Symmetric.Aes[0]: a BackingKeys entry must be hex digits");
  CHECK(error("Keys:\n  Symmetric:\n    Aes:\n      - Metadata: {KeyId: k, Colour: red}\n") ==
        "seed.yaml: Keys.Symmetric.Aes[0].Metadata: unknown field Colour");
  CHECK(error("Aliases:\n  - {AliasName: alias/x}\n") ==
        "seed.yaml: Aliases[0]: TargetKeyId is required");
}

TEST_CASE("Rotor's own fields round-trip through YAML and JSON") {
  core::SeedDocument doc;
  core::SeedKey k;
  k.scope = kScope;
  k.key_id = "49c5492b-b1bc-42a8-9a5c-b2015e810c1c";
  k.description = "multi\nline";
  k.state = core::KeyState::kDisabled;
  k.tags = {{"env", "ci"}};
  k.rotation_enabled = true;
  k.rotation_period_days = 90;
  k.next_rotation = core::ParseIso8601("2027-01-01T00:00:00Z");
  core::SecretBytes b(32);
  b.data()[0] = 0xab;
  k.materials.push_back(
      {b, std::string(64, 'a'), core::ParseIso8601("2026-01-01"), std::nullopt, std::nullopt});
  k.materials.push_back({b, std::string(64, 'b'), core::ParseIso8601("2026-04-01"),
                         core::RotationType::kOnDemand, std::nullopt});
  doc.keys.push_back(k);
  doc.aliases.push_back({"", kScope, "alias/app", k.key_id});
  for (bool yaml : {true, false}) {
    core::SeedDocument back = server::seed::ParseSeedText(server::seed::WriteSeedText(doc, yaml),
                                                          yaml, "x", {"000000000000", "x-x-1"});
    REQUIRE(back.keys.size() == 1);
    const core::SeedKey& r = back.keys[0];
    CHECK(r.scope == kScope);
    CHECK(r.description == "multi\nline");
    CHECK(r.state == core::KeyState::kDisabled);
    CHECK(r.tags == k.tags);
    CHECK(r.rotation_period_days == 90);
    CHECK(r.next_rotation == k.next_rotation);
    REQUIRE(r.materials.size() == 2);
    CHECK(r.materials[1].material_id == std::string(64, 'b'));
    CHECK(r.materials[1].rotation_type == core::RotationType::kOnDemand);
    CHECK(r.materials[1].bytes.bytes() == b.bytes());
    CHECK(back.aliases.at(0).name == "alias/app");
  }
}

TEST_CASE("ARNs in a seed file place keys and aliases in their account and Region") {
  const std::string yaml = R"(
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: arn:aws:kms:eu-west-1:444455556666:key/bc436485-5092-42b8-92a3-0aa8b93536dc
      - Metadata:
          KeyId: 5d05267f-bb87-4d0b-8594-295a4371d414
          Region: ap-south-1
Aliases:
  - AliasName: alias/by-bare-id
    TargetKeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
  - AliasName: arn:aws:kms:eu-west-1:444455556666:alias/by-alias-arn
    TargetKeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
  - AliasName: alias/by-target-arn
    TargetKeyId: arn:aws:kms:eu-west-1:444455556666:key/bc436485-5092-42b8-92a3-0aa8b93536dc
  - AliasName: alias/own-field
    TargetKeyId: 5d05267f-bb87-4d0b-8594-295a4371d414
)";
  core::SeedDocument doc = server::seed::ParseSeedText(yaml, true, "seed.yaml", kScope);
  REQUIRE(doc.keys.size() == 2);
  CHECK(doc.keys[0].key_id == "bc436485-5092-42b8-92a3-0aa8b93536dc");
  CHECK(doc.keys[0].scope == core::Scope{"444455556666", "eu-west-1"});
  CHECK(doc.keys[1].scope == core::Scope{"111122223333", "ap-south-1"});
  REQUIRE(doc.aliases.size() == 4);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(doc.aliases[i].scope == core::Scope{"444455556666", "eu-west-1"});
    CHECK(doc.aliases[i].target_key_id == "bc436485-5092-42b8-92a3-0aa8b93536dc");
  }
  CHECK(doc.aliases[1].name == "alias/by-alias-arn");
  CHECK(doc.aliases[3].scope == core::Scope{"111122223333", "ap-south-1"});
}

TEST_CASE("ARNs that disagree with each other or with Account/Region are refused") {
  auto parse = [](const std::string& text) {
    return server::seed::ParseSeedText(text, true, "seed.yaml", kScope);
  };
  CHECK_THROWS_WITH(parse(R"(
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: arn:aws:kms:eu-west-1:444455556666:key/bc436485-5092-42b8-92a3-0aa8b93536dc
          Region: us-west-2
)"),
                    "seed.yaml: Keys.Symmetric.Aes[0]: KeyId "
                    "arn:aws:kms:eu-west-1:444455556666:key/bc436485-5092-42b8-92a3-0aa8b93536dc "
                    "names account 444455556666, region eu-west-1, but its Account/Region names "
                    "account 111122223333, region us-west-2 (a key and its aliases are in one "
                    "account and Region)");
  CHECK_THROWS_WITH(
      parse(R"(
Aliases:
  - AliasName: arn:aws:kms:eu-west-1:444455556666:alias/a
    TargetKeyId: arn:aws:kms:eu-west-2:444455556666:key/bc436485-5092-42b8-92a3-0aa8b93536dc
)"),
      Catch::Contains("Aliases[0]: TargetKeyId") &&
          Catch::Contains("but AliasName arn:aws:kms:eu-west-1:444455556666:alias/a"));
  CHECK_THROWS_WITH(parse(R"(
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: alias/nope
)"),
                    "seed.yaml: Keys.Symmetric.Aes[0]: KeyId must be a key id or a key ARN, not "
                    "an alias");
  CHECK_THROWS_WITH(parse(R"(
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: arn:aws:kms:eu-west-1:4444:key/bc436485-5092-42b8-92a3-0aa8b93536dc
)"),
                    Catch::Contains("must be an ARN like arn:aws:kms:<region>:<12-digit account>"));
}
