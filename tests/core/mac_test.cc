// HMAC keys: every MAC is recomputed with OpenSSL's HMAC() from the key
// material (unsealed here with the root key, or imported by the test).
#include <catch2/catch.hpp>

#include "core/hmac.h"
#include "openssl_oracle.h"
#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;
namespace oracle = rotor::core::testing::oracle;

namespace {

Key NewHmacKey(ServiceFixture& f, const std::string& spec) {
  CreateKeyRequest req;
  req.key_spec = Enum<KeySpec>(spec);
  req.key_usage = KeyUsage::kGenerateVerifyMac;
  return f.service.CreateKey(f.Ctx(), req);
}

// The key's material, read the way storage holds it: sealed under the root key.
Bytes MaterialOf(ServiceFixture& f, const Key& key) {
  std::optional<SealedMaterial> sealed =
      f.repo.GetSealedMaterial(key.scope, key.id, key.current_version);
  REQUIRE(sealed);
  std::optional<SecretBytes> plain = f.sealer.Unseal(key.id, key.current_version, *sealed);
  REQUIRE(plain);
  return plain->bytes();
}

MacRequest Mac(const std::string& key_id, const std::string& algorithm, const Bytes& message,
               const Bytes& mac = {}) {
  MacRequest req;
  req.key_id = key_id;
  req.algorithm = Enum<MacAlgorithm>(algorithm);
  req.message = oracle::Secret(message);
  req.mac = mac;
  return req;
}

}  // namespace

TEST_CASE("GenerateMac equals OpenSSL's HMAC() for every HMAC key spec") {
  ServiceFixture f;
  for (auto [spec, algorithm, md, key_bytes] :
       {std::tuple{"HMAC_224", "HMAC_SHA_224", "SHA224", size_t{28}},
        std::tuple{"HMAC_256", "HMAC_SHA_256", "SHA256", size_t{32}},
        std::tuple{"HMAC_384", "HMAC_SHA_384", "SHA384", size_t{48}},
        std::tuple{"HMAC_512", "HMAC_SHA_512", "SHA512", size_t{64}}}) {
    DYNAMIC_SECTION(spec) {
      Key key = NewHmacKey(f, spec);
      CHECK(key.usage == KeyUsage::kGenerateVerifyMac);
      Bytes material = MaterialOf(f, key);
      CHECK(material.size() == key_bytes);
      for (const Bytes& message : {oracle::Text("m"), oracle::RandomBytes(4096)}) {
        MacResult r = f.service.GenerateMac(f.Ctx(), Mac(key.id, algorithm, message));
        CHECK(r.mac == oracle::Hmac(md, material, message));
        CHECK(ToString(r.algorithm) == algorithm);
        CHECK(r.key_arn == key.Arn());
        CHECK(f.service.VerifyMac(f.Ctx(), Mac(key.id, algorithm, message, r.mac)).valid);
        Bytes bad = r.mac;
        bad.back() ^= 0x80;
        CHECK(ErrorOf([&] {
                f.service.VerifyMac(f.Ctx(), Mac(key.id, algorithm, message, bad));
              }) == "KMSInvalidMacException");
        CHECK(MessageOf([&] {
                f.service.VerifyMac(f.Ctx(), Mac(key.id, algorithm, message, bad));
              }) == "");
        Bytes truncated(r.mac.begin(), r.mac.end() - 1);
        CHECK(ErrorOf([&] {
                f.service.VerifyMac(f.Ctx(), Mac(key.id, algorithm, message, truncated));
              }) == "KMSInvalidMacException");
      }
    }
  }
}

TEST_CASE("A MAC algorithm of another spec is InvalidKeyUsageException with AWS's text") {
  ServiceFixture f;
  Key k224 = NewHmacKey(f, "HMAC_224");
  Key k256 = NewHmacKey(f, "HMAC_256");
  CHECK(MessageOf([&] {
          f.service.GenerateMac(f.Ctx(), Mac(k224.id, "HMAC_SHA_256", oracle::Text("m")));
        }) == "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.");
  CHECK(ErrorOf([&] {
          f.service.VerifyMac(f.Ctx(), Mac(k256.id, "HMAC_SHA_512", oracle::Text("m"), Bytes(64)));
        }) == "InvalidKeyUsageException");
  CHECK(MessageOf([&] {
          f.service.VerifyMac(f.Ctx(), Mac(k256.id, "HMAC_SHA_512", oracle::Text("m"), Bytes(64)));
        }) == "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.");
}

TEST_CASE("MAC operations need a GENERATE_VERIFY_MAC key, and HMAC keys do nothing else") {
  ServiceFixture f;
  Key sym = f.NewKey();
  CHECK(MessageOf([&] {
          f.service.GenerateMac(f.CtxFor("GenerateMac"),
                                Mac(sym.id, "HMAC_SHA_256", oracle::Text("m")));
        }) == sym.Arn() + " key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.");
  Key hmac = NewHmacKey(f, "HMAC_256");
  SignRequest sign;
  sign.key_id = hmac.id;
  sign.message = oracle::Secret(oracle::Text("m"));
  sign.algorithm = SigningAlgorithm::kEcdsaSha256;
  CHECK(MessageOf([&] { f.service.Sign(f.CtxFor("Sign"), sign); }) ==
        hmac.Arn() + " key usage is GENERATE_VERIFY_MAC which is not valid for Sign.");
  CHECK(ErrorOf([&] { f.EncryptText(hmac.id, "x"); }) == "InvalidKeyUsageException");
  // AWS does not rotate HMAC keys: UnsupportedOperationException with no message.
  CHECK(ErrorOf([&] { f.service.EnableKeyRotation(f.Ctx(), hmac.id, std::nullopt); }) ==
        "UnsupportedOperationException");
  CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), hmac.id); }) == "");
  CHECK(ErrorOf([&] { f.service.ListKeyRotations(f.Ctx(), hmac.id, std::nullopt, Page{}); }) ==
        "UnsupportedOperationException");
}

TEST_CASE("GenerateMac on a disabled HMAC key is DisabledException, DryRun after the checks") {
  ServiceFixture f;
  Key key = NewHmacKey(f, "HMAC_384");
  MacRequest req = Mac(key.id, "HMAC_SHA_384", oracle::Text("m"));
  req.dry_run = true;
  CHECK(ErrorOf([&] { f.service.GenerateMac(f.Ctx(), req); }) == "DryRunOperationException");
  f.service.DisableKey(f.Ctx(), key.id);
  CHECK(ErrorOf([&] { f.service.GenerateMac(f.Ctx(), req); }) == "DisabledException");
}

TEST_CASE("Sha256 and HmacSha256 match the published vectors, call after call on one thread") {
  auto hex = [](const std::array<uint8_t, 32>& d) { return HexEncode(d.data(), d.size()); };
  // FIPS 180-2 appendix B.1 and the empty message.
  CHECK(hex(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(hex(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2, then another key on the same (reused) context, then
  // an empty key (which must not fall back to the previous one).
  const std::string jefe = "Jefe";
  std::span<const uint8_t> jefe_key(reinterpret_cast<const uint8_t*>(jefe.data()), jefe.size());
  CHECK(hex(HmacSha256(jefe_key, "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const Bytes key20(20, 0x0b);  // RFC 4231 test case 1
  CHECK(hex(HmacSha256(key20, "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hex(HmacSha256({}, "")) ==
        "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  CHECK(hex(HmacSha256(jefe_key, "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The same key again and again (the context keeps its pads): each MAC is of
  // its own message only, then a key differing in its last byte is not taken
  // for the previous one.
  CHECK(hex(HmacSha256(key20, "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hex(HmacSha256(key20, "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  Bytes other20 = key20;
  other20.back() = 0x0c;
  CHECK(hex(HmacSha256(other20, "Hi There")) !=
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(hex(HmacSha256(jefe_key, "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex(HmacSha256(jefe_key, "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
