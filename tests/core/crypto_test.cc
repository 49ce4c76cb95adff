#include <catch2/catch.hpp>

#include "service_fixture.h"

using namespace rotor::core;
using namespace rotor::core::testing;

TEST_CASE("Encrypt and Decrypt round-trip with the encryption context") {
  ServiceFixture f;
  Key k = f.NewKey();
  Bytes blob = f.EncryptText(k.id, "attack at dawn", {{"app", "web"}});
  CHECK(f.DecryptText(blob, {{"app", "web"}}) == "attack at dawn");
  CHECK(ErrorOf([&] { f.DecryptText(blob); }) == "InvalidCiphertextException");
  CHECK(ErrorOf([&] { f.DecryptText(blob, {{"app", "api"}}); }) == "InvalidCiphertextException");
}

TEST_CASE("Decrypt with a KeyId that does not match the blob is IncorrectKeyException") {
  ServiceFixture f;
  Key a = f.NewKey();
  Key b = f.NewKey();
  Bytes blob = f.EncryptText(a.id, "x");
  DecryptRequest req;
  req.ciphertext = blob;
  req.key_id = b.id;
  CHECK(ErrorOf([&] { f.service.Decrypt(f.Ctx(), req); }) == "IncorrectKeyException");
  req.key_id = a.Arn();
  CHECK(f.service.Decrypt(f.Ctx(), req).key_arn == a.Arn());
}

TEST_CASE("A blob is undecryptable from another region") {
  ServiceFixture f;
  Key k = f.NewKey();
  Bytes blob = f.EncryptText(k.id, "x");
  DecryptRequest req;
  req.ciphertext = blob;
  CHECK(ErrorOf([&] {
          f.service.Decrypt(f.Ctx({"111122223333", "eu-west-1"}), req);
        }) == "InvalidCiphertextException");
}

TEST_CASE("Garbage and truncated ciphertexts are InvalidCiphertextException") {
  ServiceFixture f;
  Key k = f.NewKey();
  Bytes blob = f.EncryptText(k.id, "x");
  for (size_t n : {size_t{0}, size_t{1}, size_t{33}, blob.size() - 1}) {
    Bytes cut(blob.begin(), blob.begin() + static_cast<long>(n));
    CHECK(ErrorOf([&] { f.DecryptText(cut); }) == "InvalidCiphertextException");
  }
}

TEST_CASE("DryRun answers DryRunOperationException only after every check passes") {
  ServiceFixture f;
  Key k = f.NewKey();
  EncryptRequest req;
  req.key_id = k.id;
  req.plaintext = SecretBytes(reinterpret_cast<const uint8_t*>("x"), 1);
  req.dry_run = true;
  CHECK(ErrorOf([&] { f.service.Encrypt(f.Ctx(), req); }) == "DryRunOperationException");
  f.service.DisableKey(f.Ctx(), k.id);
  CHECK(ErrorOf([&] { f.service.Encrypt(f.Ctx(), req); }) == "DisabledException");
}

TEST_CASE("GenerateDataKey needs exactly one of KeySpec and NumberOfBytes") {
  ServiceFixture f;
  Key k = f.NewKey();
  GenerateDataKeyRequest req;
  req.key_id = k.id;
  CHECK(ErrorOf([&] { f.service.GenerateDataKey(f.Ctx(), req, true); }) == "ValidationException");
  req.key_spec = DataKeySpec::kAes128;
  auto r = f.service.GenerateDataKey(f.Ctx(), req, true);
  CHECK(r.plaintext.size() == 16);
  DecryptRequest d;
  d.ciphertext = r.ciphertext;
  CHECK(f.service.Decrypt(f.Ctx(), d).plaintext.bytes() == r.plaintext.bytes());
  req.number_of_bytes = 64;
  CHECK(ErrorOf([&] { f.service.GenerateDataKey(f.Ctx(), req, true); }) == "ValidationException");
  req.key_spec.reset();
  auto without = f.service.GenerateDataKey(f.Ctx(), req, false);
  CHECK(without.plaintext.empty());
  CHECK(without.material_id == k.current_material_id);
}

TEST_CASE("ReEncrypt moves a ciphertext to another key and names both") {
  ServiceFixture f;
  Key a = f.NewKey();
  Key b = f.NewKey();
  Bytes blob = f.EncryptText(a.id, "payload", {{"v", "1"}});
  ReEncryptRequest req;
  req.ciphertext = blob;
  req.source_context = {{"v", "1"}};
  req.destination_key_id = b.id;
  req.destination_context = {{"v", "2"}};
  auto r = f.service.ReEncrypt(f.Ctx(), req);
  CHECK(r.source_key_arn == a.Arn());
  CHECK(r.key_arn == b.Arn());
  CHECK(f.DecryptText(r.ciphertext, {{"v", "2"}}) == "payload");
}

TEST_CASE("Warm keys decrypt without touching the repository") {
  ServiceFixture f;
  Key k = f.NewKey();
  Bytes blob = f.EncryptText(k.id, "x");
  size_t reads = f.repo.material_reads();
  for (int i = 0; i < 10; ++i) f.DecryptText(blob);
  CHECK(f.repo.material_reads() == reads);
}

TEST_CASE("GetKeyLastUsage reports the last successful cryptographic operation") {
  ServiceFixture f;
  Key k = f.NewKey();
  CHECK_FALSE(f.service.GetKeyLastUsage(f.Ctx(), k.id).last_usage);
  Bytes blob = f.EncryptText(k.id, "x");
  f.Advance(std::chrono::hours(1));
  f.DecryptText(blob);
  auto usage = f.service.GetKeyLastUsage(f.Ctx(), k.id);
  REQUIRE(usage.last_usage);
  CHECK(usage.last_usage->operation == "Decrypt");
  CHECK(usage.last_usage->timestamp == f.clock.Now());
  CHECK(usage.tracking_start == k.creation_date);
}

TEST_CASE("A ciphertext of a deleted key names the missing key") {
  ServiceFixture f;
  Key k = f.NewKey();
  Bytes blob = f.EncryptText(k.id, "x");
  f.service.ScheduleKeyDeletion(f.Ctx(), k.id, 7);
  f.Advance(Days(7));
  CHECK(MessageOf([&] { f.DecryptText(blob); }) == "Key '" + k.Arn() + "' does not exist");
  DecryptRequest req;
  req.ciphertext = blob;
  CHECK(ErrorOf([&] {
          f.service.Decrypt(f.Ctx({"111122223333", "eu-west-1"}), req);
        }) == "InvalidCiphertextException");
}
