// Issue 13 section 4: AWS's shapes found by comparing Rotor with recorded AWS
// answers (/work/shared/AWS-ERRORS.md): a status read is not a gate, the one
// order of checks (core/key_state_rules.h), the stored form of key policies,
// and the messages AWS sends.
#include <catch2/catch.hpp>

#include "core/key_policy.h"
#include "core/kms_error.h"
#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;

namespace {

Key NewKeyOf(ServiceFixture& f, std::string_view spec, std::string_view usage,
             Origin origin = Origin::kAwsKms) {
  CreateKeyRequest req;
  req.key_spec = Enum<KeySpec>(spec);
  req.key_usage = Enum<KeyUsage>(usage);
  req.origin = origin;
  return f.service.CreateKey(f.Ctx(), req);
}

SecretBytes Secret(std::string_view text) {
  return SecretBytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

}  // namespace

TEST_CASE("GetKeyRotationStatus on a key that cannot rotate answers not enabled") {
  // AWS: "always false" for asymmetric and HMAC keys; only the operations
  // that change rotation refuse them.
  ServiceFixture f;
  const std::pair<std::string_view, std::string_view> kinds[] = {
      {"RSA_2048", "ENCRYPT_DECRYPT"},    {"RSA_4096", "SIGN_VERIFY"},
      {"ECC_NIST_P256", "SIGN_VERIFY"},   {"ECC_NIST_P384", "KEY_AGREEMENT"},
      {"ECC_SECG_P256K1", "SIGN_VERIFY"}, {"SM2", "SIGN_VERIFY"},
      {"HMAC_256", "GENERATE_VERIFY_MAC"}};
  for (const auto& [spec, usage] : kinds) {
    CAPTURE(spec, usage);
    Key key = NewKeyOf(f, spec, usage);
    KeyRotationStatus status = f.service.GetKeyRotationStatus(f.Ctx(), key.id);
    CHECK_FALSE(status.enabled);
    CHECK(status.key_arn == key.Arn());
    CHECK_FALSE(status.period_days);
    CHECK_FALSE(status.next_rotation);
    CHECK_FALSE(status.on_demand_started);
    // ... in every state it can be read in.
    f.service.DisableKey(f.Ctx(), key.id);
    CHECK_FALSE(f.service.GetKeyRotationStatus(f.Ctx(), key.id).enabled);
    f.service.ScheduleKeyDeletion(f.Ctx(), key.id, 7);
    CHECK_FALSE(f.service.GetKeyRotationStatus(f.Ctx(), key.id).enabled);
    f.service.CancelKeyDeletion(f.Ctx(), key.id);
    f.service.EnableKey(f.Ctx(), key.id);
    // The writes keep refusing, with AWS's empty message.
    CHECK(ErrorOf([&] { f.service.EnableKeyRotation(f.Ctx(), key.id, std::nullopt); }) ==
          "UnsupportedOperationException");
    CHECK(MessageOf([&] { f.service.DisableKeyRotation(f.Ctx(), key.id); }) == "");
    CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), key.id); }) ==
          "UnsupportedOperationException");
  }
}

TEST_CASE("RotateKeyOnDemand returns the key ARN") {
  ServiceFixture f;
  Key key = f.NewKey();
  CHECK(f.service.RotateKeyOnDemand(f.Ctx(), key.id) == key.Arn());
}

TEST_CASE("The order of checks: the key state before its spec, usage and origin") {
  ServiceFixture f;
  SECTION("Enable/DisableKeyRotation on a disabled RSA or HMAC key: DisabledException") {
    for (auto [spec, usage] :
         {std::pair{"RSA_4096", "SIGN_VERIFY"}, std::pair{"HMAC_512", "GENERATE_VERIFY_MAC"}}) {
      Key key = NewKeyOf(f, spec, usage);
      f.service.DisableKey(f.Ctx(), key.id);
      CHECK(MessageOf([&] { f.service.EnableKeyRotation(f.Ctx(), key.id, 90); }) ==
            key.Arn() + " is disabled.");
      CHECK(ErrorOf([&] { f.service.DisableKeyRotation(f.Ctx(), key.id); }) == "DisabledException");
      CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), key.id); }) == "DisabledException");
      f.service.ScheduleKeyDeletion(f.Ctx(), key.id, 7);
      CHECK(MessageOf([&] { f.service.EnableKeyRotation(f.Ctx(), key.id, 90); }) ==
            key.Arn() + " is pending deletion.");
      CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), key.id); }) ==
            key.Arn() + " is pending deletion.");
    }
  }
  SECTION("Enable/DisableKeyRotation on a key pending import: the key-state table's origin text") {
    Key ext = NewKeyOf(f, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", Origin::kExternal);
    const std::string text =
        ext.Arn() + " origin is EXTERNAL which is not valid for this operation.";
    CHECK(MessageOf([&] { f.service.EnableKeyRotation(f.Ctx(), ext.id, 90); }) == text);
    CHECK(ErrorOf([&] { f.service.DisableKeyRotation(f.Ctx(), ext.id); }) ==
          "UnsupportedOperationException");
    CHECK(MessageOf([&] { f.service.GetKeyRotationStatus(f.Ctx(), ext.id); }) == text);
    CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), ext.id); }) ==
          ext.Arn() + " is pending import.");
  }
  SECTION("GetPublicKey on a disabled symmetric key: DisabledException, then the spec") {
    Key sym = f.NewKey();
    CHECK(MessageOf([&] { f.service.GetPublicKey(f.CtxFor("GetPublicKey"), sym.id); }) ==
          sym.Arn() + " key spec is SYMMETRIC_DEFAULT which is not valid for GetPublicKey.");
    f.service.DisableKey(f.Ctx(), sym.id);
    CHECK(ErrorOf([&] { f.service.GetPublicKey(f.CtxFor("GetPublicKey"), sym.id); }) ==
          "DisabledException");
  }
  SECTION("Crypto on a disabled or pending-deletion key of the wrong usage: the state") {
    Key sign = NewKeyOf(f, "ECC_NIST_P256", "SIGN_VERIFY");
    Key hmac = NewKeyOf(f, "HMAC_256", "GENERATE_VERIFY_MAC");
    f.service.DisableKey(f.Ctx(), sign.id);
    f.service.ScheduleKeyDeletion(f.Ctx(), hmac.id, 7);
    CHECK(MessageOf([&] { f.EncryptText(sign.id, "x"); }) == sign.Arn() + " is disabled.");
    MacRequest mac;
    mac.key_id = sign.id;
    mac.message = Secret("abc");
    mac.algorithm = MacAlgorithm::kHmacSha512;  // also wrong for the key: never reached
    CHECK(MessageOf([&] { f.service.GenerateMac(f.CtxFor("GenerateMac"), mac); }) ==
          sign.Arn() + " is disabled.");
    SignRequest s;
    s.key_id = hmac.id;
    s.message = Secret("m");
    s.algorithm = SigningAlgorithm::kEcdsaSha256;
    CHECK(ErrorOf([&] { f.service.Sign(f.CtxFor("Sign"), s); }) == "KMSInvalidStateException");
    CHECK(MessageOf([&] { f.service.Sign(f.CtxFor("Sign"), s); }) ==
          hmac.Arn() + " is pending deletion.");
    GenerateDataKeyPairRequest pair;
    pair.key_id = sign.id;
    pair.key_pair_spec = KeySpec::kRsa2048;
    CHECK(ErrorOf([&] {
            f.service.GenerateDataKeyPair(f.CtxFor("GenerateDataKeyPair"), pair, true);
          }) == "DisabledException");
  }
  SECTION("Import operations: the state, then the origin, then the request's values") {
    Key aws = f.NewKey();
    f.service.ScheduleKeyDeletion(f.Ctx(), aws.id, 7);
    CHECK(MessageOf([&] {
            f.service.GetParametersForImport(f.Ctx(), aws.id, WrappingAlgorithm::kRsaesOaepSha256,
                                             KeySpec::kRsa2048);
          }) == aws.Arn() + " is pending deletion.");
    Key other = f.NewKey();
    ImportKeyMaterialRequest req;
    req.key_id = other.id;
    req.import_token = Bytes{1};
    req.encrypted_material = Bytes{2};
    // No ValidTo with KEY_MATERIAL_EXPIRES (the default) is a request value:
    // the origin answers first.
    CHECK(MessageOf([&] { f.service.ImportKeyMaterial(f.Ctx(), req); }) ==
          other.Arn() + " origin is AWS_KMS which is not valid for this operation.");
    f.service.ScheduleKeyDeletion(f.Ctx(), other.id, 7);
    CHECK(MessageOf([&] { f.service.ImportKeyMaterial(f.Ctx(), req); }) ==
          other.Arn() + " is pending deletion.");
  }
}

TEST_CASE(
    "DeriveSharedSecret with a PublicKey that is not a key: ValidationException, no message") {
  ServiceFixture f;
  Key key = NewKeyOf(f, "ECC_NIST_P256", "KEY_AGREEMENT");
  DeriveSharedSecretRequest req;
  req.key_id = key.id;
  req.algorithm = KeyAgreementAlgorithm::kEcdh;
  req.public_key = Bytes{0x30, 0x03, 0x02, 0x01, 0x01};
  CHECK(ErrorOf([&] { f.service.DeriveSharedSecret(f.CtxFor("DeriveSharedSecret"), req); }) ==
        "ValidationException");
  CHECK(MessageOf([&] { f.service.DeriveSharedSecret(f.CtxFor("DeriveSharedSecret"), req); }) ==
        "");
}

TEST_CASE("DryRunOperationException is HTTP 400, as AWS answered") {
  CHECK(HttpStatus(ErrorCode::kDryRunOperation) == 400);
  CHECK(KmsError::DryRun().message() ==
        "The request would have succeeded, but the DryRun option is set.");
}

TEST_CASE("A key policy is stored as AWS re-serialises it") {
  // AWS's own default policy is already in that form.
  CHECK(StoredKeyPolicy(DefaultKeyPolicy("111122223333")) == DefaultKeyPolicy("111122223333"));
  const std::string compact =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"a\"b","Effect":"Allow",)"
      R"("Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/x"]},)"
      R"("Action":"kms:*","Resource":"*","Condition":{}}],"Empty":[],"N":1.5,"T":true})";
  CHECK(StoredKeyPolicy(compact) ==
        "{\n"
        "  \"Version\" : \"2012-10-17\",\n"
        "  \"Statement\" : [ {\n"
        "    \"Sid\" : \"a\\\"b\",\n"
        "    \"Effect\" : \"Allow\",\n"
        "    \"Principal\" : {\n"
        "      \"AWS\" : [ \"arn:aws:iam::111122223333:root\", "
        "\"arn:aws:iam::111122223333:user/x\" ]\n"
        "    },\n"
        "    \"Action\" : \"kms:*\",\n"
        "    \"Resource\" : \"*\",\n"
        "    \"Condition\" : { }\n"
        "  } ],\n"
        "  \"Empty\" : [ ],\n"
        "  \"N\" : 1.5,\n"
        "  \"T\" : true\n"
        "}");
  // Whitespace of the submission does not matter; member order is kept.
  CHECK(StoredKeyPolicy("  {\n\t\"Statement\" : [ ] ,\"Id\":\"x\"}\n") ==
        "{\n  \"Statement\" : [ ],\n  \"Id\" : \"x\"\n}");

  ServiceFixture f;
  CreateKeyRequest req;
  req.policy = compact;
  Key key = f.service.CreateKey(f.Ctx(), req);
  CHECK(f.service.GetKeyPolicy(f.Ctx(), key.id, std::nullopt) == StoredKeyPolicy(compact));
  // No statement: a lockout policy, stored only with the safety check bypassed.
  f.service.PutKeyPolicy(f.Ctx(), key.id, std::nullopt, R"({"Statement":[]})",
                         /*bypass_lockout_check=*/true);
  CHECK(f.service.GetKeyPolicy(f.Ctx(), key.id, std::nullopt) == "{\n  \"Statement\" : [ ]\n}");
}
