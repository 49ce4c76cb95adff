// Unwrapping imported key material (BYOK), as AWS's GetParametersForImport
// wrapping algorithms define it:
//   RSAES_OAEP_SHA_1 / _256          the material, RSA-OAEP-encrypted under the
//                                    wrapping public key (MGF1 with the same hash)
//   RSA_AES_KEY_WRAP_SHA_1 / _256    an ephemeral AES-256 key RSA-OAEP-encrypted
//                                    under the wrapping key, followed by the
//                                    material wrapped with that AES key using
//                                    AES key wrap with padding (RFC 5649)
// (PKCS#11 CKM_RSA_AES_KEY_WRAP.) Besides aead.h, the one symmetric-cipher
// user in core.
//
// Thread safety: stateless functions, safe to call concurrently.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/asymmetric_key.h"
#include "core/bytes.h"

namespace rotor::core {

// GetParametersForImport's WrappingAlgorithm (the AlgorithmSpec shape of AWS's
// API). Rotor unwraps the first four; AWS retired RSAES_PKCS1_V1_5 and offers
// SM2PKE only in the China Regions, so GetParametersForImport refuses those two.
enum class WrappingAlgorithm {
  kRsaesOaepSha1,
  kRsaesOaepSha256,
  kRsaAesKeyWrapSha1,
  kRsaAesKeyWrapSha256,
  kRsaesPkcs1V15,
  kSm2Pke
};

std::string_view ToString(WrappingAlgorithm algorithm);
template <>
std::optional<WrappingAlgorithm> Parse<WrappingAlgorithm>(std::string_view text);

// The material inside `wrapped`, or nullopt when it does not unwrap under
// `wrapping_key` with `algorithm` (always for RSAES_PKCS1_V1_5 and SM2PKE).
std::optional<SecretBytes> UnwrapKeyMaterial(const PrivateKey& wrapping_key,
                                             WrappingAlgorithm algorithm,
                                             std::span<const uint8_t> wrapped);

// RFC 5649 unwrap with a 128/192/256-bit key-encryption key. Nullopt when the
// integrity check or the padding check fails.
std::optional<SecretBytes> AesKeyUnwrapWithPadding(std::span<const uint8_t> kek,
                                                   std::span<const uint8_t> wrapped);

}  // namespace rotor::core
