// AWS managed keys and the predefined alias/aws/* aliases: the table, the
// first use that creates a key, yearly rotation on the clock, the operations
// AWS forbids on them, the report line and the seed round trip.
#include "core/aws_managed_keys.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "core/compliance_report.h"
#include "core/key_inventory.h"
#include "core/key_policy.h"
#include "core/seed.h"
#include "core/seed_export.h"
#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;

namespace {

const Scope kScope{"111122223333", "us-east-1"};

std::string Denied(std::string_view operation, const std::string& arn) {
  return "User: arn:aws:iam::111122223333:root is not authorized to perform: kms:" +
         std::string(operation) + " on resource: " + arn +
         " because no resource-based policy allows the kms:" + std::string(operation) + " action";
}

const AliasEntry* Find(const ListAliasesResult& r, const std::string& name) {
  for (const AliasEntry& a : r.aliases)
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("Predefined aliases: the ones a new account lists, in name order") {
  std::set<std::string> names;
  std::string previous;
  for (const PredefinedAlias& a : PredefinedAliases()) {
    CHECK(std::string(a.name) > previous);
    previous = std::string(a.name);
    names.insert(previous);
    CHECK(IsAwsManagedAliasName(a.name));
    CHECK(a.description.find("Default key that protects my ") == 0);
    CHECK(FindPredefinedAlias(a.name) == &a);
  }
  for (const char* service :
       {"acm", "dynamodb", "ebs", "elasticfilesystem", "es", "glue", "kinesisvideo", "lambda",
        "rds", "redshift", "s3", "secretsmanager", "ssm", "xray"}) {
    CHECK(names.count(std::string("alias/aws/") + service) == 1);
  }
  CHECK(FindPredefinedAlias("alias/aws/mine") == nullptr);
  CHECK(FindPredefinedAlias("alias/s3") == nullptr);
  CHECK(FindPredefinedAlias("alias/aws/s3")->description ==
        "Default key that protects my S3 objects when no other key is defined");
}

TEST_CASE("An AWS managed key's policy names its account and Region through kms:ViaService") {
  for (const PredefinedAlias& a : PredefinedAliases()) {
    std::string policy = AwsManagedKeyPolicy(a, {"444455556666", "eu-west-3"});
    INFO(a.name);
    nlohmann::json doc = nlohmann::json::parse(policy);
    CHECK(doc["Version"] == "2012-10-17");
    CHECK(policy.find("{account}") == std::string::npos);
    CHECK(policy.find("{region}") == std::string::npos);
    CHECK(policy.find("\"kms:CallerAccount\" : \"444455556666\"") != std::string::npos);
    CHECK(policy.find("kms:ViaService") != std::string::npos);
    // Already in the layout AWS stores policies in (what GetKeyPolicy returns).
    CHECK(StoredKeyPolicy(policy) == policy);
  }
  std::string s3 = AwsManagedKeyPolicy(*FindPredefinedAlias("alias/aws/s3"), kScope);
  CHECK(s3.find("\"kms:ViaService\" : \"s3.us-east-1.amazonaws.com\"") != std::string::npos);
  CHECK(s3.find("\"AWS\" : \"arn:aws:iam::111122223333:root\"") != std::string::npos);
}

TEST_CASE("NewAwsManagedKey: KeyManager AWS, AWS's description, yearly rotation from now") {
  Timestamp now = *ParseIso8601("2026-03-01T00:00:00Z");
  const PredefinedAlias& ebs = *FindPredefinedAlias("alias/aws/ebs");
  Key k = NewAwsManagedKey(ebs, kScope, "0a1b2c3d-0000-4000-8000-000000000001", now,
                           JitterModel(1, Millis(0)));
  CHECK(k.manager == KeyManager::kAws);
  CHECK(k.spec == KeySpec::kSymmetricDefault);
  CHECK(k.usage == KeyUsage::kEncryptDecrypt);
  CHECK(k.origin == Origin::kAwsKms);
  CHECK(k.state == KeyState::kEnabled);
  CHECK(k.description == ebs.description);
  CHECK(k.policy == AwsManagedKeyPolicy(ebs, kScope));
  CHECK(k.rotation.enabled);
  CHECK(k.rotation.period_days == 365);
  CHECK(k.rotation.next_rotation == now + Days(365));
}

TEST_CASE("RequireCustomerManaged refuses AWS managed keys with AWS's AccessDeniedException") {
  Key k;
  k.scope = kScope;
  k.id = "0a1b2c3d-0000-4000-8000-000000000002";
  RequireCustomerManaged(k, "DisableKey");  // customer managed: nothing
  k.manager = KeyManager::kAws;
  CHECK(ErrorOf([&] { RequireCustomerManaged(k, "DisableKey"); }) == "AccessDeniedException");
  CHECK(MessageOf([&] { RequireCustomerManaged(k, "DisableKey"); }) ==
        Denied("DisableKey", k.Arn()));
}

TEST_CASE("The first use of a predefined alias creates its AWS managed key, once") {
  ServiceFixture f;
  ListAliasesResult before = f.service.ListAliases(f.Ctx(), std::nullopt, {});
  REQUIRE(before.aliases.size() == PredefinedAliases().size());
  const AliasEntry* s3 = Find(before, "alias/aws/s3");
  REQUIRE(s3);
  CHECK_FALSE(s3->target_key_id);
  CHECK_FALSE(s3->creation_date);
  CHECK(s3->arn == "arn:aws:kms:us-east-1:111122223333:alias/aws/s3");
  CHECK(f.service.ListKeys(f.Ctx(), {}).keys.empty());

  Key k = f.service.DescribeKey(f.CtxFor("DescribeKey"), "alias/aws/s3");
  CHECK(k.manager == KeyManager::kAws);
  CHECK(k.description == "Default key that protects my S3 objects when no other key is defined");
  CHECK(k.state == KeyState::kEnabled);
  CHECK(k.current_version == 1);
  CHECK(f.service.DescribeKey(f.Ctx(), "alias/aws/s3").id == k.id);
  CHECK(f.service.DescribeKey(f.Ctx(), "arn:aws:kms:us-east-1:111122223333:alias/aws/s3").id ==
        k.id);
  CHECK(f.service.GetKeyPolicy(f.Ctx(), k.id, "default") ==
        AwsManagedKeyPolicy(*FindPredefinedAlias("alias/aws/s3"), kScope));

  ListAliasesResult after = f.service.ListAliases(f.Ctx(), std::nullopt, {});
  REQUIRE(after.aliases.size() == PredefinedAliases().size());
  REQUIRE(Find(after, "alias/aws/s3")->target_key_id == k.id);
  CHECK(Find(after, "alias/aws/s3")->creation_date == f.clock.Now());
  CHECK_FALSE(Find(after, "alias/aws/ebs")->target_key_id);
  CHECK(f.service.ListAliases(f.Ctx(), k.id, {}).aliases.size() == 1);
  CHECK(f.service.ListKeys(f.Ctx(), {}).keys.size() == 1);

  // Encrypt and GenerateDataKey through another alias create that key, and it works.
  Bytes blob = f.EncryptText("alias/aws/ebs", "volume");
  CHECK(f.DecryptText(blob) == "volume");
  GenerateDataKeyRequest gdk;
  gdk.key_id = "alias/aws/lambda";
  gdk.number_of_bytes = 32;
  CHECK(f.service.GenerateDataKey(f.CtxFor("GenerateDataKey"), gdk, true).key_arn ==
        f.service.DescribeKey(f.Ctx(), "alias/aws/lambda").Arn());
  CHECK(f.service.ListKeys(f.Ctx(), {}).keys.size() == 3);
  // Another account or Region has its own.
  Key other = f.service.DescribeKey(f.Ctx({"111122223333", "eu-west-1"}), "alias/aws/s3");
  CHECK(other.id != k.id);
  CHECK(other.policy.find("s3.eu-west-1.amazonaws.com") != std::string::npos);
}

TEST_CASE("Concurrent first uses of a predefined alias create exactly one key") {
  ServiceFixture f;
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&, i] { ids[i] = f.service.DescribeKey(f.Ctx(), "alias/aws/rds").id; });
  }
  for (std::thread& t : threads) t.join();
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 1);
  CHECK(f.service.ListKeys(f.Ctx(), {}).keys.size() == 1);
}

TEST_CASE("Paging ListAliases interleaves predefined and customer aliases in name order") {
  ServiceFixture f;
  Key k = f.NewKey();
  for (const char* name : {"alias/a", "alias/awz", "alias/zz"})
    f.service.CreateAlias(f.CtxFor("CreateAlias"), name, k.id);
  f.service.DescribeKey(f.Ctx(), "alias/aws/glue");
  std::vector<std::string> seen;
  Page page;
  page.limit = 4;
  for (int i = 0; i < 20; ++i) {
    ListAliasesResult r = f.service.ListAliases(f.Ctx(), std::nullopt, page);
    CHECK(r.aliases.size() <= 4);
    for (const AliasEntry& a : r.aliases) seen.push_back(a.name);
    if (!r.next_marker) break;
    page.marker = r.next_marker;
  }
  std::vector<std::string> expected{"alias/a", "alias/awz", "alias/zz"};
  for (const PredefinedAlias& a : PredefinedAliases()) expected.emplace_back(a.name);
  std::sort(expected.begin(), expected.end());
  CHECK(seen == expected);
}

TEST_CASE("Everything AWS forbids on an AWS managed key answers AccessDeniedException") {
  ServiceFixture f;
  Key k = f.service.DescribeKey(f.Ctx(), "alias/aws/secretsmanager");
  Key mine = f.NewKey();
  f.service.CreateAlias(f.CtxFor("CreateAlias"), "alias/mine", mine.id);
  auto denied = [&](std::string_view op, const std::function<void(const RequestContext&)>& call,
                    const std::string& arn) {
    INFO(op);
    RequestContext ctx = f.CtxFor(op);
    CHECK(ErrorOf([&] { call(ctx); }) == "AccessDeniedException");
    CHECK(MessageOf([&] { call(ctx); }) == Denied(op, arn));
  };
  const std::string arn = k.Arn();
  denied(
      "DisableKey", [&](auto& c) { f.service.DisableKey(c, k.id); }, arn);
  denied(
      "EnableKey", [&](auto& c) { f.service.EnableKey(c, k.id); }, arn);
  denied(
      "ScheduleKeyDeletion", [&](auto& c) { f.service.ScheduleKeyDeletion(c, k.id, 7); }, arn);
  denied(
      "CancelKeyDeletion", [&](auto& c) { f.service.CancelKeyDeletion(c, arn); }, arn);
  denied(
      "UpdateKeyDescription", [&](auto& c) { f.service.UpdateKeyDescription(c, k.id, "x"); }, arn);
  denied(
      "PutKeyPolicy",
      [&](auto& c) { f.service.PutKeyPolicy(c, k.id, "default", R"({"Statement":[]})"); }, arn);
  denied(
      "TagResource",
      [&](auto& c) {
        f.service.TagResource(c, k.id, {{"a", "b"}});
      },
      arn);
  denied(
      "UntagResource", [&](auto& c) { f.service.UntagResource(c, k.id, {"a"}); }, arn);
  denied(
      "EnableKeyRotation", [&](auto& c) { f.service.EnableKeyRotation(c, k.id, 90); }, arn);
  denied(
      "DisableKeyRotation", [&](auto& c) { f.service.DisableKeyRotation(c, k.id); }, arn);
  denied(
      "RotateKeyOnDemand", [&](auto& c) { f.service.RotateKeyOnDemand(c, k.id); }, arn);
  denied(
      "GetParametersForImport",
      [&](auto& c) {
        f.service.GetParametersForImport(c, k.id, WrappingAlgorithm::kRsaesOaepSha256,
                                         KeySpec::kRsa2048);
      },
      arn);
  denied(
      "CreateAlias", [&](auto& c) { f.service.CreateAlias(c, "alias/to-managed", k.id); }, arn);
  denied(
      "UpdateAlias", [&](auto& c) { f.service.UpdateAlias(c, "alias/mine", k.id); }, arn);
  // The alias/aws/ names are AWS's: no caller updates or deletes them.
  const std::string alias_arn = AliasArn(kScope, "alias/aws/secretsmanager");
  denied(
      "UpdateAlias",
      [&](auto& c) { f.service.UpdateAlias(c, "alias/aws/secretsmanager", mine.id); }, alias_arn);
  denied(
      "DeleteAlias", [&](auto& c) { f.service.DeleteAlias(c, "alias/aws/secretsmanager"); },
      alias_arn);
  CHECK(ErrorOf([&] {
          f.service.CreateAlias(f.CtxFor("CreateAlias"), "alias/aws/new", mine.id);
        }) == "InvalidAliasNameException");

  // Nothing changed; the reads all answer.
  Key now = f.service.DescribeKey(f.Ctx(), k.id);
  CHECK(now.state == KeyState::kEnabled);
  CHECK(now.description == k.description);
  CHECK(now.tags.empty());
  CHECK(now.policy == k.policy);
  CHECK(now.current_version == 1);
  CHECK(f.service.ListResourceTags(f.Ctx(), k.id, {}).tags.empty());
  CHECK(f.service.DescribeKey(f.Ctx(), "alias/mine").id == mine.id);
  KeyRotationStatus status = f.service.GetKeyRotationStatus(f.Ctx(), k.id);
  CHECK(status.enabled);
  CHECK(status.period_days == 365);
  CHECK(status.next_rotation == k.creation_date + Days(365));
}

TEST_CASE("An AWS managed key rotates every year on the clock, three years three rotations") {
  ServiceFixture f;
  Key k = f.service.DescribeKey(f.Ctx(), "alias/aws/ssm");
  Bytes first = f.EncryptText("alias/aws/ssm", "year zero");
  f.Advance(Days(3 * 365 + 1));
  ListKeyRotationsResult r = f.service.ListKeyRotations(f.Ctx(), k.id, std::nullopt, {});
  REQUIRE(r.rotations.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(r.rotations[i].version.rotation_type == RotationType::kAutomatic);
    CHECK(r.rotations[i].version.created == k.creation_date + Days(365 * (i + 1)));
  }
  KeyRotationStatus status = f.service.GetKeyRotationStatus(f.Ctx(), k.id);
  CHECK(status.next_rotation == k.creation_date + Days(4 * 365));
  CHECK(f.DecryptText(first) == "year zero");
}

TEST_CASE("rotor report counts AWS managed keys on their own line, never as customer keys") {
  ServiceFixture f;
  f.service.DescribeKey(f.Ctx(), "alias/aws/s3");
  f.service.DescribeKey(f.Ctx(), "alias/aws/ebs");
  f.NewKey();  // a customer key with rotation off
  KeyInventory inventory(f.repo);
  ReportOptions options;
  options.now = f.clock.Now() + Days(800);  // managed material rotates, never stale or overdue
  ComplianceReport r = BuildComplianceReport(inventory, options);
  REQUIRE(r.scopes.size() == 1);
  CHECK(r.scopes[0].total_keys == 3);
  CHECK(r.scopes[0].aws_managed_keys == 2);
  CHECK(r.aws_managed_keys == 2);
  CHECK(r.symmetric_customer_keys == 1);
  CHECK(r.rotation_enabled == 0);
  CHECK(r.scopes[0].rotation_disabled.size() == 1);
  CHECK(r.scopes[0].stale_material.size() == 1);  // the customer key's, not the managed ones
  CHECK(r.scopes[0].rotation_overdue.empty());
}

TEST_CASE("Export and seed round-trip an AWS managed key with its id, alias and material") {
  ServiceFixture f;
  Key k = f.service.DescribeKey(f.Ctx(), "alias/aws/dynamodb");
  f.Advance(Days(366));
  Bytes blob = f.EncryptText("alias/aws/dynamodb", "table");
  KeyInventory inventory(f.repo);
  SeedDocument doc = ExportSeed(inventory, f.repo, &f.sealer);
  REQUIRE(doc.keys.size() == 1);
  CHECK(doc.keys[0].manager == KeyManager::kAws);

  ServiceFixture other;
  other.service.LoadSeed(doc, other.clock.Now());
  Key loaded = other.service.DescribeKey(other.Ctx(), "alias/aws/dynamodb");
  CHECK(loaded.id == k.id);
  CHECK(loaded.manager == KeyManager::kAws);
  CHECK(loaded.description == k.description);
  CHECK(loaded.rotation.enabled);
  CHECK(loaded.rotation.period_days == 365);
  CHECK(other.DecryptText(blob) == "table");
  CHECK(other.service.ListKeys(other.Ctx(), {}).keys.size() == 1);
  CHECK(ErrorOf([&] { other.service.DisableKey(other.CtxFor("DisableKey"), k.id); }) ==
        "AccessDeniedException");

  SECTION("a seed cannot make an AWS managed key a customer can manage, or alias it") {
    SeedDocument bad = doc;
    bad.keys[0].rotation_period_days = 90;
    ServiceFixture third;
    CHECK_THROWS_AS(third.service.LoadSeed(bad, third.clock.Now()), SeedError);
    bad = doc;
    bad.aliases[0].name = "alias/custom";
    CHECK_THROWS_AS(third.service.LoadSeed(bad, third.clock.Now()), SeedError);
    bad = doc;
    bad.keys[0].manager = KeyManager::kCustomer;
    CHECK_THROWS_AS(third.service.LoadSeed(bad, third.clock.Now()), SeedError);
    bad = doc;
    bad.aliases[0].name = "alias/aws/not-predefined";
    CHECK_THROWS_AS(third.service.LoadSeed(bad, third.clock.Now()), SeedError);
  }
}
