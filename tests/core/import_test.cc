// Imported key material (BYOK): material is wrapped here with OpenSSL exactly
// as AWS's import guide describes, imported, and then checked independently
// (ciphertexts opened with the known AES key, MACs recomputed, signatures
// verified with the test's own public key). Token and material expiry run on
// the virtual clock.
#include <catch2/catch.hpp>

#include "core/import_token.h"
#include "core/key_wrap.h"
#include "openssl_oracle.h"
#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;
namespace oracle = rotor::core::testing::oracle;

namespace {

constexpr Millis kHour = std::chrono::hours(1);

Key NewExternalKey(ServiceFixture& f, const std::string& spec = "SYMMETRIC_DEFAULT",
                   const std::optional<std::string>& usage = std::nullopt) {
  CreateKeyRequest req;
  req.key_spec = Enum<KeySpec>(spec);
  if (usage) req.key_usage = Enum<KeyUsage>(*usage);
  req.origin = Origin::kExternal;
  return f.service.CreateKey(f.Ctx(), req);
}

// AWS's import guide, step 3: OAEP straight onto the material, or OAEP onto
// a fresh AES-256 key followed by the material under AES key wrap with padding.
Bytes Wrap(const ImportParametersResult& params, const std::string& algorithm,
           const Bytes& material) {
  oracle::Pkey pub = oracle::PublicKey(params.public_key);
  std::string md = algorithm.ends_with("SHA_1") ? "SHA1" : "SHA256";
  if (algorithm.starts_with("RSAES_OAEP")) return oracle::OaepEncrypt(pub.get(), md, material);
  Bytes aes = oracle::RandomBytes(32);
  Bytes out = oracle::OaepEncrypt(pub.get(), md, aes);
  Bytes wrapped = oracle::AesKeyWrapPad(aes, material);
  out.insert(out.end(), wrapped.begin(), wrapped.end());
  return out;
}

struct ImportOptions {
  std::string algorithm = "RSAES_OAEP_SHA_256";
  std::string wrapping_spec = "RSA_2048";
  std::optional<Timestamp> valid_to;  // none: KEY_MATERIAL_DOES_NOT_EXPIRE
  std::optional<std::string> import_type;
  std::optional<std::string> material_id;
  std::optional<std::string> description;
};

ImportKeyMaterialRequest ImportRequest(ServiceFixture& f, const std::string& key_id,
                                       const Bytes& material, const ImportOptions& o = {}) {
  ImportParametersResult params = f.service.GetParametersForImport(
      f.Ctx(), key_id, Enum<WrappingAlgorithm>(o.algorithm), Enum<KeySpec>(o.wrapping_spec));
  ImportKeyMaterialRequest req;
  req.key_id = key_id;
  req.import_token = params.import_token;
  req.encrypted_material = Wrap(params, o.algorithm, material);
  req.expiration_model =
      Enum<ExpirationModel>(o.valid_to ? "KEY_MATERIAL_EXPIRES" : "KEY_MATERIAL_DOES_NOT_EXPIRE");
  req.valid_to = o.valid_to;
  if (o.import_type) req.import_type = Enum<ImportType>(*o.import_type);
  req.material_id = o.material_id;
  req.description = o.description;
  return req;
}

ImportKeyMaterialResult Import(ServiceFixture& f, const std::string& key_id, const Bytes& material,
                               const ImportOptions& o = {}) {
  return f.service.ImportKeyMaterial(f.Ctx(), ImportRequest(f, key_id, material, o));
}

// What AWS-compatible tooling cannot know: Rotor's id of imported material,
// recomputed here from its documented definition.
std::string ExpectedMaterialId(const std::string& key_id, const Bytes& material) {
  Bytes input(key_id.begin(), key_id.end());
  input.push_back(0);
  input.insert(input.end(), material.begin(), material.end());
  return HexEncode(oracle::Digest("SHA256", input));
}

// Opens a Rotor ciphertext blob (docs/ciphertext-format.md) made with an empty
// encryption context, using `aes_key` directly.
std::optional<Bytes> OpenBlobWith(const Bytes& aes_key, const Bytes& blob) {
  if (blob.size() < 49) return std::nullopt;
  Bytes aad(blob.begin(), blob.begin() + 33);
  aad.insert(aad.end(), {0, 0, 0, 0});  // zero context pairs
  size_t n = blob.size() - 49;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(n);
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx, nullptr, nullptr, aes_key.data(), blob.data() + 21) == 1 &&
            EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx, out.data(), &len, blob.data() + 33, static_cast<int>(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16,
                                const_cast<uint8_t*>(blob.data() + blob.size() - 16)) == 1 &&
            EVP_DecryptFinal_ex(ctx, out.data() + len, &len) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

TEST_CASE("CreateKey with Origin EXTERNAL makes a PendingImport key with no material") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  CHECK(key.state == KeyState::kPendingImport);
  CHECK(key.origin == Origin::kExternal);
  CHECK(key.current_version == 0);
  CHECK(key.current_material_id.empty());
  CHECK(MessageOf([&] { f.EncryptText(key.id, "x"); }) == key.Arn() + " is pending import.");
}

TEST_CASE(
    "BYOK: every wrapping algorithm and wrapping key size imports 256-bit symmetric material") {
  ServiceFixture f;
  for (std::string algorithm : {"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1",
                                "RSA_AES_KEY_WRAP_SHA_256"}) {
    for (std::string wrapping_spec : {"RSA_2048", "RSA_3072", "RSA_4096"}) {
      if (wrapping_spec != "RSA_2048" && algorithm != "RSA_AES_KEY_WRAP_SHA_256")
        continue;  // keygen is slow
      DYNAMIC_SECTION(algorithm << " " << wrapping_spec) {
        Key key = NewExternalKey(f);
        Bytes material = oracle::RandomBytes(32);
        ImportOptions o;
        o.algorithm = algorithm;
        o.wrapping_spec = wrapping_spec;
        o.description = "from the HSM";
        ImportKeyMaterialResult r = Import(f, key.id, material, o);
        CHECK(r.key_arn == key.Arn());
        CHECK(r.material_id == ExpectedMaterialId(key.id, material));
        Key now = f.service.DescribeKey(f.Ctx(), key.id);
        CHECK(now.state == KeyState::kEnabled);
        CHECK(now.current_material_id == r.material_id);
        CHECK_FALSE(now.material_valid_to.has_value());
        // The imported bytes really are the key: the blob opens with them.
        Bytes blob = f.EncryptText(key.id, "bring your own key");
        CHECK(OpenBlobWith(material, blob) == oracle::Text("bring your own key"));
        CHECK(f.DecryptText(blob) == "bring your own key");
      }
    }
  }
}

TEST_CASE("GetParametersForImport: a real RSA wrapping key, valid 24 hours on Rotor's clock") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  ImportParametersResult p = f.service.GetParametersForImport(
      f.Ctx(), key.id, WrappingAlgorithm::kRsaesOaepSha256, KeySpec::kRsa3072);
  CHECK(p.key_arn == key.Arn());
  CHECK(p.valid_to == f.clock.Now() + std::chrono::hours(24));
  oracle::Pkey pub = oracle::PublicKey(p.public_key);
  CHECK(EVP_PKEY_is_a(pub.get(), "RSA"));
  CHECK(EVP_PKEY_get_bits(pub.get()) == 3072);
  ImportParametersResult q = f.service.GetParametersForImport(
      f.Ctx(), key.id, WrappingAlgorithm::kRsaesOaepSha256, KeySpec::kRsa3072);
  CHECK(q.import_token != p.import_token);
  CHECK(q.public_key != p.public_key);
  CHECK(ErrorOf([&] {
          f.service.GetParametersForImport(f.Ctx(), key.id, WrappingAlgorithm::kRsaesPkcs1V15,
                                           KeySpec::kRsa2048);
        }) == "ValidationException");
  Key kms = f.NewKey();
  CHECK(MessageOf([&] {
          f.service.GetParametersForImport(f.Ctx(), kms.id, WrappingAlgorithm::kRsaesOaepSha256,
                                           KeySpec::kRsa2048);
        }) == kms.Arn() + " origin is AWS_KMS which is not valid for this operation.");
}

TEST_CASE("An import token expires 24 hours later on the virtual clock") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  Bytes material = oracle::RandomBytes(32);
  ImportKeyMaterialRequest late = ImportRequest(f, key.id, material);
  ImportKeyMaterialRequest in_time = ImportRequest(f, key.id, material);
  f.Advance(std::chrono::hours(24) - Millis(1));
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), in_time); }) == "");
  f.Advance(Millis(1));
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), late); }) ==
        "ExpiredImportTokenException");
}

TEST_CASE("A token of another key, of another Rotor, or of nobody is InvalidImportTokenException") {
  ServiceFixture f;
  Key a = NewExternalKey(f);
  Key b = NewExternalKey(f);
  Bytes material = oracle::RandomBytes(32);
  ImportKeyMaterialRequest req = ImportRequest(f, a.id, material);
  req.key_id = b.id;
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), req); }) ==
        "InvalidImportTokenException");

  ImportKeyMaterialRequest tampered = ImportRequest(f, a.id, material);
  tampered.import_token[25] ^= 0x01;  // the ValidTo bytes are authenticated
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), tampered); }) ==
        "InvalidImportTokenException");
  tampered.import_token = Bytes(600, 0x42);
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), tampered); }) ==
        "InvalidImportTokenException");

  // A well-formed token for this very key, sealed under another root key
  // (another Rotor): it does not open here.
  SeededRandom other_random(99);
  KeySealer other_sealer(other_random.Secret(32), other_random);
  ImportParameters params;
  params.key_id = a.id;
  params.valid_to = f.clock.Now() + kHour;
  params.algorithm = WrappingAlgorithm::kRsaesOaepSha256;
  params.wrapping_spec = KeySpec::kRsa2048;
  oracle::Pkey wrapping = oracle::Generate("RSA", nullptr, 2048);
  params.wrapping_private_key = oracle::Secret(oracle::Pkcs8(wrapping.get()));
  ImportKeyMaterialRequest foreign = req;
  foreign.key_id = a.id;
  foreign.import_token = SealImportToken(other_sealer, params);
  foreign.encrypted_material = oracle::OaepEncrypt(wrapping.get(), "SHA256", material);
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), foreign); }) ==
        "InvalidImportTokenException");
  // ...while the same token sealed under this Rotor's root key imports.
  foreign.import_token = SealImportToken(f.sealer, params);
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), foreign); }) == "");
}

TEST_CASE("Wrong wrapping or wrong material is refused") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  ImportKeyMaterialRequest req = ImportRequest(f, key.id, oracle::RandomBytes(32));
  req.encrypted_material[10] ^= 0xff;
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), req); }) ==
        "InvalidCiphertextException");
  // Unwraps fine, but 16 bytes is not AES-256 material.
  CHECK(ErrorOf([&] { Import(f, key.id, oracle::RandomBytes(16)); }) ==
        "IncorrectKeyMaterialException");
  ImportKeyMaterialRequest no_valid_to = ImportRequest(f, key.id, oracle::RandomBytes(32));
  no_valid_to.expiration_model = std::nullopt;  // AWS's default is KEY_MATERIAL_EXPIRES
  CHECK(MessageOf([&] { f.service.ImportKeyMaterial(f.Ctx(), no_valid_to); }) ==
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
  no_valid_to.expiration_model = ExpirationModel::kKeyMaterialExpires;
  no_valid_to.valid_to = f.clock.Now() + std::chrono::minutes(5);
  CHECK(ErrorOf([&] { f.service.ImportKeyMaterial(f.Ctx(), no_valid_to); }) ==
        "ValidationException");
}

TEST_CASE("Re-importing other material as EXISTING_KEY_MATERIAL is IncorrectKeyMaterialException") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  Bytes material = oracle::RandomBytes(32);
  Import(f, key.id, material);
  CHECK(ErrorOf([&] { Import(f, key.id, oracle::RandomBytes(32)); }) ==
        "IncorrectKeyMaterialException");
  ImportOptions o;
  o.import_type = "EXISTING_KEY_MATERIAL";
  CHECK(ErrorOf([&] { Import(f, key.id, oracle::RandomBytes(32), o); }) ==
        "IncorrectKeyMaterialException");
  o.material_id = std::string(64, 'a');
  CHECK(ErrorOf([&] { Import(f, key.id, material, o); }) == "IncorrectKeyMaterialException");
  o.material_id = ExpectedMaterialId(key.id, material);
  CHECK(Import(f, key.id, material, o).material_id == *o.material_id);
}

TEST_CASE(
    "Deleted material: PendingImport, ciphertexts refused, the same material brings them back") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  Bytes material = oracle::RandomBytes(32);
  std::string id = Import(f, key.id, material).material_id;
  Bytes blob = f.EncryptText(key.id, "kept safe");
  ImportKeyMaterialResult d = f.service.DeleteImportedKeyMaterial(f.Ctx(), key.id, std::nullopt);
  CHECK(d.material_id == id);
  CHECK(f.service.DescribeKey(f.Ctx(), key.id).state == KeyState::kPendingImport);
  CHECK(MessageOf([&] { f.DecryptText(blob); }) == key.Arn() + " is pending import.");
  CHECK(ErrorOf([&] { f.DecryptText(blob); }) == "KMSInvalidStateException");
  Import(f, key.id, material);
  CHECK(f.service.DescribeKey(f.Ctx(), key.id).state == KeyState::kEnabled);
  CHECK(f.DecryptText(blob) == "kept safe");
}

TEST_CASE("Material expires when ValidTo passes on the clock, and comes back when re-imported") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  Bytes material = oracle::RandomBytes(32);
  ImportOptions o;
  o.valid_to = f.clock.Now() + Days(2);
  Import(f, key.id, material, o);
  Key imported = f.service.DescribeKey(f.Ctx(), key.id);
  CHECK(imported.material_valid_to == o.valid_to);
  Bytes blob = f.EncryptText(key.id, "until the day after tomorrow");

  f.clock.AdvanceTo(f.clock.Now() + Days(2) - Millis(1));
  CHECK(f.service.RunDueEvents(f.clock.Now()).empty());
  CHECK(f.DecryptText(blob) == "until the day after tomorrow");
  f.clock.AdvanceTo(f.clock.Now() + Days(1));
  std::vector<ServiceEvent> events = f.service.RunDueEvents(f.clock.Now());
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == ServiceEventKind::kDeleteExpiredKeyMaterial);
  CHECK(events[0].time == *o.valid_to);  // stamped with ValidTo, not with the jump's end
  CHECK(events[0].key_material_ids == std::vector<std::string>{imported.current_material_id});
  CHECK(f.service.DescribeKey(f.Ctx(), key.id).state == KeyState::kPendingImport);
  CHECK(MessageOf([&] { f.DecryptText(blob); }) == key.Arn() + " is pending import.");
  CHECK(f.service.RunDueEvents(f.clock.Now() + Days(400)).empty());  // nothing fires twice

  Import(f, key.id, material);  // the same bytes, now without expiry
  CHECK(f.DecryptText(blob) == "until the day after tomorrow");
  CHECK_FALSE(f.service.DescribeKey(f.Ctx(), key.id).material_valid_to.has_value());
}

TEST_CASE("On-demand rotation of imported material: NEW_KEY_MATERIAL waits PENDING_ROTATION") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  Bytes first = oracle::RandomBytes(32);
  std::string first_id = Import(f, key.id, first).material_id;
  Bytes old_blob = f.EncryptText(key.id, "before");
  CHECK(MessageOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), key.id); }) ==
        "No available key material pending rotation for the key: " + key.Arn() + ".");

  Bytes second = oracle::RandomBytes(32);
  ImportOptions o;
  o.import_type = "NEW_KEY_MATERIAL";
  o.description = "second material";
  std::string second_id = Import(f, key.id, second, o).material_id;
  CHECK(f.service.DescribeKey(f.Ctx(), key.id).current_material_id == first_id);  // not yet current
  ListKeyRotationsResult all =
      f.service.ListKeyRotations(f.Ctx(), key.id, IncludeKeyMaterial::kAllKeyMaterial, Page{});
  REQUIRE(all.rotations.size() == 2);
  CHECK(all.rotations[0].state == KeyMaterialState::kCurrent);
  CHECK(all.rotations[1].state == KeyMaterialState::kPendingRotation);
  CHECK(all.rotations[1].version.material_id == second_id);
  CHECK(all.rotations[1].version.description == "second material");
  CHECK(all.rotations[1].version.import_state == ImportState::kImported);
  CHECK_FALSE(all.rotations[1].version.rotation_type.has_value());

  Bytes third = oracle::RandomBytes(32);
  CHECK(MessageOf([&] { Import(f, key.id, third, o); }) ==
        "New key material (id: " + ExpectedMaterialId(key.id, third) +
            ") cannot be imported into KMS key " + key.Arn() +
            ", because another key material (id: " + second_id + ") is pending rotation.");

  f.clock.AdvanceTo(f.clock.Now() + kHour);
  f.service.RotateKeyOnDemand(f.Ctx(), key.id);
  Key rotated = f.service.DescribeKey(f.Ctx(), key.id);
  CHECK(rotated.current_material_id == second_id);
  Bytes new_blob = f.EncryptText(key.id, "after");
  CHECK(OpenBlobWith(second, new_blob) == oracle::Text("after"));
  CHECK(f.DecryptText(old_blob) == "before");
  ListKeyRotationsResult only = f.service.ListKeyRotations(f.Ctx(), key.id, std::nullopt, Page{});
  REQUIRE(only.rotations.size() == 1);
  CHECK(only.rotations[0].version.material_id == second_id);
  CHECK(only.rotations[0].version.rotation_type == RotationType::kOnDemand);
  CHECK(only.rotations[0].version.created == f.clock.Now());

  // Deleting the old, non-current material makes the key unusable until it is back.
  f.service.DeleteImportedKeyMaterial(f.Ctx(), key.id, first_id);
  CHECK(f.service.DescribeKey(f.Ctx(), key.id).state == KeyState::kPendingImport);
  ImportOptions existing;
  existing.import_type = "EXISTING_KEY_MATERIAL";
  existing.material_id = first_id;
  Import(f, key.id, first, existing);
  CHECK(f.DecryptText(old_blob) == "before");
  CHECK(f.DecryptText(new_blob) == "after");
}

TEST_CASE("Imported HMAC, ECC and RSA material is the key: checked with the test's own copies") {
  ServiceFixture f;
  SECTION("HMAC_256 with RSAES_OAEP_SHA_1") {
    Key key = NewExternalKey(f, "HMAC_256", "GENERATE_VERIFY_MAC");
    Bytes material = oracle::RandomBytes(64);  // HMAC keys up to the hash's block size
    ImportOptions o;
    o.algorithm = "RSAES_OAEP_SHA_1";
    Import(f, key.id, material, o);
    MacRequest req;
    req.key_id = key.id;
    req.algorithm = MacAlgorithm::kHmacSha256;
    req.message = oracle::Secret(oracle::Text("hello"));
    CHECK(f.service.GenerateMac(f.Ctx(), req).mac ==
          oracle::Hmac("SHA256", material, oracle::Text("hello")));
    CHECK(ErrorOf([&] {
            Import(f, NewExternalKey(f, "HMAC_256", "GENERATE_VERIFY_MAC").id,
                   oracle::RandomBytes(16), o);
          }) == "IncorrectKeyMaterialException");
  }
  SECTION("ECC_NIST_P256 with RSAES_OAEP_SHA_256") {
    Key key = NewExternalKey(f, "ECC_NIST_P256", "SIGN_VERIFY");
    oracle::Pkey mine = oracle::Generate("EC", "P-256");
    Import(f, key.id, oracle::Pkcs8(mine.get()));
    CHECK(f.service.GetPublicKey(f.Ctx(), key.id).public_key == oracle::Der(mine.get()));
    SignRequest sign;
    sign.key_id = key.id;
    sign.algorithm = SigningAlgorithm::kEcdsaSha256;
    sign.message = oracle::Secret(oracle::Text("imported signer"));
    Bytes sig = f.service.Sign(f.Ctx(), sign).signature;
    CHECK(oracle::VerifyRaw(mine.get(), "SHA256", oracle::Padding::kNone,
                            oracle::Text("imported signer"), sig));
    // A key of another curve is not this key's material.
    oracle::Pkey p384 = oracle::Generate("EC", "P-384");
    Key other = NewExternalKey(f, "ECC_NIST_P256", "SIGN_VERIFY");
    CHECK(ErrorOf([&] { Import(f, other.id, oracle::Pkcs8(p384.get())); }) ==
          "IncorrectKeyMaterialException");
  }
  SECTION("RSA_2048 needs RSA_AES_KEY_WRAP and then decrypts for the test's public key") {
    Key key = NewExternalKey(f, "RSA_2048", "ENCRYPT_DECRYPT");
    oracle::Pkey mine = oracle::Generate("RSA", nullptr, 2048);
    ImportOptions o;
    o.algorithm = "RSA_AES_KEY_WRAP_SHA_256";
    o.wrapping_spec = "RSA_4096";
    Import(f, key.id, oracle::Pkcs8(mine.get()), o);
    DecryptRequest dec;
    dec.key_id = key.id;
    dec.algorithm = EncryptionAlgorithm::kRsaesOaepSha256;
    dec.ciphertext =
        oracle::OaepEncrypt(mine.get(), "SHA256", oracle::Text("for the imported key"));
    CHECK(oracle::Plain(f.service.Decrypt(f.Ctx(), dec).plaintext) ==
          oracle::Text("for the imported key"));
    // Asymmetric keys take their material once.
    oracle::Pkey another = oracle::Generate("RSA", nullptr, 2048);
    o.import_type = "NEW_KEY_MATERIAL";
    CHECK(ErrorOf([&] { Import(f, key.id, oracle::Pkcs8(another.get()), o); }) ==
          "ValidationException");
  }
}

TEST_CASE("Keys with imported material do not rotate automatically") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  Import(f, key.id, oracle::RandomBytes(32));
  CHECK(MessageOf([&] { f.service.EnableKeyRotation(f.Ctx(), key.id, std::nullopt); }) ==
        key.Arn() + " origin is EXTERNAL which is not valid for this operation.");
}

TEST_CASE("RFC 5649 test vectors unwrap, and tampering is detected") {
  auto hex = [](const std::string& h) {
    Bytes out;
    for (size_t i = 0; i < h.size(); i += 2)
      out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
  };
  Bytes kek = hex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
  std::optional<SecretBytes> twenty = AesKeyUnwrapWithPadding(
      kek, hex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"));
  REQUIRE(twenty);
  CHECK(twenty->bytes() == hex("c37b7e6492584340bed12207808941155068f738"));
  std::optional<SecretBytes> seven =
      AesKeyUnwrapWithPadding(kek, hex("afbeb0f07dfbf5419200f2ccb50bb24f"));
  REQUIRE(seven);
  CHECK(seven->bytes() == hex("466f7250617369"));
  Bytes bad = hex("afbeb0f07dfbf5419200f2ccb50bb24e");
  CHECK_FALSE(AesKeyUnwrapWithPadding(kek, bad));
  CHECK_FALSE(AesKeyUnwrapWithPadding(kek, Bytes(7, 1)));
  // Round trips through OpenSSL's wrap, every size from 1 to 600 bytes.
  Bytes aes = oracle::RandomBytes(32);
  for (size_t n = 1; n <= 600; n += 37) {
    Bytes plain = oracle::RandomBytes(n);
    std::optional<SecretBytes> back =
        AesKeyUnwrapWithPadding(aes, oracle::AesKeyWrapPad(aes, plain));
    REQUIRE(back);
    CHECK(back->bytes() == plain);
  }
}

TEST_CASE(
    "Expiry of pending-rotation material leaves the key usable, a disabled key still loses its "
    "material") {
  ServiceFixture f;
  Key key = NewExternalKey(f);
  Bytes first = oracle::RandomBytes(32);
  Import(f, key.id, first);  // does not expire
  ImportOptions pending;
  pending.import_type = "NEW_KEY_MATERIAL";
  pending.valid_to = f.clock.Now() + Days(1);
  std::string pending_id = Import(f, key.id, oracle::RandomBytes(32), pending).material_id;
  Bytes blob = f.EncryptText(key.id, "unaffected");
  f.Advance(Days(2));
  CHECK(f.service.DescribeKey(f.Ctx(), key.id).state == KeyState::kEnabled);
  CHECK(f.DecryptText(blob) == "unaffected");
  ListKeyRotationsResult all =
      f.service.ListKeyRotations(f.Ctx(), key.id, IncludeKeyMaterial::kAllKeyMaterial, Page{});
  REQUIRE(all.rotations.size() == 2);
  CHECK(all.rotations[1].version.material_id == pending_id);
  CHECK(all.rotations[1].version.import_state == ImportState::kPendingImport);
  // Its bytes are gone: there is nothing to rotate onto any more.
  CHECK(ErrorOf([&] { f.service.RotateKeyOnDemand(f.Ctx(), key.id); }) ==
        "KMSInvalidStateException");

  Key disabled = NewExternalKey(f);
  ImportOptions expiring;
  expiring.valid_to = f.clock.Now() + kHour;
  Import(f, disabled.id, oracle::RandomBytes(32), expiring);
  f.service.DisableKey(f.Ctx(), disabled.id);
  f.Advance(2 * kHour);
  CHECK(f.service.DescribeKey(f.Ctx(), disabled.id).state == KeyState::kPendingImport);
}

TEST_CASE("An import token names a multi-Region key id and opens back to it") {
  SeededRandom random(5);
  KeySealer sealer(random.Secret(32), random);
  ImportParameters params;
  params.key_id = "mrk-1234abcd12ab34cd56ef1234567890ab";
  params.valid_to = *ParseIso8601("2030-01-01T00:00:00Z");
  params.algorithm = WrappingAlgorithm::kRsaesOaepSha256;
  params.wrapping_spec = KeySpec::kRsa2048;
  params.wrapping_private_key = SecretBytes(Bytes{1, 2, 3});
  std::optional<ImportParameters> opened = OpenImportToken(sealer, SealImportToken(sealer, params));
  REQUIRE(opened);
  CHECK(opened->key_id == params.key_id);
  params.key_id = "1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK(OpenImportToken(sealer, SealImportToken(sealer, params))->key_id == params.key_id);
}
