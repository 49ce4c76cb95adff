// What key material looks like for each KeySpec: how CreateKey generates it,
// which bytes ImportKeyMaterial accepts, and the KeyMaterialId of imported
// material. Stored material is always these bytes, sealed (key_sealer.h):
//   SYMMETRIC_DEFAULT  32 random bytes (AES-256)
//   HMAC_*             the HMAC key (hmac.h)
//   RSA/ECC/SM2        the private key as PKCS#8 DER (asymmetric_key.h)
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/key_metadata.h"
#include "core/random.h"

namespace rotor::core {

// Fresh material for `spec` (throws KmsError if OpenSSL cannot make it).
SecretBytes GenerateKeyMaterial(KeySpec spec, RandomSource& random);

// Whether `material` can be imported into a key of `spec`.
bool IsValidImportedMaterial(KeySpec spec, const SecretBytes& material);

// KeyMaterialId of imported material. AWS documents only that the id is
// computed "based on the KMS key ID and the imported key material", so that
// re-importing the same material yields the same id; the exact function is
// not published. Rotor uses lowercase hex SHA-256(key id || 0x00 || material):
// deterministic, 64 hex characters like AWS's, and different for the same
// material in two keys.
std::string ImportedMaterialId(const std::string& key_id, const SecretBytes& material);

}  // namespace rotor::core
