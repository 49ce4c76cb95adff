#include "core/ids.h"

#include <catch2/catch.hpp>

using namespace rotor::core;

TEST_CASE("Key references are classified without lookups") {
  auto id = ParseKeyReference("1234abcd-12ab-34cd-56ef-1234567890ab");
  CHECK(id.kind == KeyReference::Kind::kKeyId);

  auto arn = ParseKeyReference(
      "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  CHECK(arn.kind == KeyReference::Kind::kKeyArn);
  CHECK(arn.region == "eu-west-1");
  CHECK(arn.account == "123456789012");
  CHECK(arn.id == "1234abcd-12ab-34cd-56ef-1234567890ab");

  auto alias = ParseKeyReference("alias/app");
  CHECK(alias.kind == KeyReference::Kind::kAliasName);
  CHECK(alias.id == "alias/app");

  auto alias_arn = ParseKeyReference("arn:aws:kms:us-east-1:111122223333:alias/app/db");
  CHECK(alias_arn.kind == KeyReference::Kind::kAliasArn);
  CHECK(alias_arn.id == "alias/app/db");

  auto junk = ParseKeyReference("arn:aws:s3:::bucket");
  CHECK(junk.kind == KeyReference::Kind::kKeyId);  // then "Invalid keyId"
}

TEST_CASE("The key id a key id or key ARN names, as a view into the text") {
  const std::string id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  const std::string arn = "arn:aws:kms:eu-west-1:123456789012:key/" + id;
  CHECK(KeyIdNamedBy(id) == id);
  CHECK(KeyIdNamedBy(arn) == id);
  CHECK(KeyIdNamedBy(arn).data() == arn.data() + arn.size() - id.size());  // not a copy
  CHECK(KeyIdNamedBy(
            "arn:aws-cn:kms:cn-north-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab") ==
        "mrk-1234abcd12ab34cd56ef1234567890ab");
  CHECK(KeyIdNamedBy("alias/app").empty());
  CHECK(KeyIdNamedBy("arn:aws:kms:us-east-1:111122223333:alias/app").empty());
  CHECK(KeyIdNamedBy("arn:aws:kms:us-east-1:111122223333:key/not-a-key-id").empty());
  CHECK(KeyIdNamedBy("arn:aws:s3:::bucket").empty());
  CHECK(KeyIdNamedBy("fake-key-id").empty());
}

TEST_CASE("Key id, multi-Region id and alias name formats") {
  CHECK(IsKeyId("1234abcd-12ab-34cd-56ef-1234567890ab"));
  CHECK_FALSE(IsKeyId("1234ABCD-12ab-34cd-56ef-1234567890ab"));
  CHECK_FALSE(IsKeyId("fake-key-id"));
  CHECK_FALSE(IsKeyId("1234abcd12ab34cd56ef1234567890ab"));
  CHECK(IsMultiRegionKeyId("mrk-1234abcd12ab34cd56ef1234567890ab"));
  CHECK_FALSE(IsMultiRegionKeyId("mrk-fake-key-id"));
  CHECK(IsAliasName("alias/my_app-1/db"));
  CHECK_FALSE(IsAliasName("alias/"));
  CHECK_FALSE(IsAliasName("alias/has space"));
  CHECK_FALSE(IsAliasName("app"));
  CHECK(IsAwsManagedAliasName("alias/aws/s3"));
  CHECK(KeyArn({"111122223333", "us-east-1"}, "k") == "arn:aws:kms:us-east-1:111122223333:key/k");
}

TEST_CASE("Regions by partition: where ReplicateKey may put a replica") {
  CHECK(PartitionOfRegion("us-east-1") == "aws");
  CHECK(PartitionOfRegion("eu-west-1") == "aws");
  CHECK(PartitionOfRegion("cn-north-1") == "aws-cn");
  CHECK(PartitionOfRegion("us-gov-west-1") == "aws-us-gov");
  CHECK(PartitionOfRegion("xx-nowhere-9").empty());
  CHECK(PartitionOfRegion("").empty());
}
