// Grants: the rules of core/grant.h with plain values, and the service's
// CreateGrant/ListGrants/ListRetirableGrants/RetireGrant/RevokeGrant on the
// in-memory store.
#include "core/grant.h"

#include <catch2/catch.hpp>

#include "service_fixture.h"
#include "tests/thrown_error.h"

using namespace rotor::core;
using rotor::core::testing::ServiceFixture;

using rotor::testing::ThrownError;

namespace {

using Op = GrantOperation;

const std::string kRole = "arn:aws:iam::111122223333:role/app";
const std::string kOps = "arn:aws:iam::111122223333:role/ops";

}  // namespace

TEST_CASE("Grant operations follow the key type table") {
  // Symmetric encryption keys: the data key operations, never Sign/Verify/GetPublicKey.
  for (Op op :
       {Op::kEncrypt, Op::kDecrypt, Op::kGenerateDataKey, Op::kGenerateDataKeyWithoutPlaintext,
        Op::kGenerateDataKeyPair, Op::kGenerateDataKeyPairWithoutPlaintext, Op::kReEncryptFrom,
        Op::kReEncryptTo, Op::kCreateGrant, Op::kRetireGrant, Op::kDescribeKey}) {
    CAPTURE(ToString(op));
    CHECK(GrantOperationAllowed(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt, op));
  }
  for (Op op : {Op::kSign, Op::kVerify, Op::kGetPublicKey, Op::kGenerateMac, Op::kVerifyMac,
                Op::kDeriveSharedSecret}) {
    CAPTURE(ToString(op));
    CHECK_FALSE(GrantOperationAllowed(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt, op));
  }
  // RSA encryption: no data keys, no signing.
  CHECK(GrantOperationAllowed(KeySpec::kRsa2048, KeyUsage::kEncryptDecrypt, Op::kGetPublicKey));
  CHECK_FALSE(
      GrantOperationAllowed(KeySpec::kRsa2048, KeyUsage::kEncryptDecrypt, Op::kGenerateDataKey));
  CHECK_FALSE(GrantOperationAllowed(KeySpec::kRsa2048, KeyUsage::kEncryptDecrypt, Op::kSign));
  // Signing keys.
  CHECK(GrantOperationAllowed(KeySpec::kEccNistP256, KeyUsage::kSignVerify, Op::kSign));
  CHECK_FALSE(GrantOperationAllowed(KeySpec::kEccNistP256, KeyUsage::kSignVerify, Op::kEncrypt));
  // HMAC and key agreement keys.
  CHECK(GrantOperationAllowed(KeySpec::kHmac256, KeyUsage::kGenerateVerifyMac, Op::kVerifyMac));
  CHECK_FALSE(
      GrantOperationAllowed(KeySpec::kHmac256, KeyUsage::kGenerateVerifyMac, Op::kGetPublicKey));
  CHECK(GrantOperationAllowed(KeySpec::kEccNistP384, KeyUsage::kKeyAgreement,
                              Op::kDeriveSharedSecret));
  CHECK(GrantOperationAllowed(KeySpec::kEccNistP384, KeyUsage::kKeyAgreement, Op::kDescribeKey));
}

TEST_CASE("CheckGrantOperations refuses what AWS refuses and drops duplicates") {
  KmsError e = ThrownError([] {
    CheckGrantOperations(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt,
                         {Op::kEncrypt, Op::kSign});
  });
  CHECK(e.name() == "ValidationException");
  CHECK(e.message() ==
        "Grant operations [Sign] are not valid for a KMS key with KeySpec SYMMETRIC_DEFAULT and "
        "KeyUsage ENCRYPT_DECRYPT.");
  KmsError only = ThrownError([] {
    CheckGrantOperations(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt,
                         {Op::kCreateGrant, Op::kCreateGrant});
  });
  CHECK(only.name() == "ValidationException");
  CHECK(only.message() == "Grants must not contain only the CreateGrant operation.");
  CHECK(CheckGrantOperations(KeySpec::kSymmetricDefault, KeyUsage::kEncryptDecrypt,
                             {Op::kDecrypt, Op::kEncrypt, Op::kDecrypt}) ==
        std::vector<Op>{Op::kDecrypt, Op::kEncrypt});
}

TEST_CASE("Encryption context constraints only on symmetric keys' context operations") {
  GrantConstraints subset{EncryptionContext{{"Dept", "IT"}}, std::nullopt};
  CHECK_NOTHROW(CheckGrantConstraints(KeySpec::kSymmetricDefault,
                                      {Op::kDecrypt, Op::kDescribeKey, Op::kRetireGrant}, subset));
  KmsError asym = ThrownError([&] {
    CheckGrantConstraints(KeySpec::kRsa2048, {Op::kDecrypt, Op::kDescribeKey}, subset);
  });
  CHECK(asym.name() == "ValidationException");
  CHECK(asym.message() ==
        "Encryption context grant constraints are not supported for the grant operations "
        "[Decrypt] on a KMS key with KeySpec RSA_2048.");
  // DescribeKey, CreateGrant and RetireGrant take a constraint on any key.
  CHECK_NOTHROW(CheckGrantConstraints(KeySpec::kHmac256, {Op::kDescribeKey}, subset));
  // No constraint, or an empty Constraints structure: nothing to check.
  CHECK_NOTHROW(CheckGrantConstraints(KeySpec::kHmac256, {Op::kGenerateMac}, std::nullopt));
  CHECK_NOTHROW(CheckGrantConstraints(KeySpec::kHmac256, {Op::kGenerateMac}, GrantConstraints{}));
  // At most 8 pairs, values up to 384 characters.
  EncryptionContext nine;
  for (int i = 0; i < 9; ++i) nine["k" + std::to_string(i)] = "v";
  CHECK(ThrownError([&] {
          CheckGrantConstraints(KeySpec::kSymmetricDefault, {Op::kDecrypt},
                                GrantConstraints{std::nullopt, nine});
        }).name() == "ValidationException");
  CHECK(ThrownError([&] {
          CheckGrantConstraints(
              KeySpec::kSymmetricDefault, {Op::kDecrypt},
              GrantConstraints{EncryptionContext{{"k", std::string(385, 'v')}}, std::nullopt});
        }).name() == "ValidationException");
  CHECK_NOTHROW(CheckGrantConstraints(
      KeySpec::kSymmetricDefault, {Op::kDecrypt},
      GrantConstraints{EncryptionContext{{"k", std::string(384, 'v')}}, std::nullopt}));
}

TEST_CASE("Principals: accounts, IAM and STS ARNs, service principals") {
  for (const char* ok :
       {"111122223333", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:role/app",
        "arn:aws:iam::111122223333:user/alice", "arn:aws-cn:iam::111122223333:role/x",
        "arn:aws:sts::111122223333:assumed-role/app/session", "rds.us-east-1.amazonaws.com"}) {
    CAPTURE(ok);
    CHECK_NOTHROW(CheckPrincipal(ok));
  }
  for (const char* bad : {"", "alice", "11112222333", "arn:aws:kms:us-east-1:111122223333:key/abc",
                          "arn:aws:iam:us-east-1:111122223333:role/app",
                          "arn:aws:iam::1111:role/app", "arn:aws:iam::111122223333:", "*"}) {
    CAPTURE(bad);
    KmsError e = ThrownError([&] { CheckPrincipal(bad); });
    CHECK(e.name() == "InvalidArnException");
    CHECK(e.message() == std::string("ARN does not refer to a valid principal: ") + bad);
  }
}

TEST_CASE("Grant tokens name their grant and key, anything else is malformed") {
  Grant g;
  g.scope = {"111122223333", "us-east-1"};
  g.key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  g.grant_id = std::string(64, 'e');
  std::string token = MakeGrantToken(g, Bytes(16, 7));
  CHECK(token.substr(0, 4) == "AQpA");  // as AWS's tokens begin
  std::optional<GrantTokenParts> parts = ParseGrantToken(token);
  REQUIRE(parts);
  CHECK(parts->scope == g.scope);
  CHECK(parts->key_id == g.key_id);
  CHECK(parts->grant_id == g.grant_id);
  CHECK(MakeGrantToken(g, Bytes(16, 8)) != token);
  for (const std::string& bad :
       {std::string("t"), std::string(""), std::string("AQpA"), token.substr(0, token.size() - 4),
        token + "AAAA", std::string(64, 'e')}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseGrantToken(bad));
  }
  CHECK_NOTHROW(CheckGrantTokens({token, token}));
  KmsError e = ThrownError([&] { CheckGrantTokens({token, "t"}); });
  CHECK(e.name() == "InvalidGrantTokenException");
}

TEST_CASE("SameGrantParameters: the Name rule compares every parameter, not the order") {
  Grant a;
  a.name = "n";
  a.grantee_principal = kRole;
  a.operations = {Op::kEncrypt, Op::kDecrypt};
  Grant b = a;
  b.operations = {Op::kDecrypt, Op::kEncrypt};
  b.grant_id = std::string(64, '1');
  CHECK(SameGrantParameters(a, b));
  b.retiring_principal = kOps;
  CHECK_FALSE(SameGrantParameters(a, b));
  b = a;
  b.constraints = GrantConstraints{EncryptionContext{{"a", "b"}}, std::nullopt};
  CHECK_FALSE(SameGrantParameters(a, b));
}

TEST_CASE("CreateGrant, ListGrants, RetireGrant and RevokeGrant on the service") {
  ServiceFixture f;
  Key key = f.NewKey();
  CreateGrantRequest req;
  req.key_id = key.id;
  req.grantee_principal = kRole;
  req.retiring_principal = kOps;
  req.operations = {Op::kEncrypt, Op::kDecrypt};
  req.name = "app";
  CreateGrantResult first = f.service.CreateGrant(f.CtxFor("CreateGrant"), req);
  CHECK(IsGrantId(first.grant_id));
  REQUIRE(ParseGrantToken(first.grant_token));
  CHECK(ParseGrantToken(first.grant_token)->grant_id == first.grant_id);

  // Same Name and parameters: the same grant, a fresh token.
  CreateGrantResult again = f.service.CreateGrant(f.CtxFor("CreateGrant"), req);
  CHECK(again.grant_id == first.grant_id);
  CHECK(again.grant_token != first.grant_token);
  // Same Name, other parameters: a new grant.
  CreateGrantRequest other = req;
  other.operations = {Op::kDecrypt};
  CreateGrantResult second = f.service.CreateGrant(f.CtxFor("CreateGrant"), other);
  CHECK(second.grant_id != first.grant_id);

  ListGrantsRequest list;
  list.key_id = key.Arn();
  ListGrantsResult all = f.service.ListGrants(f.CtxFor("ListGrants"), list);
  REQUIRE(all.grants.size() == 2);
  CHECK(all.grants[0].grant_id < all.grants[1].grant_id);
  CHECK(all.grants[0].issuing_account == "arn:aws:iam::111122223333:root");

  // Paging, one at a time.
  list.page.limit = 1;
  ListGrantsResult page1 = f.service.ListGrants(f.CtxFor("ListGrants"), list);
  REQUIRE(page1.grants.size() == 1);
  REQUIRE(page1.next_marker);
  list.page.marker = page1.next_marker;
  ListGrantsResult page2 = f.service.ListGrants(f.CtxFor("ListGrants"), list);
  REQUIRE(page2.grants.size() == 1);
  CHECK_FALSE(page2.next_marker);
  CHECK(page2.grants[0].grant_id == all.grants[1].grant_id);

  // The access-control lookups.
  CHECK(f.service.GrantsOfKey(key.scope, key.id)->size() == 2);
  CHECK(f.service.GrantsForGrantee(key.scope, key.id, kRole).size() == 2);
  CHECK(f.service.GrantsForGrantee(key.scope, key.id, kOps).empty());
  REQUIRE(f.service.GrantOfToken(first.grant_token));
  CHECK(f.service.GrantOfToken(first.grant_token)->grant_id == first.grant_id);
  CHECK_FALSE(f.service.GrantOfToken("t"));

  // Retirable grants by principal.
  ListGrantsResult retirable =
      f.service.ListRetirableGrants(f.CtxFor("ListRetirableGrants"), kOps, Page{});
  CHECK(retirable.grants.size() == 2);

  // Retire by token; the token then names a grant that is gone.
  RetireGrantRequest retire;
  retire.grant_token = first.grant_token;
  f.service.RetireGrant(f.CtxFor("RetireGrant"), retire);
  CHECK(f.service.GrantsOfKey(key.scope, key.id)->size() == 1);
  CHECK_FALSE(f.service.GrantOfToken(first.grant_token));
  KmsError gone = ThrownError([&] { f.service.RetireGrant(f.CtxFor("RetireGrant"), retire); });
  CHECK(gone.name() == "NotFoundException");
  CHECK(gone.message() == "Grant ID " + first.grant_id + " not found");

  // Revoke: a malformed id, an unknown one, then the grant.
  KmsError malformed =
      ThrownError([&] { f.service.RevokeGrant(f.CtxFor("RevokeGrant"), key.id, "abc", false); });
  CHECK(malformed.name() == "InvalidGrantIdException");
  KmsError dry = ThrownError(
      [&] { f.service.RevokeGrant(f.CtxFor("RevokeGrant"), key.id, second.grant_id, true); });
  CHECK(dry.name() == "DryRunOperationException");
  f.service.RevokeGrant(f.CtxFor("RevokeGrant"), key.id, second.grant_id, false);
  CHECK(f.service.GrantsOfKey(key.scope, key.id)->empty());
  CHECK(ThrownError([&] {
          f.service.RevokeGrant(f.CtxFor("RevokeGrant"), key.id, second.grant_id, false);
        }).name() == "NotFoundException");
}

TEST_CASE("CreateGrant: key state, principals, the quota and DryRun") {
  ServiceConfig config = ServiceFixture::DefaultConfig();
  config.grants_per_key_limit = 2;
  ServiceFixture f(config);
  Key key = f.NewKey();
  CreateGrantRequest req;
  req.key_id = key.id;
  req.grantee_principal = kRole;
  req.operations = {Op::kDecrypt};

  req.dry_run = true;
  CHECK(ThrownError([&] { f.service.CreateGrant(f.CtxFor("CreateGrant"), req); }).name() ==
        "DryRunOperationException");
  CHECK(f.service.GrantsOfKey(key.scope, key.id)->empty());
  req.dry_run = false;

  f.service.CreateGrant(f.CtxFor("CreateGrant"), req);
  f.service.CreateGrant(f.CtxFor("CreateGrant"), req);
  KmsError limit = ThrownError([&] { f.service.CreateGrant(f.CtxFor("CreateGrant"), req); });
  CHECK(limit.name() == "LimitExceededException");
  CHECK(limit.message() ==
        "The grants limit has been reached for the given keyId. No more grants can be created "
        "for this key: " +
            key.Arn());

  Key other = f.NewKey();
  req.key_id = other.id;
  req.grantee_principal = "nobody";
  KmsError principal = ThrownError([&] { f.service.CreateGrant(f.CtxFor("CreateGrant"), req); });
  CHECK(principal.name() == "InvalidArnException");

  // Disabled keys take grants; keys pending deletion do not.
  req.grantee_principal = kRole;
  f.service.DisableKey(f.Ctx(), other.id);
  CHECK_NOTHROW(f.service.CreateGrant(f.CtxFor("CreateGrant"), req));
  f.service.ScheduleKeyDeletion(f.Ctx(), other.id, 7);
  KmsError pending = ThrownError([&] { f.service.CreateGrant(f.CtxFor("CreateGrant"), req); });
  CHECK(pending.name() == "KMSInvalidStateException");
  CHECK(pending.message() == other.Arn() + " is pending deletion.");
  // An alias does not name a key for CreateGrant.
  f.service.CreateAlias(f.Ctx(), "alias/k", key.id);
  req.key_id = "alias/k";
  CHECK(ThrownError([&] { f.service.CreateGrant(f.CtxFor("CreateGrant"), req); }).name() ==
        "NotFoundException");
}

TEST_CASE("A key's deletion removes its grants from the store and the cache") {
  ServiceFixture f;
  Key key = f.NewKey();
  CreateGrantRequest req;
  req.key_id = key.id;
  req.grantee_principal = kRole;
  req.retiring_principal = kOps;
  req.operations = {Op::kDecrypt};
  CreateGrantResult g = f.service.CreateGrant(f.CtxFor("CreateGrant"), req);
  CHECK(f.service.GrantsOfKey(key.scope, key.id)->size() == 1);
  f.service.ScheduleKeyDeletion(f.Ctx(), key.id, 7);
  f.Advance(Days(8));
  CHECK(f.service.GrantsOfKey(key.scope, key.id)->empty());
  CHECK_FALSE(f.service.GrantOfToken(g.grant_token));
  CHECK(
      f.service.ListRetirableGrants(f.CtxFor("ListRetirableGrants"), kOps, Page{}).grants.empty());
}
