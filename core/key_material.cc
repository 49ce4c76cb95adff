#include "core/key_material.h"

#include <openssl/evp.h>

#include "core/aead.h"
#include "core/asymmetric_key.h"
#include "core/hmac.h"
#include "core/key_spec_info.h"
#include "core/kms_error.h"

namespace rotor::core {

SecretBytes GenerateKeyMaterial(KeySpec spec, RandomSource& random) {
  if (spec == KeySpec::kSymmetricDefault) return random.Secret(kAesKeySize);
  if (IsHmacSpec(spec)) return random.Secret(HmacKeySize(spec));
  return PrivateKey::Generate(spec);
}

bool IsValidImportedMaterial(KeySpec spec, const SecretBytes& material) {
  if (spec == KeySpec::kSymmetricDefault) return material.size() == kAesKeySize;
  if (IsHmacSpec(spec)) return IsValidHmacKeySize(spec, material.size());
  return PrivateKey::Parse(spec, {material.data(), material.size()}) != nullptr;
}

std::string ImportedMaterialId(const std::string& key_id, const SecretBytes& material) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const uint8_t separator = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, key_id.data(), key_id.size()) == 1 &&
            EVP_DigestUpdate(ctx, &separator, 1) == 1 &&
            EVP_DigestUpdate(ctx, material.data(), material.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, digest, &len) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw KmsError::Internal("OpenSSL failed to hash imported key material");
  return HexEncode(digest, len);
}

}  // namespace rotor::core
