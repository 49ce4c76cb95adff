// AES-256-GCM, the only symmetric cipher Rotor uses: for customer data under
// key material (ciphertext blobs) and for key material under the root key
// (sealing at rest). The one place in core that calls the symmetric EVP API.
//
// Thread safety: stateless functions, safe to call concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/bytes.h"

namespace rotor::core {

constexpr size_t kAesKeySize = 32;
constexpr size_t kGcmIvSize = 12;
constexpr size_t kGcmTagSize = 16;

// Encrypts `plaintext` into `out` (same length) and writes the tag.
// `key` must be 32 bytes. Throws KmsError(KMSInternalException) if OpenSSL fails.
void AesGcmSeal(std::span<const uint8_t> key, std::span<const uint8_t, kGcmIvSize> iv,
                std::span<const uint8_t> aad, std::span<const uint8_t> plaintext, uint8_t* out,
                std::span<uint8_t, kGcmTagSize> tag);

// Decrypts and authenticates. Returns false, leaving `out` wiped, when the tag
// does not match (tampered data, wrong key, wrong AAD).
bool AesGcmOpen(std::span<const uint8_t> key, std::span<const uint8_t, kGcmIvSize> iv,
                std::span<const uint8_t> aad, std::span<const uint8_t> ciphertext,
                std::span<const uint8_t, kGcmTagSize> tag, uint8_t* out);

}  // namespace rotor::core
