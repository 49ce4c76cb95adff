#include <catch2/catch.hpp>

#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;

TEST_CASE("CreateKey makes an enabled symmetric key with one material version") {
  ServiceFixture f;
  Key k = f.NewKey();
  CHECK(IsKeyId(k.id));
  CHECK(k.state == KeyState::kEnabled);
  CHECK(k.spec == KeySpec::kSymmetricDefault);
  CHECK(k.usage == KeyUsage::kEncryptDecrypt);
  CHECK(k.current_version == 1);
  CHECK(k.current_material_id.size() == 64);
  CHECK(k.policy.find("arn:aws:iam::111122223333:root") != std::string::npos);
  CHECK(f.service.DescribeKey(f.Ctx(), k.Arn()).id == k.id);
}

TEST_CASE("Asymmetric specs need a KeyUsage and incompatible usages are refused") {
  ServiceFixture f;
  CreateKeyRequest req;
  req.key_spec = KeySpec::kRsa2048;
  CHECK(MessageOf([&] { f.service.CreateKey(f.Ctx(), req); }) ==
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
  req.key_usage = KeyUsage::kKeyAgreement;
  CHECK(MessageOf([&] { f.service.CreateKey(f.Ctx(), req); }) ==
        "KeyUsage KEY_AGREEMENT is not compatible with KeySpec RSA_2048");
  CreateKeyRequest sym;
  sym.key_usage = KeyUsage::kSignVerify;
  CHECK(ErrorOf([&] { f.service.CreateKey(f.Ctx(), sym); }) == "ValidationException");
}

TEST_CASE("Key ids resolve through one resolver with AWS's not-found wording") {
  ServiceFixture f;
  Key k = f.NewKey();
  auto ctx = f.Ctx();
  CHECK(MessageOf([&] { f.service.DescribeKey(ctx, "fake-key-id"); }) ==
        "Invalid keyId 'fake-key-id'");
  const std::string missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK(MessageOf([&] { f.service.DescribeKey(ctx, missing); }) ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/" + missing + "' does not exist");
  CHECK(MessageOf([&] {
          f.service.DescribeKey(ctx, KeyArn({"111122223333", "eu-west-1"}, k.id));
        }) == "Invalid arn eu-west-1");
  CHECK(MessageOf([&] { f.service.DescribeKey(ctx, "alias/nope"); }) ==
        "Alias arn:aws:kms:us-east-1:111122223333:alias/nope is not found.");
  CHECK(ErrorOf([&] { f.service.EnableKey(ctx, "alias/nope"); }) == "NotFoundException");
}

TEST_CASE("Keys of one region are invisible from another") {
  ServiceFixture f;
  Key k = f.NewKey();
  auto eu = f.Ctx({"111122223333", "eu-west-1"});
  CHECK(ErrorOf([&] { f.service.DescribeKey(eu, k.id); }) == "NotFoundException");
  CHECK(f.service.ListKeys(eu, {}).keys.empty());
}

TEST_CASE("Disable, enable and the DisabledException for cryptography") {
  ServiceFixture f;
  Key k = f.NewKey();
  Bytes blob = f.EncryptText(k.id, "secret");
  f.service.DisableKey(f.Ctx(), k.id);
  CHECK(MessageOf([&] { f.EncryptText(k.id, "x"); }) == k.Arn() + " is disabled.");
  CHECK(ErrorOf([&] { f.DecryptText(blob); }) == "DisabledException");
  f.service.EnableKey(f.Ctx(), k.id);
  CHECK(f.DecryptText(blob) == "secret");
}

TEST_CASE("ScheduleKeyDeletion validates the window and deletes when it passes") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.CreateAlias(f.Ctx(), "alias/doomed", k.id);
  CHECK(MessageOf([&] { f.service.ScheduleKeyDeletion(f.Ctx(), k.id, 6); }) ==
        "PendingWindowInDays must be between 7 and 30");
  auto r = f.service.ScheduleKeyDeletion(f.Ctx(), k.id, 7);
  CHECK(r.state == KeyState::kPendingDeletion);
  CHECK(r.deletion_date == f.clock.Now() + Days(7));
  CHECK(MessageOf([&] { f.EncryptText(k.id, "x"); }) == k.Arn() + " is pending deletion.");
  CHECK(ErrorOf([&] { f.service.EnableKey(f.Ctx(), k.id); }) == "KMSInvalidStateException");
  f.Advance(Days(6));
  CHECK(f.service.DescribeKey(f.Ctx(), k.id).state == KeyState::kPendingDeletion);
  f.Advance(Days(1));
  CHECK(ErrorOf([&] { f.service.DescribeKey(f.Ctx(), k.id); }) == "NotFoundException");
  CHECK(ErrorOf([&] { f.service.DescribeKey(f.Ctx(), "alias/doomed"); }) == "NotFoundException");
}

TEST_CASE("CancelKeyDeletion returns the key Disabled") {
  ServiceFixture f;
  Key k = f.NewKey();
  CHECK(MessageOf([&] { f.service.CancelKeyDeletion(f.Ctx(), k.id); }) ==
        k.Arn() + " is not pending deletion.");
  f.service.ScheduleKeyDeletion(f.Ctx(), k.id, std::nullopt);
  CHECK(f.service.CancelKeyDeletion(f.Ctx(), k.id) == k.Arn());
  Key after = f.service.DescribeKey(f.Ctx(), k.id);
  CHECK(after.state == KeyState::kDisabled);
  CHECK_FALSE(after.deletion_date);
}

TEST_CASE("ListKeys pages with opaque markers and rejects forged ones") {
  ServiceFixture f;
  for (int i = 0; i < 5; ++i) f.NewKey();
  Page page;
  page.limit = 2;
  std::vector<std::string> seen;
  for (int guard = 0; guard < 10; ++guard) {
    ListKeysResult r = f.service.ListKeys(f.Ctx(), page);
    for (auto& e : r.keys) seen.push_back(e.key_id);
    if (!r.next_marker) break;
    page.marker = r.next_marker;
  }
  CHECK(seen.size() == 5);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  Page forged;
  forged.marker = "not-a-marker";
  CHECK(ErrorOf([&] { f.service.ListKeys(f.Ctx(), forged); }) == "InvalidMarkerException");
}

TEST_CASE("Tags follow AWS's rules") {
  ServiceFixture f;
  Key k = f.NewKey();
  f.service.TagResource(f.Ctx(), k.id, {{"env", "dev"}, {"team", "a"}});
  f.service.TagResource(f.Ctx(), k.id, {{"env", "prod"}});
  auto tags = f.service.ListResourceTags(f.Ctx(), k.id, {}).tags;
  REQUIRE(tags.size() == 2);
  CHECK(tags[0] == Tag{"env", "prod"});
  CHECK(MessageOf([&] {
          f.service.TagResource(f.Ctx(), k.id, {{"aws:x", "1"}});
        }) == "Tags beginning with aws: are reserved");
  CHECK(MessageOf([&] {
          f.service.TagResource(f.Ctx(), k.id, {{"a", "1"}, {"a", "2"}});
        }) == "Duplicate tag keys");
  std::vector<Tag> many;
  for (int i = 0; i < 49; ++i) many.push_back({"k" + std::to_string(i), ""});
  CHECK(MessageOf([&] { f.service.TagResource(f.Ctx(), k.id, many); }) == "Too many tags");
  f.service.UntagResource(f.Ctx(), k.id, {"env", "absent"});
  CHECK(f.service.ListResourceTags(f.Ctx(), k.id, {}).tags.size() == 1);
}

TEST_CASE("Key policies are stored, validated and named default") {
  ServiceFixture f;
  Key k = f.NewKey();
  CHECK(f.service.GetKeyPolicy(f.Ctx(), k.id, std::nullopt).find("key-default-1") !=
        std::string::npos);
  CHECK(ErrorOf([&] { f.service.PutKeyPolicy(f.Ctx(), k.id, "default", "{not json"); }) ==
        "MalformedPolicyDocumentException");
  CHECK(ErrorOf([&] { f.service.GetKeyPolicy(f.Ctx(), k.id, "other"); }) == "NotFoundException");
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  // No statement: a lockout policy, stored only with the safety check bypassed.
  f.service.PutKeyPolicy(f.Ctx(), k.id, std::nullopt, policy, /*bypass_lockout_check=*/true);
  // Stored as AWS re-serialises it (StoredKeyPolicy), not the submitted bytes.
  CHECK(f.service.GetKeyPolicy(f.Ctx(), k.id, "default") ==
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ ]\n}");
  CHECK(f.service.ListKeyPolicies(f.Ctx(), k.id, {}).names == std::vector<std::string>{"default"});
}

TEST_CASE("Aliases: reserved prefix, duplicates, swaps between keys of one kind") {
  ServiceFixture f;
  Key a = f.NewKey();
  Key b = f.NewKey();
  CHECK(ErrorOf([&] { f.service.CreateAlias(f.Ctx(), "alias/aws/s3", a.id); }) ==
        "InvalidAliasNameException");
  CHECK(ErrorOf([&] { f.service.CreateAlias(f.Ctx(), "app", a.id); }) == "ValidationException");
  f.service.CreateAlias(f.Ctx(), "alias/app", a.id);
  CHECK(ErrorOf([&] { f.service.CreateAlias(f.Ctx(), "alias/app", b.id); }) ==
        "AlreadyExistsException");
  CHECK(f.service.DescribeKey(f.Ctx(), "alias/app").id == a.id);
  f.service.UpdateAlias(f.Ctx(), "alias/app", b.id);
  CHECK(f.service.DescribeKey(f.Ctx(), "alias/app").id == b.id);
  CHECK(f.service.ListAliases(f.Ctx(), a.id, {}).aliases.empty());
  CHECK(f.service.ListAliases(f.Ctx(), b.id, {}).aliases.size() == 1);
  f.service.DeleteAlias(f.Ctx(), "alias/app");
  CHECK(ErrorOf([&] { f.service.DeleteAlias(f.Ctx(), "alias/app"); }) == "NotFoundException");
}

TEST_CASE("The keys-per-Region quota: customer managed keys only, per account and Region") {
  ServiceConfig config = ServiceFixture::DefaultConfig();
  config.keys_per_region_limit = 2;
  ServiceFixture f(config);
  f.NewKey();
  CreateKeyRequest multi;
  multi.multi_region = true;
  Key primary = f.service.CreateKey(f.Ctx(), multi);
  // AWS managed keys are not counted: the first use of alias/aws/ebs creates one.
  EncryptRequest enc;
  enc.key_id = "alias/aws/ebs";
  enc.plaintext = SecretBytes(reinterpret_cast<const uint8_t*>("x"), 1);
  f.service.Encrypt(f.CtxFor("Encrypt"), enc);
  try {
    f.NewKey();
    FAIL("a third customer managed key was created");
  } catch (const KmsError& e) {
    CHECK(e.name() == "LimitExceededException");
    CHECK(e.message() ==
          "Key quota for this account in this region is 2 but the current usage is 2.");
  }
  CHECK(f.service.ListKeys(f.Ctx(), Page{}).keys.size() == 3);  // two, and the AWS managed one
  // Another Region, another account: their own quota.
  f.service.CreateKey(f.Ctx({"111122223333", "eu-west-1"}), CreateKeyRequest{});
  f.service.CreateKey(f.Ctx({"444455556666", "us-east-1"}), CreateKeyRequest{});
  // A replica is a key of its Region: eu-west-1 holds one, so one more fits, then none.
  ReplicateKeyRequest rep;
  rep.key_id = primary.id;
  rep.replica_region = "eu-west-1";
  f.service.ReplicateKey(f.Ctx(), rep);
  f.service.CreateKey(f.Ctx({"111122223333", "eu-west-2"}), CreateKeyRequest{});
  f.service.CreateKey(f.Ctx({"111122223333", "eu-west-2"}), CreateKeyRequest{});
  rep.replica_region = "eu-west-2";
  CHECK(ErrorOf([&] { f.service.ReplicateKey(f.Ctx(), rep); }) == "LimitExceededException");
}

TEST_CASE("Aliases per key: AWS's quota of 50, and AWS's text") {
  ServiceFixture f;
  Key key = f.NewKey();
  Key other = f.NewKey();
  for (int i = 0; i < 50; ++i) {
    f.service.CreateAlias(f.Ctx(), "alias/a" + std::to_string(i), key.id);
  }
  f.service.CreateAlias(f.Ctx(), "alias/elsewhere", other.id);
  try {
    f.service.CreateAlias(f.Ctx(), "alias/a50", key.id);
    FAIL("a 51st alias was created");
  } catch (const KmsError& e) {
    CHECK(e.name() == "LimitExceededException");
    CHECK(e.message() ==
          "Aliases per key quota for this account in this region is 50, current usage is 50.");
  }
  CHECK(ErrorOf([&] { f.service.UpdateAlias(f.Ctx(), "alias/elsewhere", key.id); }) ==
        "LimitExceededException");
}
