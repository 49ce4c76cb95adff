#include "core/ciphertext_blob.h"

#include <catch2/catch.hpp>

#include "core/aead.h"
#include "core/encryption_context.h"
#include "core/random.h"

using namespace rotor::core;

namespace {
const std::string kKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";

Bytes Seal(const SecretBytes& key, const std::string& plaintext, const EncryptionContext& ctx,
           uint32_t version = 7) {
  uint8_t iv[kGcmIvSize] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  Bytes blob = *NewCiphertextBlob(kKeyId, version, std::span<const uint8_t, kGcmIvSize>(iv),
                                  plaintext.size());
  Bytes aad(blob.begin(), blob.begin() + kBlobHeaderSize);
  Bytes c = CanonicalEncryptionContext(ctx);
  aad.insert(aad.end(), c.begin(), c.end());
  AesGcmSeal({key.data(), key.size()}, std::span<const uint8_t, kGcmIvSize>(iv), aad,
             {reinterpret_cast<const uint8_t*>(plaintext.data()), plaintext.size()},
             blob.data() + kBlobHeaderSize,
             std::span<uint8_t, kGcmTagSize>(blob.data() + blob.size() - kGcmTagSize, kGcmTagSize));
  return blob;
}

bool Opens(const SecretBytes& key, const Bytes& blob, const EncryptionContext& ctx) {
  auto view = DecodeCiphertextBlob(blob);
  if (!view) return false;
  Bytes aad(view->header.begin(), view->header.end());
  Bytes c = CanonicalEncryptionContext(ctx);
  aad.insert(aad.end(), c.begin(), c.end());
  Bytes out(view->ciphertext.size());
  return AesGcmOpen({key.data(), key.size()}, view->iv, aad, view->ciphertext, view->tag,
                    out.data());
}
}  // namespace

TEST_CASE("A blob round-trips its key id, version and ciphertext") {
  SeededRandom random(1);
  SecretBytes key = random.Secret(32);
  Bytes blob = Seal(key, "hello", {{"purpose", "test"}});
  REQUIRE(blob.size() == kBlobOverhead + 5);
  auto view = DecodeCiphertextBlob(blob);
  REQUIRE(view);
  CHECK(view->key_id == kKeyId);
  CHECK(view->material_version == 7);
  CHECK(view->ciphertext.size() == 5);
  CHECK(Opens(key, blob, {{"purpose", "test"}}));
}

TEST_CASE("Flipping any single byte of a blob makes it fail to open") {
  SeededRandom random(2);
  SecretBytes key = random.Secret(32);
  Bytes blob = Seal(key, "tamper evident", {});
  for (size_t i = 0; i < blob.size(); ++i) {
    Bytes bad = blob;
    bad[i] ^= 0x01;
    INFO("byte " << i);
    CHECK_FALSE(Opens(key, bad, {}));
  }
}

TEST_CASE("Every truncation of a blob is rejected without reading out of bounds") {
  SeededRandom random(3);
  SecretBytes key = random.Secret(32);
  Bytes blob = Seal(key, "abc", {});
  for (size_t n = 0; n < blob.size(); ++n) {
    Bytes cut(blob.begin(), blob.begin() + static_cast<long>(n));
    INFO("length " << n);
    CHECK_FALSE(Opens(key, cut, {}));
  }
}

TEST_CASE("A blob with an unknown format version or version 0 does not decode") {
  SeededRandom random(4);
  Bytes blob = Seal(random.Secret(32), "x", {});
  Bytes v3 = blob;
  v3[0] = 0x03;  // 0x01 and 0x02 (multi-Region key ids) are the formats
  CHECK_FALSE(DecodeCiphertextBlob(v3));
  Bytes v0 = blob;
  v0[17] = v0[18] = v0[19] = v0[20] = 0;
  CHECK_FALSE(DecodeCiphertextBlob(v0));
}

TEST_CASE("The wrong encryption context fails and member order never matters") {
  SeededRandom random(5);
  SecretBytes key = random.Secret(32);
  Bytes blob = Seal(key, "data", {{"a", "1"}, {"b", "2"}});
  CHECK(Opens(key, blob, {{"b", "2"}, {"a", "1"}}));
  CHECK_FALSE(Opens(key, blob, {{"a", "1"}}));
  CHECK_FALSE(Opens(key, blob, {{"a", "1"}, {"b", "3"}}));
  CHECK_FALSE(Opens(key, blob, {}));
}

TEST_CASE("Canonical contexts never collide across key/value boundaries") {
  CHECK(CanonicalEncryptionContext({{"a", "bc"}}) != CanonicalEncryptionContext({{"ab", "c"}}));
  CHECK(CanonicalEncryptionContext({{"a", ""}, {"b", ""}}) !=
        CanonicalEncryptionContext({{"a", "b"}}));
  CHECK(CanonicalEncryptionContext({}) != CanonicalEncryptionContext({{"", ""}}));
}

TEST_CASE("UUIDs convert to 16 bytes and back, malformed ones are refused") {
  auto b = UuidToBytes(kKeyId);
  REQUIRE(b);
  CHECK(UuidFromBytes(b->data()) == kKeyId);
  CHECK_FALSE(UuidToBytes("1234ABCD-12ab-34cd-56ef-1234567890ab"));
  CHECK_FALSE(UuidToBytes("1234abcd12ab34cd56ef1234567890ab"));
  CHECK_FALSE(UuidToBytes("1234abcd-12ab-34cd-56ef-1234567890a"));
}

TEST_CASE("A multi-Region key id is named by format 0x02 and decodes back to its mrk- text") {
  const std::string mrk = "mrk-1234abcd12ab34cd56ef1234567890ab";
  uint8_t iv[kGcmIvSize] = {};
  auto blob = NewCiphertextBlob(mrk, 3, std::span<const uint8_t, kGcmIvSize>(iv), 5);
  REQUIRE(blob);
  CHECK((*blob)[0] == kBlobFormatMrk);
  auto view = DecodeCiphertextBlob(*blob);
  REQUIRE(view);
  CHECK(view->key_id == mrk);
  CHECK(view->material_version == 3);
  // The same 16 bytes under format 0x01 name a UUID, never the mrk id.
  Bytes as_uuid = *blob;
  as_uuid[0] = kBlobFormatV1;
  CHECK(DecodeCiphertextBlob(as_uuid)->key_id == "1234abcd-12ab-34cd-56ef-1234567890ab");
  CHECK_FALSE(NewCiphertextBlob("mrk-1234ABCD12ab34cd56ef1234567890ab", 1,
                                std::span<const uint8_t, kGcmIvSize>(iv), 0));
  CHECK_FALSE(NewCiphertextBlob("mrk-fake-key-id", 1, std::span<const uint8_t, kGcmIvSize>(iv), 0));
}
